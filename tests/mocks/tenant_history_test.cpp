// The tenant's write history: stale views (lagging replicas) and undo
// (reverted and partially applied writes).
#include <gtest/gtest.h>

#include "tests/mocks/tenant_test_util.h"

namespace faultline::mocks {
namespace {

WriteResult disable(Tenant& tenant, const std::string& id) {
  return tenant.updateAccount(
      id,
      [](Account& a) {
        a.active = false;
        return ok();
      },
      std::nullopt, "test");
}

bool keysLive(const Account& a) {
  return std::any_of(a.credentials.begin(), a.credentials.end(),
                     [](const auto& c) { return c.active; });
}

TEST_F(TenantTest, ViewAsOfShowsTheTenantBeforeTheNewestWrites) {
  const std::uint64_t start = tenant_.lastChangeSeq();
  ASSERT_TRUE(removeMember("grp-ops", "acc-bob").status == WriteStatus::Ok);
  ASSERT_TRUE(disable(tenant_, "acc-svc").status == WriteStatus::Ok);
  const TenantState one_behind =
      tenant_.viewAsOf(tenant_.lastChangeSeq() - 3);  // disable logged 3 changes
  EXPECT_TRUE(one_behind.findAccount("acc-svc")->active);
  EXPECT_EQ(memberIds(*one_behind.findGroup("grp-ops")), (std::vector<std::string>{"acc-svc"}));
  const TenantState at_start = tenant_.viewAsOf(start);
  EXPECT_EQ(memberIds(*at_start.findGroup("grp-ops")),
            (std::vector<std::string>{"acc-bob", "acc-svc"}));
  // The live tenant is untouched by building views.
  EXPECT_FALSE(account("acc-svc").active);
}

TEST_F(TenantTest, ViewAsOfBringsBackDeletedAndDropsCreatedObjects) {
  const std::uint64_t start = tenant_.lastChangeSeq();
  ASSERT_TRUE(tenant_.deleteAccount("acc-bob", std::nullopt, "test").status == WriteStatus::Ok);
  std::string id;
  ASSERT_TRUE(tenant_.createAccount(makeAccount("", "new@example.test"), "test", &id).status ==
              WriteStatus::Ok);
  const TenantState view = tenant_.viewAsOf(start);
  EXPECT_NE(view.findAccount("acc-bob"), nullptr);
  EXPECT_EQ(view.findAccount(id), nullptr);
  EXPECT_EQ(memberIds(*view.findGroup("grp-ops")),
            (std::vector<std::string>{"acc-bob", "acc-svc"}));
}

TEST_F(TenantTest, UndoWritesRestoresEverythingAndLogsTheReversal) {
  const std::uint64_t before = tenant_.lastChangeSeq();
  ASSERT_TRUE(disable(tenant_, "acc-svc").status == WriteStatus::Ok);
  tenant_.undoWrites(before, tenant_.lastChangeSeq(), UndoScope::Everything, "revert");
  const Account svc = account("acc-svc");
  EXPECT_TRUE(svc.active);
  EXPECT_TRUE(keysLive(svc));
  const auto changes = tenant_.changes();
  EXPECT_EQ(changes.back().cause, "revert");
}

TEST_F(TenantTest, PartialUndoRestoresOnlyCredentials) {
  const std::uint64_t before = tenant_.lastChangeSeq();
  ASSERT_TRUE(disable(tenant_, "acc-svc").status == WriteStatus::Ok);
  tenant_.undoWrites(before, tenant_.lastChangeSeq(), UndoScope::CredentialsOnly, "partial", true);
  const Account svc = account("acc-svc");
  EXPECT_FALSE(svc.active);
  EXPECT_TRUE(keysLive(svc));
}

TEST_F(TenantTest, PartialApplyNeverShowsAStaleReaderTheStateInBetween) {
  const std::uint64_t before = tenant_.lastChangeSeq();
  ASSERT_TRUE(disable(tenant_, "acc-svc").status == WriteStatus::Ok);
  tenant_.undoWrites(before, tenant_.lastChangeSeq(), UndoScope::CredentialsOnly, "partial", true);
  // Every view from just before the write to now shows live keys: no reader
  // can see the disabled-with-dead-keys state that never existed outside.
  for (std::uint64_t seq = before; seq <= tenant_.lastChangeSeq(); ++seq) {
    EXPECT_TRUE(keysLive(*tenant_.viewAsOf(seq).findAccount("acc-svc"))) << "as of change " << seq;
  }
}

}  // namespace
}  // namespace faultline::mocks
