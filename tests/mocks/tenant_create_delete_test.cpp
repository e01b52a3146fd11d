// Tenant creates and deletes: ids, uniqueness, index upkeep and change sequence numbers.
#include "mocks/tenant.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mocks/clock.h"
#include "tests/mocks/tenant_test_util.h"

namespace faultline::mocks {
namespace {

TEST_F(TenantTest, CreateAccountAssignsIdVersionAndTimestampsAndLogs) {
  clock_.setMs(2'000);
  Account a;
  a.user_name = "carol@example.test";
  a.version = 9;
  a.entitlements = {"ent-read", "ent-admin", "ent-read"};
  std::string id;
  const WriteResult r = tenant_.createAccount(a, "request #3", &id);

  ASSERT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(r.version, 1u);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');  // a version-4-shaped UUID
  const Account stored = account(id);
  EXPECT_EQ(stored.version, 1u);
  EXPECT_EQ(stored.created, "2026-01-01T00:00:02Z");
  EXPECT_EQ(stored.last_modified, stored.created);
  EXPECT_EQ(stored.entitlements, (std::vector<std::string>{"ent-admin", "ent-read"}));
  const std::vector<Change> changes = tenant_.changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(describe(changes)[0], "account.created " + id + " carol@example.test");
  EXPECT_EQ(changes[0].t_ms, 2'000);
  EXPECT_EQ(changes[0].cause, "request #3");
  const TenantState s = tenant_.snapshot();
  EXPECT_EQ(s.user_name_index.at("carol@example.test"), s.account_index.at(id));
}

TEST_F(TenantTest, CreatedIdsAreDeterministicAndDistinct) {
  ManualClock other_clock;
  Tenant twin(makeState(), other_clock);
  Account a;
  std::vector<std::string> ids, twin_ids;
  for (const char* name : {"c1", "c2"}) {
    a.user_name = name;
    std::string id;
    tenant_.createAccount(a, "test", &id);
    ids.push_back(id);
    twin.createAccount(a, "test", &id);
    twin_ids.push_back(id);
  }
  std::string group_id;
  Group g;
  g.display_name = "new";
  tenant_.createGroup(g, "test", &group_id);

  EXPECT_EQ(ids, twin_ids);
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_EQ(std::set<std::string>({ids[0], ids[1], group_id}).size(), 3u);
}

TEST_F(TenantTest, CreateAccountRejectsBadInput) {
  Account nameless;
  const WriteResult missing = tenant_.createAccount(nameless, "test", nullptr);
  EXPECT_EQ(missing.status, WriteStatus::Invalid);
  EXPECT_EQ(missing.message, "userName is required");

  Account twin;
  twin.user_name = "BOB@example.test";
  const WriteResult taken = tenant_.createAccount(twin, "test", nullptr);
  EXPECT_EQ(taken.status, WriteStatus::Conflict);
  EXPECT_EQ(taken.message, "userName \"BOB@example.test\" is already taken");

  EXPECT_EQ(tenant_.snapshot().accounts.size(), 3u);
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, CreateGroupLogsItsMembersAndIndexesThem) {
  Group g;
  g.display_name = "auditors";
  g.members = {{"grp-ops", false}, {"acc-alice", false}};
  std::string id;
  ASSERT_EQ(tenant_.createGroup(g, "test", &id).status, WriteStatus::Ok);

  EXPECT_EQ(group(id).members, (std::vector<Member>{{"acc-alice", false}, {"grp-ops", true}}));
  EXPECT_EQ(describe(tenant_.changes()),
            (std::vector<std::string>{"group.created " + id + " auditors",
                                      "member.added " + id + " acc-alice",
                                      "member.added " + id + " grp-ops"}));
  const TenantState s = tenant_.snapshot();
  EXPECT_EQ(s.member_of.at("acc-alice"), (std::vector<std::string>{"grp-leaf", id}));
  EXPECT_EQ(s.member_of.at("grp-ops"), (std::vector<std::string>{id}));
  EXPECT_TRUE(tenant_.effectiveAccess("acc-bob").groups.count(id) != 0);
}

TEST_F(TenantTest, CreateGroupRejectsBadInput) {
  Group nameless;
  const WriteResult missing = tenant_.createGroup(nameless, "test", nullptr);
  EXPECT_EQ(missing.status, WriteStatus::Invalid);
  EXPECT_EQ(missing.message, "displayName is required");

  Group dangling;
  dangling.display_name = "dangling";
  dangling.members = {{"acc-ghost", false}};
  const WriteResult unknown = tenant_.createGroup(dangling, "test", nullptr);
  EXPECT_EQ(unknown.status, WriteStatus::Invalid);
  EXPECT_EQ(unknown.message, "member \"acc-ghost\" does not exist");

  EXPECT_EQ(tenant_.snapshot().groups.size(), 4u);
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, DeleteAccountRemovesItFromEveryGroupAndTouchesThoseGroups) {
  addMember("grp-leaf", {"acc-bob", false});
  clock_.setMs(30'000);
  const WriteResult r = tenant_.deleteAccount("acc-bob", std::nullopt, "request #9");

  EXPECT_EQ(r.status, WriteStatus::Ok);
  const TenantState s = tenant_.snapshot();
  EXPECT_EQ(s.findAccount("acc-bob"), nullptr);
  EXPECT_EQ(s.user_name_index.count("bob@example.test"), 0u);
  EXPECT_EQ(s.member_of.count("acc-bob"), 0u);
  EXPECT_EQ(memberIds(*s.findGroup("grp-ops")), (std::vector<std::string>{"acc-svc"}));
  EXPECT_EQ(memberIds(*s.findGroup("grp-leaf")), (std::vector<std::string>{"acc-alice"}));
  // A group that lost a member changed: both its version and its lastModified
  // move, or a delta sync on meta.lastModified would miss the removal.
  EXPECT_EQ(s.findGroup("grp-ops")->version, 2u);
  EXPECT_EQ(s.findGroup("grp-ops")->last_modified, "2026-01-01T00:00:30Z");
  EXPECT_EQ(s.findGroup("grp-leaf")->version, 3u);
  EXPECT_EQ(s.findGroup("grp-top")->version, 1u);
  // The other indexes still point at the right rows after the erase.
  EXPECT_EQ(s.accounts[s.account_index.at("acc-svc")].id, "acc-svc");
  EXPECT_EQ(s.accounts[s.user_name_index.at("svc-ci")].id, "acc-svc");
  std::vector<Change> changes = tenant_.changes();
  changes.erase(changes.begin());  // the addMember above
  EXPECT_EQ(describe(changes), (std::vector<std::string>{"member.removed grp-leaf acc-bob",
                                                         "member.removed grp-ops acc-bob",
                                                         "account.deleted acc-bob"}));
  EXPECT_EQ(changes.back().cause, "request #9");
  EXPECT_EQ(changes.back().t_ms, 30'000);
  EXPECT_FALSE(tenant_.effectiveAccess("acc-bob").exists);
}

TEST_F(TenantTest, DeleteGroupRemovesItFromItsParents) {
  clock_.setMs(5'000);
  ASSERT_EQ(tenant_.deleteGroup("grp-mid", 1, "test").status, WriteStatus::Ok);

  const TenantState s = tenant_.snapshot();
  EXPECT_EQ(s.findGroup("grp-mid"), nullptr);
  EXPECT_TRUE(s.findGroup("grp-top")->members.empty());
  EXPECT_EQ(s.findGroup("grp-top")->version, 2u);
  EXPECT_EQ(s.findGroup("grp-top")->last_modified, "2026-01-01T00:00:05Z");
  EXPECT_EQ(s.member_of.count("grp-leaf"), 0u);
  EXPECT_EQ(s.groups[s.group_index.at("grp-ops")].id, "grp-ops");
  EXPECT_EQ(describe(tenant_.changes()),
            (std::vector<std::string>{"member.removed grp-top grp-mid", "group.deleted grp-mid"}));
  EXPECT_EQ(tenant_.effectiveAccess("acc-alice").groups, (std::set<std::string>{"grp-leaf"}));
}

TEST_F(TenantTest, DeleteRejectsUnknownIdsAndStaleVersions) {
  const WriteResult no_account = tenant_.deleteAccount("acc-nobody", std::nullopt, "test");
  EXPECT_EQ(no_account.status, WriteStatus::NotFound);
  EXPECT_EQ(no_account.message, "no account acc-nobody");

  const WriteResult no_group = tenant_.deleteGroup("grp-nobody", std::nullopt, "test");
  EXPECT_EQ(no_group.status, WriteStatus::NotFound);
  EXPECT_EQ(no_group.message, "no group grp-nobody");

  const WriteResult stale_account = tenant_.deleteAccount("acc-bob", 7, "test");
  EXPECT_EQ(stale_account.status, WriteStatus::VersionMismatch);
  EXPECT_EQ(stale_account.message, "version mismatch: stored W/\"1\", If-Match W/\"7\"");

  const WriteResult stale_group = tenant_.deleteGroup("grp-ops", 0, "test");
  EXPECT_EQ(stale_group.status, WriteStatus::VersionMismatch);
  EXPECT_EQ(stale_group.message, "version mismatch: stored W/\"1\", If-Match W/\"0\"");

  const TenantState s = tenant_.snapshot();
  EXPECT_EQ(s.accounts.size(), 3u);
  EXPECT_EQ(s.groups.size(), 4u);
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, ChangeSequenceNumbersCountUpAcrossWrites) {
  clock_.setMs(10);
  removeMember("grp-ops", "acc-bob");
  clock_.advanceMs(15);
  tenant_.deleteAccount("acc-alice", std::nullopt, "timeline");

  const std::vector<Change> changes = tenant_.changes();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].seq, 1u);
  EXPECT_EQ(changes[0].t_ms, 10);
  EXPECT_EQ(changes[0].cause, "test");
  EXPECT_EQ(changes[2].seq, 3u);
  EXPECT_EQ(changes[2].t_ms, 25);
  EXPECT_EQ(changes[2].cause, "timeline");
}

}  // namespace
}  // namespace faultline::mocks
