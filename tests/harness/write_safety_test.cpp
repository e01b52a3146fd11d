// Write safety (docs/scoring.md, "Collateral changes" and "Process death"):
// the read-modify-write race on group membership, and a connector killed
// mid-sync and mid-revocation, restarted with the same state directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "harness/drill.h"
#include "harness/manifest.h"
#include "scenarios/scenario.h"
#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

reports::Report drill(const std::string& manifest, const std::string& scenario, std::uint64_t seed,
                      const std::string& out) {
  return testing::runFixtureDrill(manifest, scenario, seed, "write-safety-" + out);
}

std::vector<const reports::Finding*> withId(const reports::Report& r, const std::string& id) {
  std::vector<const reports::Finding*> out;
  for (const auto& f : r.findings)
    if (f.id == id) out.push_back(&f);
  return out;
}

std::string listFindings(const reports::Report& r) {
  return testing::describeFindings(r);
}

bool atMostInfo(const reports::Report& r) {
  return std::all_of(r.findings.begin(), r.findings.end(),
                     [](const auto& f) { return f.severity == reports::Severity::Info; });
}

using testing::kReference;

TEST(ReplaceRaceTest, ReplacingTheMemberListWipesOutTheJoiner) {
  const auto r = drill("tests/fixtures/connectors/replaces_members.json",
                       "scenarios/replace_race.json", 1, "race-replace");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  // The joiner landed between the connector's read and its write, in the group
  // one action names.
  ASSERT_EQ(r.freshness.events.size(), 1u);
  const auto& joiner = r.freshness.events[0];
  ASSERT_TRUE(joiner.applied) << joiner.detail;
  ASSERT_EQ(joiner.subjects.size(), 2u);
  const std::string joiner_id = joiner.subjects[0], group = joiner.subjects[1];
  const auto& revoke = r.operations.at(1);
  EXPECT_TRUE(std::any_of(revoke.revocations.begin(), revoke.revocations.end(),
                          [&](const auto& o) { return o.target == group; }));
  const auto collateral = withId(r, "collateral-change");
  ASSERT_EQ(collateral.size(), 1u) << listFindings(r);
  EXPECT_EQ(collateral[0]->severity, reports::Severity::Critical);
  EXPECT_EQ(collateral[0]->operation, "remove-members");
  EXPECT_NE(
      collateral[0]->detail.find("member.removed " + group + " " + joiner_id + " by request #"),
      std::string::npos)
      << collateral[0]->detail;
  ASSERT_FALSE(collateral[0]->evidence.journal.empty());
  EXPECT_NE(collateral[0]->evidence.journal[0].find("PATCH /scim/v2/Groups/" + group),
            std::string::npos)
      << collateral[0]->evidence.journal[0];
}

TEST(ReplaceRaceTest, ATargetedRemoveWithIfMatchLeavesTheJoinerIn) {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    const auto r =
        drill(kReference, "scenarios/replace_race.json", seed, "race-ref-" + std::to_string(seed));
    EXPECT_EQ(r.verdict, reports::Verdict::Passed) << "seed " << seed << "\n" << listFindings(r);
    EXPECT_TRUE(atMostInfo(r)) << listFindings(r);
    ASSERT_EQ(r.freshness.events.size(), 1u);
    EXPECT_TRUE(r.freshness.events[0].applied);
    // The post-revoke sync shows the joiner.
    EXPECT_EQ(r.freshness.never_reflected, 0u) << "seed " << seed;
  }
}

TEST(ProcessDeathTest, TheReferenceResumesAfterEachDeath) {
  const auto r = drill(kReference, "scenarios/process_death.json", 1, "death-ref");
  EXPECT_EQ(r.verdict, reports::Verdict::Passed) << listFindings(r);
  EXPECT_TRUE(atMostInfo(r)) << listFindings(r);
  for (const auto& f : r.faults) EXPECT_EQ(f.fired, 1) << f.id;
  ASSERT_EQ(r.operations.size(), 3u);
  EXPECT_EQ(r.operations[0].restarts, 2);
  EXPECT_EQ(r.operations[1].restarts, 1);
  EXPECT_EQ(r.operations[2].restarts, 0);
  EXPECT_EQ(r.operations[0].declared_status, "complete");
  for (const auto& t : r.operations[0].completeness) {
    EXPECT_EQ(t.missing_total, 0u) << t.type;
    EXPECT_EQ(t.duplicates, 0u) << t.type;
  }
  for (const auto& o : r.operations[1].revocations) {
    EXPECT_EQ(o.outcome, "confirmed") << o.action_id;
    // The reference answers after its final check: the killed run printed nothing.
    EXPECT_EQ(o.claimed_before_restart, "") << o.action_id;
  }
  const auto restarted = withId(r, "connector-restarted");
  ASSERT_EQ(restarted.size(), 2u);
  ASSERT_EQ(restarted[0]->evidence.journal.size(), 2u);
  EXPECT_NE(restarted[0]->evidence.journal[0].find("die-on-last-users-page (kill_connector)"),
            std::string::npos)
      << restarted[0]->evidence.journal[0];
  EXPECT_NE(restarted[0]->evidence.journal[1].find("GET /scim/v2/Groups"), std::string::npos);
  ASSERT_EQ(restarted[1]->evidence.journal.size(), 1u);
  EXPECT_NE(restarted[1]->evidence.journal[0].find("PATCH"), std::string::npos);
}

// Both flawed fixtures lose the records their checkpoint claims, and still say complete.
TEST(ProcessDeathTest, CheckpointFlawsAreCaughtAsSilentLoss) {
  for (const auto& [fixture, lost] :
       std::vector<std::pair<std::string, std::size_t>>{{"early_checkpoint", 50},     // last page
                                                        {"memory_progress", 250}}) {  // all users
    const auto r = drill("tests/fixtures/connectors/" + fixture + ".json",
                         "scenarios/process_death.json", 1, "death-" + fixture);
    EXPECT_EQ(r.verdict, reports::Verdict::Failed) << fixture;
    const auto loss = withId(r, "silent-loss");
    const auto accounts = std::find_if(loss.begin(), loss.end(), [](const auto* f) {
      return f->metric == "completeness.accounts";
    });
    ASSERT_NE(accounts, loss.end()) << fixture << "\n" << listFindings(r);
    EXPECT_EQ((*accounts)->operation, "initial-sync");
    EXPECT_EQ((*accounts)->severity, reports::Severity::Critical);
    const auto& sync = r.operations.at(0);
    EXPECT_EQ(sync.restarts, 2) << fixture;
    const auto account = std::find_if(sync.completeness.begin(), sync.completeness.end(),
                                      [](const auto& t) { return t.type == "account"; });
    ASSERT_NE(account, sync.completeness.end());
    EXPECT_EQ(account->missing_total, lost) << fixture;
    EXPECT_EQ(withId(r, "connector-restarted").size(), 2u) << fixture;
  }
}

// A confirmation printed by a run that is then killed may already have been
// acted on: it is judged like the last run's. confirms_first prints every
// action confirmed before writing; killed at the third write, its restart
// honestly answers unconfirmed, so only the killed run's claims can catch it.
TEST(ProcessDeathTest, AKilledRunsConfirmationsMustHoldToo) {
  const auto r = drill("tests/fixtures/connectors/confirms_first.json",
                       "scenarios/process_death.json", 1, "death-confirms-first");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto& revoke = r.operations.at(1);
  EXPECT_EQ(revoke.restarts, 1);
  std::size_t not_applied = 0;
  for (const auto& o : revoke.revocations) {
    EXPECT_EQ(o.claimed, "unconfirmed") << o.action_id;               // the last run is honest
    EXPECT_EQ(o.claimed_before_restart, "confirmed") << o.action_id;  // the killed run was not
    not_applied += !o.applied;
  }
  ASSERT_GT(not_applied, 0u);
  const auto lies = withId(r, "false-confirmation");
  ASSERT_EQ(lies.size(), not_applied) << listFindings(r);
  for (const auto* f : lies) {
    EXPECT_EQ(f->severity, reports::Severity::Critical);
    EXPECT_EQ(f->operation, "revoke-leavers");
    EXPECT_NE(f->title.find("as printed by run 1 of 2 before a fault killed it"), std::string::npos)
        << f->title;
    ASSERT_FALSE(f->evidence.connector_output.empty());
    EXPECT_EQ(f->evidence.connector_output[0].rfind("run 1 of 2 stdout:", 0), 0u)
        << f->evidence.connector_output[0];
    EXPECT_NE(f->evidence.connector_output[0].find("\"confirmed\""), std::string::npos);
  }
}

// Every revocation write applies and loses its answer. Retrying is expected;
// undoing and redoing is not.
TEST(IdempotencyTest, CompensatingALostAnswerFlipsStateAndIsCaught) {
  const auto r = drill("tests/fixtures/connectors/compensates.json",
                       "scenarios/lost_responses.json", 1, "lost-compensates");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto collateral = withId(r, "collateral-change");
  ASSERT_EQ(collateral.size(), 1u) << listFindings(r);
  EXPECT_EQ(collateral[0]->operation, "revoke-leavers");
  EXPECT_NE(collateral[0]->title.find("7 changes"), std::string::npos) << collateral[0]->title;
  EXPECT_NE(collateral[0]->title.find("7 of them undoing the connector's own"), std::string::npos)
      << collateral[0]->title;
  EXPECT_NE(collateral[0]->detail.find("account.enabled "), std::string::npos);
  EXPECT_NE(collateral[0]->detail.find("state flipped"), std::string::npos);
  // The end state is right: every action is confirmed and true. Only the
  // journal and the change log show the flip.
  for (const auto& o : r.operations.at(1).revocations) EXPECT_EQ(o.outcome, "confirmed");
}

TEST(IdempotencyTest, TheReferenceRetriesWithIfMatchAndChangesStateOnce) {
  for (const std::uint64_t seed : {1u, 2u}) {
    const auto r = drill(kReference, "scenarios/lost_responses.json", seed,
                         "lost-ref-" + std::to_string(seed));
    EXPECT_EQ(r.verdict, reports::Verdict::Passed) << listFindings(r);
    EXPECT_TRUE(atMostInfo(r)) << listFindings(r);
    ASSERT_EQ(r.faults.size(), 1u);
    EXPECT_GE(r.faults[0].fired, 7);
    for (const auto& o : r.operations.at(1).revocations) EXPECT_EQ(o.outcome, "confirmed");
  }
}

}  // namespace
}  // namespace faultline::harness
