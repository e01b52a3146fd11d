// What every format shares to put risk first: names, risk groups, the order
// to fix findings in, the one colour mapping and the exemption banner.
#include "reports/triage.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/reports/report_fixtures.h"

namespace faultline::reports {
namespace {

std::vector<std::string> ids(const std::vector<const Finding*>& findings) {
  std::vector<std::string> out;
  for (const Finding* f : findings) out.push_back(f->id + " " + f->title);
  return out;
}

TEST(TriageTest, NamesAnIdentityBesideItsIdAndLeavesAnUnknownIdAlone) {
  const Report r = fixtures::failedReport();
  EXPECT_EQ(identityName(r, "u-7"), "alice@example.com");
  EXPECT_EQ(namedId(r, "u-7"), "alice@example.com (u-7)");
  EXPECT_EQ(namedId(r, "u-\"ghost\""), "u-\"ghost\"");
  EXPECT_EQ(identityName(r, "nobody"), "");
}

TEST(TriageTest, DescribesGrantsAndKeysByTheirNames) {
  const Report r = fixtures::exemptedReport();
  EXPECT_EQ(describeRecord(r, "grant", "entitlement|account|u-1|e-root"),
            "root-admin@example.com (u-1) holds Root (e-root)");
  EXPECT_EQ(describeRecord(r, "grant", "membership|account|u-2|g-ops"),
            "svc-deploy (u-2) member of Operations (g-ops)");
  EXPECT_EQ(describeRecord(r, "grant", "not a grant"), "not a grant");
  EXPECT_EQ(describeRecord(r, "account", "u-3"), "erin@example.com (u-3)");
  const Report failed = fixtures::failedReport();
  EXPECT_EQ(describeRecord(failed, "credential", "key-9a"), "key key-9a of dave@example.com (u-9)");
}

TEST(TriageTest, GroupsRecordsPrivilegedThenServiceAccountsAndKeysThenOthers) {
  const Report r = fixtures::exemptedReport();
  EXPECT_EQ(riskGroupOf(r, "account", "u-1"), RiskGroup::Privileged);
  EXPECT_EQ(riskGroupOf(r, "account", "u-2"), RiskGroup::NonHuman);
  EXPECT_EQ(riskGroupOf(r, "account", "u-3"), RiskGroup::Other);
  // A grant of a privileged entitlement is privileged whoever holds it.
  EXPECT_EQ(riskGroupOf(r, "grant", "entitlement|account|u-3|e-root"), RiskGroup::Privileged);
  EXPECT_EQ(riskGroupOf(r, "grant", "membership|account|u-2|g-ops"), RiskGroup::NonHuman);
  // A key is never a person, even one the report cannot name.
  EXPECT_EQ(riskGroupOf(r, "credential", "key-unknown"), RiskGroup::NonHuman);
  EXPECT_EQ(riskGroupOf(r, "account", "unknown"), RiskGroup::Other);
  EXPECT_STREQ(riskGroupTitle(RiskGroup::NonHuman), "service accounts and their keys");
}

TEST(TriageTest, OrdersBySeverityThenByTheRiskOfTheIdentitiesInvolved) {
  Report r = fixtures::failedReport();
  const auto order = ids(fixFirstOrder(r));
  // Critical first: the false confirmation names the privileged
  // entitlement, so it leads; the secret leak and the silent loss follow in
  // the order found.
  ASSERT_GE(order.size(), 4u);
  EXPECT_EQ(order[0], "false-confirmation remove_entitlement act-3 confirmed but access remains");
  EXPECT_EQ(order[1], "silent-loss Declared complete but 3 accounts are missing");
  EXPECT_EQ(order[2], "secret-leak A drill credential appeared in the connector's stderr");
  // Among errors, the failed revocation of the privileged service account
  // comes first although it was found after four other errors.
  EXPECT_EQ(order[3],
            "revocation-failed remove_membership act-10 not applied (the connector said failed)");
  EXPECT_EQ(order.back(), "needless-partial Declared partial although every record was returned");
}

TEST(TriageTest, WithoutIdentitiesTheOrderIsBySeverityThenAsFound) {
  Report r = fixtures::failedReport();
  r.identities.clear();
  for (auto& o : r.operations)
    for (auto& rv : o.revocations) rv.privileged = rv.non_human = false;
  const auto order = fixFirstOrder(r);
  for (std::size_t i = 1; i < order.size(); ++i) {
    ASSERT_GE(order[i - 1]->severity, order[i]->severity);
    if (order[i - 1]->severity == order[i]->severity) EXPECT_LT(order[i - 1], order[i]);
  }
}

TEST(TriageTest, InvolvedNamesAreRiskiestFirstAndCapped) {
  const Report r = fixtures::exemptedReport();
  EXPECT_EQ(involvedNames(r, r.findings[0]),
            "root-admin@example.com (u-1), svc-deploy (u-2), erin@example.com (u-3), "
            "frank@example.com (u-4)");
  EXPECT_EQ(involvedNames(r, r.findings[0], 2),
            "root-admin@example.com (u-1), svc-deploy (u-2) and 2 more");
  const Report failed = fixtures::failedReport();
  // A revocation finding involves its action's account and target.
  const Finding* rev = nullptr;
  for (const auto& f : failed.findings)
    if (f.id == "revocation-failed") rev = &f;
  ASSERT_NE(rev, nullptr);
  EXPECT_EQ(involvedNames(failed, *rev), "svc-backup (u-12), Admins (g-1)");
}

TEST(TriageTest, OneColourPerSeverityForEveryMark) {
  EXPECT_STREQ(severityTone(Severity::Critical), "bad");
  EXPECT_STREQ(severityTone(Severity::Error), "bad");
  EXPECT_STREQ(severityTone(Severity::Warning), "warn");
  EXPECT_STREQ(severityTone(Severity::Info), "muted");
  EXPECT_STREQ(severityTone(std::nullopt), "good");
}

TEST(TriageTest, ARevocationTakesTheColourOfTheFindingAboutTheSameAction) {
  const Report r = fixtures::failedReport();
  const OperationReport& revoke = r.operations[1];
  // act-10 is an honest failure by outcome, but its finding is an error: red, not amber.
  ASSERT_EQ(revoke.revocations[3].outcome, "honest-failure");
  EXPECT_STREQ(revocationTone(r, revoke, revoke.revocations[3]), "bad");
  EXPECT_STREQ(revocationTone(r, revoke, revoke.revocations[2]), "bad");   // false confirmation
  EXPECT_STREQ(revocationTone(r, revoke, revoke.revocations[0]), "warn");  // false alarm
  EXPECT_STREQ(revocationTone(r, revoke, revoke.revocations[1]), "good");  // no finding
}

TEST(TriageTest, ActionsAreNamedForPeopleWithOrWithoutIds) {
  const Report r = fixtures::failedReport();
  const auto& rv = r.operations[1].revocations;
  EXPECT_EQ(actionText(r, rv[0], false),
            "revoke group membership: alice@example.com from Engineering");
  EXPECT_EQ(actionText(r, rv[0]),
            "revoke group membership: alice@example.com (u-7) from Engineering (g-2)");
  EXPECT_EQ(actionText(r, rv[2], false),
            "revoke entitlement: bob@example.com from Admin <Console> & \"root\"");
  EXPECT_EQ(actionText(r, rv[1], false), "deprovision: dave@example.com");
}

TEST(TriageTest, BannerSaysAPassRestedOnExemptionsWithTheirReasons) {
  Report r = fixtures::exemptedReport();
  EXPECT_EQ(exemptionBanner(r),
            "passed with exemptions: honest partial accepted for schema-drift — no connector can "
            "map a field renamed without notice");
  r.exemptions[0].reason.clear();
  EXPECT_EQ(exemptionBanner(r),
            "passed with exemptions: honest partial accepted for schema-drift — (no reason given)");
  r.verdict = Verdict::Failed;
  EXPECT_EQ(exemptionBanner(r), "");
  EXPECT_EQ(exemptionBanner(fixtures::passedReport()), "");
}

}  // namespace
}  // namespace faultline::reports
