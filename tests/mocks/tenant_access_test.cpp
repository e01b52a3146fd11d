// Tenant reads: effective access through nesting, the member_of index, snapshots,
// concurrent writers, and the RFC 3339 / UUID formatting helpers.
#include "mocks/tenant.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mocks/clock.h"
#include "tests/mocks/tenant_test_util.h"

namespace faultline::mocks {
namespace {

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
