#include "mocks/tenant.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mocks/clock.h"

namespace faultline::mocks {
namespace {

// A hand-built tenant small enough to reason about:
//   grp-top (ent-admin) > grp-mid (ent-deploy) > grp-leaf > acc-alice (ent-read)
//   grp-ops > acc-bob, acc-svc (two live API keys)
Account makeAccount(const std::string& id, const std::string& user_name) {
  Account a;
  a.id = id;
  a.user_name = user_name;
  a.display_name = user_name;
  a.created = a.last_modified = "2025-10-03T00:00:00Z";
  return a;
}

Group makeGroup(const std::string& id, std::vector<Member> members,
                std::vector<std::string> entitlements) {
  Group g;
  g.id = id;
  g.display_name = id;
  g.members = std::move(members);
  g.entitlements = std::move(entitlements);
  g.created = g.last_modified = "2025-10-03T00:00:00Z";
  return g;
}

TenantState makeState() {
  TenantState s;
  for (const char* id : {"ent-admin", "ent-deploy", "ent-read"}) {
    Entitlement e;
    e.id = id;
    e.display_name = id;
    s.entitlements.push_back(e);
  }
  Account alice = makeAccount("acc-alice", "alice@example.test");
  alice.entitlements = {"ent-read"};
  Account svc = makeAccount("acc-svc", "svc-ci");
  svc.type = AccountType::Service;
  svc.credentials = {{"key-1", "api_key", "2026-06-01T00:00:00Z", true},
                     {"key-2", "api_key", "2026-07-01T00:00:00Z", true}};
  s.accounts = {alice, makeAccount("acc-bob", "bob@example.test"), svc};
  s.groups = {makeGroup("grp-top", {{"grp-mid", true}}, {"ent-admin"}),
              makeGroup("grp-mid", {{"grp-leaf", true}}, {"ent-deploy"}),
              makeGroup("grp-leaf", {{"acc-alice", false}}, {}),
              makeGroup("grp-ops", {{"acc-bob", false}, {"acc-svc", false}}, {})};
  return s;
}

// "kind object detail", so a whole change log compares in one assertion.
std::vector<std::string> describe(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) {
    out.push_back(c.kind + " " + c.object + (c.detail.empty() ? "" : " " + c.detail));
  }
  return out;
}

std::vector<std::string> memberIds(const Group& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members) out.push_back(m.id);
  return out;
}

std::vector<std::string> credentialStates(const Account& a) {
  std::vector<std::string> out;
  for (const auto& c : a.credentials) out.push_back(c.id + (c.active ? ":live" : ":dead"));
  return out;
}

WriteResult ok() {
  return {};
}

class TenantTest : public ::testing::Test {
 protected:
  Account account(const std::string& id) const {
    return tenant_.read([&](const TenantState& s) { return *s.findAccount(id); });
  }
  Group group(const std::string& id) const {
    return tenant_.read([&](const TenantState& s) { return *s.findGroup(id); });
  }
  WriteResult addMember(const std::string& group_id, Member member) {
    return tenant_.updateGroup(
        group_id,
        [&](Group& g) {
          g.members.push_back(member);
          return ok();
        },
        std::nullopt, "test");
  }
  WriteResult removeMember(const std::string& group_id, const std::string& member_id) {
    return tenant_.updateGroup(
        group_id,
        [&](Group& g) {
          std::erase_if(g.members, [&](const Member& m) { return m.id == member_id; });
          return ok();
        },
        std::nullopt, "test");
  }
  // member_of must equal what a full rebuild from the groups would give.
  void expectMemberOfInStep() const {
    TenantState s = tenant_.snapshot();
    const auto stored = s.member_of;
    s.rebuildMemberOf();
    EXPECT_EQ(stored, s.member_of);
  }

  ManualClock clock_;
  Tenant tenant_{makeState(), clock_};
};

TEST_F(TenantTest, UpdateAccountBumpsVersionAndStampsLastModifiedFromTheClock) {
  clock_.setMs(61'500);
  const WriteResult r = tenant_.updateAccount(
      "acc-bob",
      [](Account& a) {
        a.display_name = "Bob B.";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(r.version, 2u);
  const Account bob = account("acc-bob");
  EXPECT_EQ(bob.display_name, "Bob B.");
  EXPECT_EQ(bob.version, 2u);
  // The tenant's epoch is 2026-01-01T00:00:00Z; 61.5 s later, to the second.
  EXPECT_EQ(bob.last_modified, "2026-01-01T00:01:01Z");
  EXPECT_EQ(bob.created, "2025-10-03T00:00:00Z");
}

TEST_F(TenantTest, UpdateAccountWithMatchingIfMatchSucceeds) {
  const WriteResult r = tenant_.updateAccount(
      "acc-bob",
      [](Account& a) {
        a.email = "bob@corp.test";
        return ok();
      },
      1, "test");

  EXPECT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(account("acc-bob").version, 2u);
}

TEST_F(TenantTest, UpdateAccountWithStaleIfMatchIsVersionMismatchAndChangesNothing) {
  ASSERT_EQ(tenant_
                .updateAccount(
                    "acc-bob", [](Account&) { return ok(); }, 1, "test")
                .status,
            WriteStatus::Ok);
  bool mutated = false;
  const WriteResult r = tenant_.updateAccount(
      "acc-bob",
      [&](Account& a) {
        mutated = true;
        a.display_name = "never";
        return ok();
      },
      1, "test");

  EXPECT_EQ(r.status, WriteStatus::VersionMismatch);
  EXPECT_EQ(r.message, "version mismatch: stored W/\"2\", If-Match W/\"1\"");
  EXPECT_EQ(r.version, 2u);
  EXPECT_FALSE(mutated);
  EXPECT_EQ(account("acc-bob").display_name, "bob@example.test");
  EXPECT_EQ(account("acc-bob").version, 2u);
}

TEST_F(TenantTest, UpdateAccountOnUnknownIdIsNotFound) {
  const WriteResult r = tenant_.updateAccount(
      "acc-nobody", [](Account&) { return ok(); }, std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::NotFound);
  EXPECT_EQ(r.message, "no account acc-nobody");
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, UpdateAccountMutatorFailureLeavesTheAccountUntouched) {
  const WriteResult r = tenant_.updateAccount(
      "acc-alice",
      [](Account& a) {
        a.display_name = "half-applied";
        a.active = false;
        return WriteResult{WriteStatus::Invalid, "nope", 0};
      },
      std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::Invalid);
  EXPECT_EQ(r.message, "nope");
  const Account alice = account("acc-alice");
  EXPECT_EQ(alice.display_name, "alice@example.test");
  EXPECT_TRUE(alice.active);
  EXPECT_EQ(alice.version, 1u);
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, UpdateAccountCannotChangeTheId) {
  tenant_.updateAccount(
      "acc-bob",
      [](Account& a) {
        a.id = "acc-robert";
        return ok();
      },
      std::nullopt, "test");

  const TenantState s = tenant_.snapshot();
  EXPECT_NE(s.findAccount("acc-bob"), nullptr);
  EXPECT_EQ(s.findAccount("acc-robert"), nullptr);
}

TEST_F(TenantTest, RenameToATakenUserNameIsAConflictWhateverTheCase) {
  const WriteResult r = tenant_.updateAccount(
      "acc-bob",
      [](Account& a) {
        a.user_name = "ALICE@example.test";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::Conflict);
  EXPECT_EQ(r.message, "userName \"ALICE@example.test\" is already taken");
  EXPECT_EQ(r.version, 1u);
  EXPECT_EQ(account("acc-bob").user_name, "bob@example.test");
}

TEST_F(TenantTest, RenameFreesTheOldUserNameAndIndexesTheNewOne) {
  ASSERT_EQ(tenant_
                .updateAccount(
                    "acc-alice",
                    [](Account& a) {
                      a.user_name = "Alicia@example.test";
                      return ok();
                    },
                    std::nullopt, "test")
                .status,
            WriteStatus::Ok);

  TenantState s = tenant_.snapshot();
  EXPECT_EQ(s.user_name_index.count("alice@example.test"), 0u);
  EXPECT_EQ(s.user_name_index.at("alicia@example.test"), s.account_index.at("acc-alice"));
  Account again;
  again.user_name = "alice@example.test";
  EXPECT_EQ(tenant_.createAccount(again, "test", nullptr).status, WriteStatus::Ok);
  EXPECT_EQ(describe(tenant_.changes())[0], "account.renamed acc-alice Alicia@example.test");
}

TEST_F(TenantTest, RenameThatOnlyChangesCaseIsAllowed) {
  const WriteResult r = tenant_.updateAccount(
      "acc-alice",
      [](Account& a) {
        a.user_name = "Alice@Example.test";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(account("acc-alice").user_name, "Alice@Example.test");
}

TEST_F(TenantTest, DeactivationRevokesEveryCredentialAndLogsEachOne) {
  clock_.setMs(4'250);
  tenant_.updateAccount(
      "acc-svc",
      [](Account& a) {
        a.active = false;
        return ok();
      },
      std::nullopt, "request #7");

  const Account svc = account("acc-svc");
  EXPECT_FALSE(svc.active);
  EXPECT_EQ(credentialStates(svc), (std::vector<std::string>{"key-1:dead", "key-2:dead"}));
  const std::vector<Change> changes = tenant_.changes();
  EXPECT_EQ(describe(changes), (std::vector<std::string>{"account.disabled acc-svc",
                                                         "credential.deactivated acc-svc key-1",
                                                         "credential.deactivated acc-svc key-2"}));
  for (std::size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i].seq, i + 1);
    EXPECT_EQ(changes[i].t_ms, 4'250);
    EXPECT_EQ(changes[i].cause, "request #7");
  }
  EXPECT_TRUE(tenant_.effectiveAccess("acc-svc").live_credentials.empty());
}

TEST_F(TenantTest, ReactivationDoesNotReviveCredentials) {
  auto setActive = [&](bool active) {
    return tenant_.updateAccount(
        "acc-svc",
        [=](Account& a) {
          a.active = active;
          return ok();
        },
        std::nullopt, "test");
  };
  setActive(false);
  setActive(true);

  const Account svc = account("acc-svc");
  EXPECT_TRUE(svc.active);
  EXPECT_EQ(svc.version, 3u);
  EXPECT_EQ(credentialStates(svc), (std::vector<std::string>{"key-1:dead", "key-2:dead"}));
  EXPECT_EQ(describe(tenant_.changes()).back(), "account.enabled acc-svc");
}

TEST_F(TenantTest, UpdateAccountLogsGrantsRevocationsAndAttributeEdits) {
  tenant_.updateAccount(
      "acc-alice",
      [](Account& a) {
        a.entitlements = {"ent-deploy", "ent-admin", "ent-deploy"};
        a.email = "alice@corp.test";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(account("acc-alice").entitlements,
            (std::vector<std::string>{"ent-admin", "ent-deploy"}));
  EXPECT_EQ(
      describe(tenant_.changes()),
      (std::vector<std::string>{
          "account.updated acc-alice", "entitlement.revoked acc-alice ent-read",
          "entitlement.granted acc-alice ent-admin", "entitlement.granted acc-alice ent-deploy"}));
}

TEST_F(TenantTest, CredentialChangesAreLogged) {
  tenant_.updateAccount(
      "acc-svc",
      [](Account& a) {
        a.credentials[0].active = false;
        a.credentials.erase(a.credentials.begin() + 1);
        a.credentials.push_back({"key-3", "api_key", "2026-09-01T00:00:00Z", true});
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(describe(tenant_.changes()), (std::vector<std::string>{
                                             "credential.deactivated acc-svc key-1",
                                             "credential.created acc-svc key-3",
                                             "credential.deleted acc-svc key-2",
                                         }));
}

TEST_F(TenantTest, UpdateGroupSortsAndDeduplicatesMembersAndResolvesTheirKinds) {
  const WriteResult r = tenant_.updateGroup(
      "grp-leaf",
      [](Group& g) {
        // Clients often omit a member's type: the id says what it is.
        g.members = {
            {"grp-ops", false}, {"acc-bob", false}, {"acc-alice", false}, {"acc-bob", false}};
        return ok();
      },
      std::nullopt, "test");

  ASSERT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(r.version, 2u);
  EXPECT_EQ(group("grp-leaf").members,
            (std::vector<Member>{{"acc-alice", false}, {"acc-bob", false}, {"grp-ops", true}}));
  EXPECT_EQ(
      describe(tenant_.changes()),
      (std::vector<std::string>{"member.added grp-leaf acc-bob", "member.added grp-leaf grp-ops"}));
}

TEST_F(TenantTest, UpdateGroupLogsRenamesRemovalsAndEntitlementChanges) {
  tenant_.updateGroup(
      "grp-ops",
      [](Group& g) {
        g.display_name = "operations";
        g.members = {{"acc-svc", false}};
        g.entitlements = {"ent-deploy"};
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(describe(tenant_.changes()),
            (std::vector<std::string>{"group.renamed grp-ops operations",
                                      "member.removed grp-ops acc-bob",
                                      "entitlement.granted grp-ops ent-deploy"}));
}

TEST_F(TenantTest, UpdateGroupLogsAnExternalIdChange) {
  tenant_.updateGroup(
      "grp-ops",
      [](Group& g) {
        g.external_id = "ext-ops";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(describe(tenant_.changes()), (std::vector<std::string>{"group.updated grp-ops"}));
}

TEST_F(TenantTest, UpdateGroupWithStaleIfMatchIsVersionMismatch) {
  const WriteResult r = tenant_.updateGroup(
      "grp-ops", [](Group&) { return ok(); }, 3, "test");

  EXPECT_EQ(r.status, WriteStatus::VersionMismatch);
  EXPECT_EQ(r.message, "version mismatch: stored W/\"1\", If-Match W/\"3\"");
  EXPECT_EQ(group("grp-ops").version, 1u);
}

TEST_F(TenantTest, UpdateGroupRejectsAnUnknownMemberAndChangesNothing) {
  const WriteResult r = addMember("grp-ops", {"acc-ghost", false});

  EXPECT_EQ(r.status, WriteStatus::Invalid);
  EXPECT_EQ(r.message, "member \"acc-ghost\" does not exist");
  EXPECT_EQ(r.version, 1u);
  EXPECT_EQ(memberIds(group("grp-ops")), (std::vector<std::string>{"acc-bob", "acc-svc"}));
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, UpdateGroupRejectsAGroupContainingItself) {
  const WriteResult r = addMember("grp-top", {"grp-top", false});

  EXPECT_EQ(r.status, WriteStatus::Invalid);
  EXPECT_EQ(r.message, "a group cannot contain itself");
  EXPECT_EQ(group("grp-top").version, 1u);
}

TEST_F(TenantTest, UpdateGroupOnUnknownIdIsNotFound) {
  const WriteResult r = addMember("grp-nobody", {"acc-bob", false});

  EXPECT_EQ(r.status, WriteStatus::NotFound);
  EXPECT_EQ(r.message, "no group grp-nobody");
}

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

TEST_F(TenantTest, EffectiveAccessReachesEntitlementsThroughThreeLevelsOfNesting) {
  const EffectiveAccess alice = tenant_.effectiveAccess("acc-alice");

  EXPECT_TRUE(alice.exists);
  EXPECT_TRUE(alice.active);
  EXPECT_EQ(alice.groups, (std::set<std::string>{"grp-leaf", "grp-mid", "grp-top"}));
  EXPECT_EQ(alice.entitlements, (std::set<std::string>{"ent-admin", "ent-deploy", "ent-read"}));
  EXPECT_TRUE(alice.live_credentials.empty());
}

TEST_F(TenantTest, EffectiveAccessLosesWhatARemovedNestingEdgeCarried) {
  removeMember("grp-top", "grp-mid");

  const EffectiveAccess alice = tenant_.effectiveAccess("acc-alice");
  EXPECT_EQ(alice.groups, (std::set<std::string>{"grp-leaf", "grp-mid"}));
  EXPECT_EQ(alice.entitlements, (std::set<std::string>{"ent-deploy", "ent-read"}));
}

TEST_F(TenantTest, EffectiveAccessTerminatesOnAMembershipCycle) {
  // grp-top > grp-mid > grp-leaf > grp-top
  ASSERT_EQ(addMember("grp-leaf", {"grp-top", true}).status, WriteStatus::Ok);

  const EffectiveAccess alice = tenant_.effectiveAccess("acc-alice");
  EXPECT_EQ(alice.groups, (std::set<std::string>{"grp-leaf", "grp-mid", "grp-top"}));
  EXPECT_EQ(alice.entitlements, (std::set<std::string>{"ent-admin", "ent-deploy", "ent-read"}));
}

TEST_F(TenantTest, EffectiveAccessListsOnlyLiveCredentials) {
  tenant_.updateAccount(
      "acc-svc",
      [](Account& a) {
        a.credentials[1].active = false;
        return ok();
      },
      std::nullopt, "test");

  const EffectiveAccess svc = tenant_.effectiveAccess("acc-svc");
  EXPECT_EQ(svc.live_credentials, (std::set<std::string>{"key-1"}));
  EXPECT_EQ(svc.groups, (std::set<std::string>{"grp-ops"}));
  EXPECT_TRUE(svc.entitlements.empty());
}

TEST_F(TenantTest, EffectiveAccessOfAnUnknownAccountIsEmpty) {
  const EffectiveAccess nobody = tenant_.effectiveAccess("acc-nobody");

  EXPECT_FALSE(nobody.exists);
  EXPECT_FALSE(nobody.active);
  EXPECT_TRUE(nobody.groups.empty());
  EXPECT_TRUE(nobody.entitlements.empty());
}

TEST_F(TenantTest, MemberOfIndexStaysInStepWithEveryKindOfWrite) {
  expectMemberOfInStep();
  EXPECT_EQ(tenant_.snapshot().member_of.at("acc-alice"), (std::vector<std::string>{"grp-leaf"}));

  addMember("grp-leaf", {"acc-bob", false});
  expectMemberOfInStep();
  EXPECT_EQ(tenant_.snapshot().member_of.at("acc-bob"),
            (std::vector<std::string>{"grp-leaf", "grp-ops"}));

  removeMember("grp-ops", "acc-bob");
  expectMemberOfInStep();
  EXPECT_EQ(tenant_.snapshot().member_of.at("acc-bob"), (std::vector<std::string>{"grp-leaf"}));

  tenant_.updateGroup(
      "grp-ops",
      [](Group& g) {
        g.display_name = "renamed, members untouched";
        return ok();
      },
      std::nullopt, "test");
  expectMemberOfInStep();

  Account carol;
  carol.user_name = "carol";
  std::string carol_id;
  tenant_.createAccount(carol, "test", &carol_id);
  expectMemberOfInStep();
  EXPECT_EQ(tenant_.snapshot().member_of.count(carol_id), 0u);

  tenant_.deleteGroup("grp-leaf", std::nullopt, "test");
  expectMemberOfInStep();
  const TenantState s = tenant_.snapshot();
  EXPECT_EQ(s.member_of.count("acc-alice"), 0u);
  EXPECT_EQ(s.member_of.count("acc-bob"), 0u);

  tenant_.deleteAccount("acc-svc", std::nullopt, "test");
  expectMemberOfInStep();
  EXPECT_EQ(tenant_.snapshot().member_of.count("acc-svc"), 0u);
}

TEST_F(TenantTest, SnapshotIsUnaffectedByLaterWrites) {
  const TenantState before = tenant_.snapshot();
  tenant_.deleteAccount("acc-alice", std::nullopt, "test");

  ASSERT_NE(before.findAccount("acc-alice"), nullptr);
  EXPECT_EQ(before.findAccount("acc-alice")->user_name, "alice@example.test");
  EXPECT_EQ(before.accounts.size(), 3u);
}

TEST_F(TenantTest, ConcurrentWritersLoseNoUpdate) {
  constexpr int kThreads = 4;
  constexpr int kWritesEach = 50;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([this, t] {
      for (int i = 0; i < kWritesEach; ++i) {
        tenant_.updateAccount(
            "acc-alice",
            [&](Account& a) {
              a.display_name = "writer " + std::to_string(t) + " write " + std::to_string(i);
              return ok();
            },
            std::nullopt, "test");
      }
    });
  }
  for (auto& w : writers) w.join();

  EXPECT_EQ(account("acc-alice").version, 1u + kThreads * kWritesEach);
  const std::vector<Change> changes = tenant_.changes();
  ASSERT_EQ(changes.size(), static_cast<std::size_t>(kThreads * kWritesEach));
  for (std::size_t i = 0; i < changes.size(); ++i) EXPECT_EQ(changes[i].seq, i + 1);
}

TEST(TenantFormatTest, FormatsRfc3339InUtc) {
  EXPECT_EQ(formatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatRfc3339(1767225600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(formatRfc3339(951827696), "2000-02-29T12:34:56Z");
}

TEST(TenantFormatTest, FormatsUuidWithVersionAndVariantBits) {
  EXPECT_EQ(formatUuid(0, 0), "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(formatUuid(~0ULL, ~0ULL), "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

}  // namespace
}  // namespace faultline::mocks
