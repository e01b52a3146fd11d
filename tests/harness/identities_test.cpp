// Naming the identities a report mentions from the tenant's ground truth,
// and what a real drill's report then carries.
#include "harness/identities.h"

#include <gtest/gtest.h>

#include <string>

#include "reports/triage.h"
#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

mocks::TenantState tenant() {
  mocks::TenantState s;
  mocks::Account alice;
  alice.id = "u-1";
  alice.user_name = "alice@example.com";
  alice.display_name = "Alice";
  mocks::Account robot;
  robot.id = "u-2";
  robot.user_name = "svc-backup";
  robot.type = mocks::AccountType::Service;
  robot.privileged = true;
  robot.credentials.push_back({"key-1"});
  mocks::Account carol;
  carol.id = "u-3";
  carol.display_name = "Carol";  // no userName: the displayName names her
  s.accounts = {alice, robot, carol};
  mocks::Entitlement root;
  root.id = "e-root";
  root.display_name = "Root";
  root.privileged = true;
  s.entitlements = {root};
  mocks::Group admins;
  admins.id = "g-admins";
  admins.display_name = "Admins";
  admins.entitlements = {"e-root"};
  mocks::Group staff;
  staff.id = "g-staff";
  staff.display_name = "Staff";
  s.groups = {admins, staff};
  s.reindex();
  return s;
}

TEST(IdentitiesTest, NamesEveryIdTheReportMentionsAndNoOther) {
  const mocks::TenantState s = tenant();
  reports::Report r;
  reports::OperationReport sync;
  reports::TypeScore grants;
  grants.type = "grant";
  grants.missing = {"membership|account|u-1|g-staff"};
  reports::TypeScore keys;
  keys.type = "credential";
  keys.missing = {"key-1"};
  sync.completeness = {grants, keys};
  reports::OperationReport revoke;
  reports::RevocationOutcome rv;
  rv.account = "u-3";
  rv.target = "g-admins";
  revoke.revocations = {rv};
  r.operations = {sync, revoke};
  reports::Finding f;
  f.title = "Root granted";
  f.detail = "e-root was granted to u-12";  // u-12 is no one; u-1 is not named here
  r.findings = {f};
  nameIdentities(r, {&s});
  EXPECT_EQ(r.identities.size(), 7u);
  EXPECT_EQ(r.identities.at("u-1").name, "alice@example.com");
  EXPECT_EQ(r.identities.at("u-3").name, "Carol");
  EXPECT_TRUE(r.identities.at("g-admins").privileged) << "it grants a privileged entitlement";
  EXPECT_FALSE(r.identities.at("g-staff").privileged);
  EXPECT_TRUE(r.identities.at("e-root").privileged);
  const reports::Identity& key = r.identities.at("key-1");
  EXPECT_EQ(key.kind, "credential");
  EXPECT_EQ(key.owner, "u-2");
  EXPECT_TRUE(key.non_human);
  EXPECT_TRUE(key.privileged);
  // The key's owner is named too, so "key of ..." can say whose it is.
  EXPECT_TRUE(r.identities.at("u-2").non_human);
  EXPECT_EQ(r.identities.count("u-12"), 0u);
}

TEST(IdentitiesTest, TheFirstStateThatHoldsAnIdNamesIt) {
  mocks::TenantState before = tenant();
  mocks::TenantState after = tenant();
  after.accounts.erase(after.accounts.begin());  // alice left
  after.accounts[0].user_name = "svc-backup-renamed";
  after.reindex();
  reports::Report r;
  reports::OperationReport revoke;
  reports::RevocationOutcome a, b;
  a.account = "u-1";
  b.account = "u-2";
  revoke.revocations = {a, b};
  r.operations = {revoke};
  nameIdentities(r, {&after, &before});
  EXPECT_EQ(r.identities.at("u-1").name, "alice@example.com");
  EXPECT_EQ(r.identities.at("u-2").name, "svc-backup-renamed");
}

// The reference connector passes schema drift only because the scenario
// accepts an honest partial: the report says so, with the scenario's reason,
// and names the accounts it could not return.
TEST(IdentitiesTest, AnExemptedRealDrillNamesItsPeopleAndItsReason) {
  const reports::Report r = testing::runFixtureDrill(
      testing::kReference, "scenarios/schema_drift.json", 3131, "identities_schema_drift");
  ASSERT_EQ(r.verdict, reports::Verdict::Passed) << testing::describeFindings(r);
  ASSERT_EQ(r.exemptions.size(), 1u);
  EXPECT_EQ(r.exemptions[0].rule, "honest_partial");
  EXPECT_EQ(r.exemptions[0].source, "scenario schema-drift");
  EXPECT_NE(r.exemptions[0].reason.find("no connector can map"), std::string::npos);
  EXPECT_EQ(reports::exemptionBanner(r).rfind("passed with exemptions: honest partial accepted "
                                              "for schema-drift — userName is renamed",
                                              0),
            0u)
      << reports::exemptionBanner(r);
  const auto& accounts = r.operations.at(0).completeness.at(0);
  ASSERT_EQ(accounts.type, "account");
  ASSERT_FALSE(accounts.missing.empty());
  for (const auto& id : accounts.missing) {
    ASSERT_EQ(r.identities.count(id), 1u) << id;
    EXPECT_EQ(r.identities.at(id).kind, "account");
    EXPECT_FALSE(r.identities.at(id).name.empty()) << id;
    EXPECT_NE(r.identities.at(id).name, id);
  }
}

}  // namespace
}  // namespace faultline::harness
