// Drills under the fault engine: the reference connector against the shipped
// fault scenarios, the negative controls, the instrument check (a required
// fault that never fires) and replay determinism.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/drill.h"
#include "harness/manifest.h"
#include "scenarios/scenario.h"
#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

using testing::kReference;
using testing::kSource;

reports::Report drill(const std::string& manifest, const scenarios::Scenario& s, std::uint64_t seed,
                      const std::string& name) {
  return testing::runFixtureDrill(manifest, s, seed, name);
}
reports::Report drill(const std::string& manifest, const std::string& scenario, std::uint64_t seed,
                      const std::string& name) {
  return testing::runFixtureDrill(manifest, scenario, seed, name);
}
std::string findingsOf(const reports::Report& r) {
  return testing::describeFindings(r);
}

bool hasFinding(const reports::Report& r, const std::string& id) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [&](const auto& f) { return f.id == id; });
}

void expectEveryFaultFired(const reports::Report& r) {
  ASSERT_FALSE(r.faults.empty());
  for (const auto& f : r.faults) EXPECT_GE(f.fired, std::max(1, f.min_fires)) << f.id;
}

class ReferenceUnderFaults : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceUnderFaults, PassesAndMeetsEveryFault) {
  for (std::uint64_t seed : {1, 2}) {
    const auto r =
        drill(kReference, "scenarios/" + GetParam() + ".json", seed, "ref-" + GetParam());
    EXPECT_EQ(r.verdict, reports::Verdict::Passed) << GetParam() << " seed " << seed << "\n"
                                                   << findingsOf(r);
    expectEveryFaultFired(r);
    for (const auto& op : r.operations) {
      for (const auto& t : op.completeness)
        EXPECT_DOUBLE_EQ(t.recall, 1.0) << op.label << " " << t.type;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ReferenceUnderFaults,
                         ::testing::Values("rate_limits", "partial_pages", "auth_expiry",
                                           "server_errors", "silent_write_failures", "stale_reads",
                                           "combined_expiry_under_throttling",
                                           "combined_silent_revoke_stale_reads", "transport_faults",
                                           "moving_listing", "type_drift", "announced_drift",
                                           "throttled", "id_format_change", "reverted_writes"));

// Faults no connector can recover from: the reference must say partial and
// why, and the scenario's acceptance (honest_partial: accept) turns that into
// a pass with nothing above informational.
class ReferenceHonestUnderUnrecoverableFaults : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceHonestUnderUnrecoverableFaults, SaysPartialAndPasses) {
  for (std::uint64_t seed : {1, 2}) {
    const auto r =
        drill(kReference, "scenarios/" + GetParam() + ".json", seed, "honest-" + GetParam());
    EXPECT_EQ(r.verdict, reports::Verdict::Passed) << GetParam() << " seed " << seed << "\n"
                                                   << findingsOf(r);
    for (const auto& f : r.findings)
      EXPECT_EQ(f.severity, reports::Severity::Info) << f.id << ": " << f.title;
    expectEveryFaultFired(r);
    EXPECT_TRUE(std::any_of(r.operations.begin(), r.operations.end(),
                            [](const auto& op) { return op.declared_status == "partial"; }));
    EXPECT_TRUE(r.policy.accept_honest_partial);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ReferenceHonestUnderUnrecoverableFaults,
                         ::testing::Values("schema_drift", "lost_scope",
                                           "combined_drift_and_lost_scope", "id_migration"));

TEST(FaultDrillTest, DroppingReshapedRecordsIsSilentLossEvenWhereHonestyIsAccepted) {
  const auto r = drill("tests/fixtures/connectors/drops_reshaped.json",
                       "scenarios/schema_drift.json", 1, "drops-reshaped");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto loss = std::find_if(r.findings.begin(), r.findings.end(), [](const auto& f) {
    return f.id == "silent-loss" && f.metric == "completeness.accounts";
  });
  ASSERT_NE(loss, r.findings.end()) << findingsOf(r);
  EXPECT_EQ(loss->severity, reports::Severity::Critical);
  EXPECT_EQ(loss->policy, "");
  EXPECT_EQ(r.failure_classes, std::vector<std::string>{"partial-success"});
}

TEST(FaultDrillTest, InheritedAccessIsReportedNotConfirmed) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const auto r = drill(kReference, "scenarios/nested_grants.json", seed, "nested-ref");
    EXPECT_EQ(r.verdict, reports::Verdict::Passed) << "seed " << seed << "\n" << findingsOf(r);
    ASSERT_EQ(r.operations.size(), 3u);
    std::size_t inherited = 0;
    for (const auto& rv : r.operations[1].revocations) {
      if (rv.outcome == "inherited-remains") {
        ++inherited;
        EXPECT_EQ(rv.claimed, "failed");
        EXPECT_NE(rv.remaining.find("held through group "), std::string::npos);
      } else {
        EXPECT_EQ(rv.outcome, "confirmed") << rv.action_id << " " << rv.remaining;
      }
    }
    EXPECT_EQ(inherited, 2u) << "seed " << seed;
    for (const auto& f : r.findings) EXPECT_EQ(f.severity, reports::Severity::Info) << f.title;
  }
}

TEST(FaultDrillTest, IgnoringNestedGroupsFalselyConfirms) {
  const auto r = drill("tests/fixtures/connectors/ignores_nesting.json",
                       "scenarios/nested_grants.json", 1, "ignores-nesting");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto f = std::find_if(r.findings.begin(), r.findings.end(),
                              [](const auto& f) { return f.id == "false-confirmation"; });
  ASSERT_NE(f, r.findings.end()) << findingsOf(r);
  EXPECT_NE(f->title.find("held through group"), std::string::npos) << f->title;
  EXPECT_EQ(r.failure_classes, std::vector<std::string>{"write-failure"});
}

TEST(FaultDrillTest, IgnoringRetryAfterIsAViolation) {
  const auto r = drill("tests/fixtures/connectors/ignores_retry_after.json",
                       "scenarios/rate_limits.json", 1, "impatient");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  ASSERT_TRUE(hasFinding(r, "retry-after-violation")) << findingsOf(r);
  const auto& f = *std::find_if(r.findings.begin(), r.findings.end(),
                                [](const auto& f) { return f.id == "retry-after-violation"; });
  const bool quotes_early_request =
      std::any_of(f.evidence.journal.begin(), f.evidence.journal.end(),
                  [](const auto& l) { return l.find("ms early") != std::string::npos; });
  EXPECT_TRUE(quotes_early_request);
  // Everything was still read: only the behaviour scorer can catch this flaw.
  EXPECT_FALSE(hasFinding(r, "silent-loss"));
}

TEST(FaultDrillTest, IgnoringRetryAfterUnderATokenBucketIsRefusedAndCounted) {
  const auto r = drill("tests/fixtures/connectors/ignores_retry_after.json",
                       "scenarios/throttled.json", 1, "impatient-bucket");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  EXPECT_TRUE(hasFinding(r, "retry-after-violation")) << findingsOf(r);
}

TEST(FaultDrillTest, TrustingA2xxFalselyConfirmsADroppedRevocation) {
  const auto r = drill("tests/fixtures/connectors/trusts_2xx.json",
                       "scenarios/silent_write_failures.json", 1, "trusts-2xx");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  ASSERT_TRUE(hasFinding(r, "false-confirmation")) << findingsOf(r);
  const auto& f = *std::find_if(r.findings.begin(), r.findings.end(),
                                [](const auto& f) { return f.id == "false-confirmation"; });
  EXPECT_EQ(f.severity, reports::Severity::Critical);
  const bool quotes_the_dropped_write =
      std::any_of(f.evidence.journal.begin(), f.evidence.journal.end(),
                  [](const auto& l) { return l.find("write_not_applied") != std::string::npos; });
  EXPECT_TRUE(quotes_the_dropped_write) << ::testing::PrintToString(f.evidence.journal);
}

TEST(FaultDrillTest, LostScopeMakesTheReferenceSayPartialNamingWhatIsMissing) {
  const auto r = drill(kReference, "scenarios/lost_scope.json", 1, "lost-scope-ref");
  ASSERT_EQ(r.operations.size(), 2u);
  EXPECT_EQ(r.operations[0].declared_status, "complete");
  EXPECT_EQ(r.operations[1].declared_status, "partial");
  EXPECT_NE(r.operations[1].declared_reason.find("Groups: 0 record(s), down from"),
            std::string::npos);
  EXPECT_FALSE(hasFinding(r, "silent-loss")) << findingsOf(r);
  EXPECT_FALSE(hasFinding(r, "dangling-reference")) << findingsOf(r);
  expectEveryFaultFired(r);
}

TEST(FaultDrillTest, ConnectorWithoutMemoryReportsAnEmptied200AsTheTruth) {
  const auto r = drill("tests/fixtures/connectors/no_memory.json", "scenarios/lost_scope.json", 1,
                       "lost-scope-nomem");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto loss = std::find_if(r.findings.begin(), r.findings.end(), [](const auto& f) {
    return f.id == "silent-loss" && f.metric == "completeness.groups";
  });
  ASSERT_NE(loss, r.findings.end()) << findingsOf(r);
  EXPECT_EQ(loss->severity, reports::Severity::Critical);
}

TEST(FaultDrillTest, SinglePassListingLosesRecordsThatMovedMidListing) {
  const auto r = drill("tests/fixtures/connectors/single_pass.json",
                       "scenarios/moving_listing.json", 1, "single-pass");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto loss = std::find_if(r.findings.begin(), r.findings.end(), [](const auto& f) {
    return f.id == "silent-loss" && f.metric == "completeness.accounts";
  });
  ASSERT_NE(loss, r.findings.end()) << findingsOf(r);
  EXPECT_NE(loss->title.find("5 accounts are missing"), std::string::npos) << loss->title;
}

TEST(FaultDrillTest, ActiveAsAStringMakesAStrictParserReportLeaversActive) {
  const auto r = drill("tests/fixtures/connectors/strict_false.json", "scenarios/type_drift.json",
                       1, "strict-false");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto f = std::find_if(r.findings.begin(), r.findings.end(),
                              [](const auto& f) { return f.id == "attribute-mismatch"; });
  ASSERT_NE(f, r.findings.end()) << findingsOf(r);
  ASSERT_FALSE(f->evidence.connector_output.empty());
  EXPECT_NE(f->evidence.connector_output[0].find("active=true"), std::string::npos);
  EXPECT_NE(f->evidence.connector_output[0].find("active=false"), std::string::npos);
}

TEST(FaultDrillTest, AnnouncedTypeChangeStillCatchesAStrictParser) {
  const auto r = drill("tests/fixtures/connectors/strict_false.json",
                       "scenarios/announced_drift.json", 1, "strict-false-announced");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  EXPECT_TRUE(hasFinding(r, "attribute-mismatch")) << findingsOf(r);
}

// Printing the target's capitals is no flaw (the id rule: UUIDs match in any
// case); comparing them byte for byte against the lowercase ids of an action
// is. The fixture takes the account for gone from a group whose members it
// reads in capitals, so it confirms a removal it never made.
TEST(FaultDrillTest, CaseSensitiveIdsMissAMemberAndFalselyConfirm) {
  const auto r = drill("tests/fixtures/connectors/case_sensitive_ids.json",
                       "scenarios/id_format_change.json", 1, "case-sensitive-ids");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto lie = std::find_if(r.findings.begin(), r.findings.end(), [](const auto& f) {
    return f.id == "false-confirmation" && f.title.rfind("remove_membership ", 0) == 0;
  });
  ASSERT_NE(lie, r.findings.end()) << findingsOf(r);
  EXPECT_EQ(lie->severity, reports::Severity::Critical);
  // Its syncs print uppercase UUIDs, which the id rule accepts.
  EXPECT_FALSE(hasFinding(r, "silent-loss")) << findingsOf(r);
  EXPECT_FALSE(hasFinding(r, "phantom-records")) << findingsOf(r);
}

TEST(FaultDrillTest, IdMigrationMakesTheReferenceSayPartialNamingTheIdChange) {
  const auto r = drill(kReference, "scenarios/id_migration.json", 1, "id-migration");
  ASSERT_EQ(r.operations.size(), 2u);
  EXPECT_EQ(r.operations[0].declared_status, "complete");
  EXPECT_EQ(r.operations[1].declared_status, "partial");
  EXPECT_NE(r.operations[1].declared_reason.find("Users: id format changed"), std::string::npos)
      << r.operations[1].declared_reason;
  EXPECT_FALSE(hasFinding(r, "silent-loss")) << findingsOf(r);
  expectEveryFaultFired(r);
}

TEST(FaultDrillTest, FirstPageOnlyLosesPagesSilentlyUnderPartialPages) {
  const auto r = drill("tests/fixtures/connectors/first_page_only.json",
                       "scenarios/partial_pages.json", 1, "fpo-pp");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  EXPECT_TRUE(hasFinding(r, "silent-loss")) << findingsOf(r);
}

TEST(FaultDrillTest, UnannouncedRenameMakesTheReferenceSayPartialNotComplete) {
  const auto r = drill(kReference, "scenarios/schema_drift.json", 1, "drift");
  EXPECT_EQ(r.operations[0].declared_status, "partial");
  EXPECT_NE(r.operations[0].declared_reason.find("without userName"), std::string::npos);
  EXPECT_TRUE(hasFinding(r, "declared-incomplete"));
  EXPECT_FALSE(hasFinding(r, "silent-loss")) << findingsOf(r);
}

TEST(FaultDrillTest, ConfirmingOnTheFirstReadBackMissesARevert) {
  const auto r = drill("tests/fixtures/connectors/no_final_check.json",
                       "scenarios/reverted_writes.json", 1, "no-final-check");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto f = std::find_if(r.findings.begin(), r.findings.end(),
                              [](const auto& f) { return f.id == "false-confirmation"; });
  ASSERT_NE(f, r.findings.end()) << findingsOf(r);
  const bool quotes_the_revert =
      std::any_of(f->evidence.journal.begin(), f->evidence.journal.end(),
                  [](const auto& l) { return l.find("write_reverted") != std::string::npos; });
  EXPECT_TRUE(quotes_the_revert) << ::testing::PrintToString(f->evidence.journal);
}

TEST(FaultDrillTest, ARevertAfterTheConnectorExitsIsCaughtByTheSettleCheck) {
  // Undone 1,000 requests later: no connector can see it; the drill's own
  // check after the settle period must.
  auto s = scenarios::loadScenario(kSource + "/tests/fixtures/sync_once.json");
  scenarios::Operation revoke;
  revoke.kind = scenarios::OperationKind::Revoke;
  revoke.label = "revoke-1";
  revoke.revoke.deprovision = 1;
  s.operations = {revoke};
  scenarios::FaultRule late;
  late.id = "late-revert";
  late.kind = scenarios::FaultKind::WriteReverted;
  late.after_requests = 1000;
  late.match.methods = {"PATCH"};
  late.max_fires = 1;
  s.faults = {late};
  const auto r = drill(kReference, s, 1, "settle");
  ASSERT_EQ(r.operations.size(), 1u);
  ASSERT_EQ(r.operations[0].revocations.size(), 1u);
  const auto& rv = r.operations[0].revocations[0];
  EXPECT_EQ(rv.claimed, "confirmed");
  EXPECT_TRUE(rv.applied_at_exit);
  EXPECT_FALSE(rv.applied);
  EXPECT_EQ(rv.outcome, "false-confirmation");
  EXPECT_NE(rv.remaining.find("came back after the connector finished"), std::string::npos)
      << rv.remaining;
}

TEST(FaultDrillTest, RuleThatCannotFireMakesTheDrillInconclusive) {
  auto s = scenarios::loadScenario(kSource + "/tests/fixtures/sync_once.json");
  scenarios::FaultRule never;
  never.id = "page-99";
  never.kind = scenarios::FaultKind::ServerError;
  never.status = 503;
  never.match.resource = "Users";
  never.match.page = scenarios::Range{99, 99};
  never.min_fires = 1;
  s.faults.push_back(never);
  const auto r = drill(kReference, s, 1, "unfired");
  EXPECT_EQ(r.verdict, reports::Verdict::Inconclusive) << findingsOf(r);
  ASSERT_EQ(r.faults.size(), 1u);
  EXPECT_EQ(r.faults[0].fired, 0);
  EXPECT_TRUE(hasFinding(r, "fault-not-fired"));
}

std::vector<std::string> journalWithoutTimes(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    j.erase("t_ms");
    j.erase("duration_us");
    out.push_back(j.dump());
  }
  return out;
}

TEST(FaultDrillTest, SameSeedReplaysTheSameJournal) {
  // A combined scenario: a silent revocation failure on privileged
  // non-human access under stale reads, with a sync on either side.
  const std::string combined = "scenarios/combined_silent_revoke_stale_reads.json";
  const auto a = drill(kReference, combined, 9, "replay-a");
  const auto b = drill(kReference, combined, 9, "replay-b");
  const auto ja = journalWithoutTimes(a.journal_file);
  const auto jb = journalWithoutTimes(b.journal_file);
  ASSERT_GT(ja.size(), 5u);
  EXPECT_EQ(ja, jb);
  EXPECT_TRUE(std::any_of(ja.begin(), ja.end(), [](const auto& l) {
    return l.find("fault ") != std::string::npos;
  })) << "the replayed journal must include fired faults";
  const auto c = drill(kReference, combined, 10, "replay-c");
  EXPECT_NE(journalWithoutTimes(c.journal_file), ja) << "another seed must give another tenant";
}

}  // namespace
}  // namespace faultline::harness
