// Timeline events applied to the tenant (docs/scenario-format.md, "timeline").
#include "mocks/timeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mocks/clock.h"
#include "mocks/generator.h"
#include "mocks/tenant.h"
#include "tests/mocks/tenant_test_util.h"

namespace faultline::mocks {
namespace {

using scenarios::TimelineEvent;
using scenarios::TimelineEventKind;

TimelineEvent event(int index, TimelineEventKind kind) {
  TimelineEvent e;
  e.index = index;
  e.kind = kind;
  e.at_request = static_cast<std::uint64_t>(index);
  return e;
}

bool isMember(const TenantState& s, const std::string& group, const std::string& account) {
  const Group* g = s.findGroup(group);
  return g != nullptr && std::find(g->members.begin(), g->members.end(), Member{account, false}) !=
                             g->members.end();
}

std::vector<std::string> causes(const Tenant& tenant) {
  std::vector<std::string> out;
  for (const auto& c : tenant.changes()) out.push_back(c.kind + " " + c.object + " " + c.cause);
  return out;
}

class TimelineTest : public ::testing::Test {
 protected:
  ManualClock clock_;
  Tenant tenant_{makeState(), clock_};
};

TEST_F(TimelineTest, LeaverDisablesTheAccountAndItsKeysNamingTheEvent) {
  TimelineEvent leaver = event(1, TimelineEventKind::Leaver);
  leaver.non_human = true;  // only acc-svc is a service account
  Timeline timeline({leaver}, 7, tenant_, clock_);
  clock_.advanceMs(1234);
  EXPECT_EQ(timeline.apply(1, 41),
            "timeline event 1 (leaver): account acc-svc disabled, 2 API key(s) deactivated");
  const AppliedEvent e = timeline.outcomes().at(0);
  EXPECT_TRUE(e.applied);
  EXPECT_EQ(e.position, 41u);
  EXPECT_EQ(e.applied_ms, 1234);
  EXPECT_EQ(e.account, "acc-svc");
  EXPECT_EQ(e.keys_deactivated, (std::vector<std::string>{"key-1", "key-2"}));
  EXPECT_EQ(e.subjects(), (std::vector<std::string>{"acc-svc", "key-1", "key-2"}));
  const Account svc = tenant_.read([](const TenantState& s) { return *s.findAccount("acc-svc"); });
  EXPECT_FALSE(svc.active);
  EXPECT_FALSE(svc.credentials[0].active);
  EXPECT_FALSE(svc.credentials[1].active);
  EXPECT_EQ(causes(tenant_),
            (std::vector<std::string>{"account.disabled acc-svc timeline event 1 (leaver)",
                                      "credential.deactivated acc-svc timeline event 1 (leaver)",
                                      "credential.deactivated acc-svc timeline event 1 (leaver)"}));
}

TEST_F(TimelineTest, RotateKeyDeactivatesOneLiveKeyAndCreatesANewOne) {
  Timeline timeline({event(1, TimelineEventKind::RotateKey)}, 7, tenant_, clock_);
  timeline.apply(1, 0);
  const AppliedEvent e = timeline.outcomes().at(0);
  ASSERT_TRUE(e.applied);
  EXPECT_EQ(e.account, "acc-svc");
  EXPECT_TRUE(e.old_key == "key-1" || e.old_key == "key-2") << e.old_key;
  EXPECT_EQ(e.new_key.rfind("key-", 0), 0u);
  const Account svc = tenant_.read([](const TenantState& s) { return *s.findAccount("acc-svc"); });
  ASSERT_EQ(svc.credentials.size(), 3u);
  for (const auto& c : svc.credentials) EXPECT_EQ(c.active, c.id != e.old_key) << c.id;
  EXPECT_EQ(svc.credentials[2].id, e.new_key);
  EXPECT_TRUE(svc.active);
}

TEST_F(TimelineTest, MoverLeavesADirectGroupAndJoinsAnother) {
  Timeline timeline({event(1, TimelineEventKind::Mover)}, 7, tenant_, clock_);
  const TenantState before = tenant_.snapshot();
  timeline.apply(1, 0);
  const AppliedEvent e = timeline.outcomes().at(0);
  ASSERT_TRUE(e.applied);
  EXPECT_TRUE(isMember(before, e.group_from, e.account));
  EXPECT_FALSE(isMember(before, e.group_to, e.account));
  const TenantState after = tenant_.snapshot();
  EXPECT_FALSE(isMember(after, e.group_from, e.account));
  EXPECT_TRUE(isMember(after, e.group_to, e.account));
}

TEST_F(TimelineTest, UngrantAndGrantChangeDirectEntitlements) {
  // Only acc-alice holds a direct entitlement; the grant may pick anyone else.
  Timeline timeline({event(1, TimelineEventKind::Ungrant), event(2, TimelineEventKind::Grant)}, 7,
                    tenant_, clock_);
  EXPECT_EQ(timeline.apply(1, 0),
            "timeline event 1 (ungrant): account acc-alice lost entitlement ent-read");
  timeline.apply(2, 0);
  const AppliedEvent granted = timeline.outcomes().at(1);
  ASSERT_TRUE(granted.applied);
  EXPECT_NE(granted.account, "acc-alice");  // an account is changed once at most
  const Account a =
      tenant_.read([&](const TenantState& s) { return *s.findAccount(granted.account); });
  EXPECT_EQ(a.entitlements, (std::vector<std::string>{granted.entitlement}));
  const Account alice =
      tenant_.read([](const TenantState& s) { return *s.findAccount("acc-alice"); });
  EXPECT_TRUE(alice.entitlements.empty());
}

TEST_F(TimelineTest, JoinerCreatesAnActiveHumanInDistinctGroups) {
  TimelineEvent joiner = event(1, TimelineEventKind::Joiner);
  joiner.groups = 2;
  Timeline timeline({joiner}, 7, tenant_, clock_);
  timeline.apply(1, 0);
  const AppliedEvent e = timeline.outcomes().at(0);
  ASSERT_TRUE(e.applied);
  ASSERT_EQ(e.groups.size(), 2u);
  EXPECT_NE(e.groups[0], e.groups[1]);
  const TenantState s = tenant_.snapshot();
  const Account* a = s.findAccount(e.account);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->active);
  EXPECT_EQ(a->type, AccountType::Human);
  for (const auto& g : e.groups) EXPECT_TRUE(isMember(s, g, e.account)) << g;
  EXPECT_EQ(causes(tenant_).front(), "account.created " + e.account + " timeline event 1 (joiner)");
}

TEST_F(TimelineTest, NeverPicksAnAccountTwiceAndSaysWhenNothingIsLeft) {
  std::vector<TimelineEvent> events;
  for (int i = 1; i <= 4; ++i) events.push_back(event(i, TimelineEventKind::Leaver));
  Timeline timeline(events, 7, tenant_, clock_);
  for (int i = 1; i <= 4; ++i) timeline.apply(i, 0);
  const auto out = timeline.outcomes();
  std::vector<std::string> picked;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(out[i].applied);
    picked.push_back(out[i].account);
  }
  std::sort(picked.begin(), picked.end());
  EXPECT_EQ(picked, (std::vector<std::string>{"acc-alice", "acc-bob", "acc-svc"}));
  EXPECT_FALSE(out[3].applied);
  EXPECT_EQ(out[3].what, "no account to pick; not applied");
}

TEST_F(TimelineTest, LandsEachEventOnce) {
  Timeline timeline({event(1, TimelineEventKind::Leaver)}, 7, tenant_, clock_);
  EXPECT_FALSE(timeline.apply(1, 3).empty());
  const std::size_t changes = tenant_.changes().size();
  EXPECT_EQ(timeline.apply(1, 9), "");
  EXPECT_EQ(tenant_.changes().size(), changes);
  EXPECT_EQ(timeline.outcomes().at(0).position, 3u);
}

TEST(TimelinePickTest, PicksAreAPureFunctionOfSeedIndexAndTenant) {
  scenarios::TenantSpec spec;
  spec.accounts = 120;
  spec.nhi_share = 0.3;
  spec.privileged_share = 0.3;
  std::vector<TimelineEvent> events;
  for (auto kind :
       {TimelineEventKind::Joiner, TimelineEventKind::Leaver, TimelineEventKind::Mover,
        TimelineEventKind::Grant, TimelineEventKind::Ungrant, TimelineEventKind::RotateKey}) {
    events.push_back(event(static_cast<int>(events.size()) + 1, kind));
  }
  auto run = [&](std::uint64_t seed) {
    ManualClock clock;
    Tenant tenant(generateTenant(spec, 99), clock);
    Timeline timeline(events, seed, tenant, clock);
    std::vector<std::string> notes;
    for (const auto& e : events) notes.push_back(timeline.apply(e.index, 0));
    return notes;
  };
  const auto first = run(5);
  EXPECT_EQ(first, run(5));
  EXPECT_NE(first, run(6));
  for (const auto& note : first) EXPECT_EQ(note.find("not applied"), std::string::npos) << note;
}

}  // namespace
}  // namespace faultline::mocks
