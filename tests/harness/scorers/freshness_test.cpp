// Freshness scoring (docs/scoring.md, "Freshness"): the lag math, when an
// output reflects an event, stale records, the findings, and drills of the
// reference connector and its cached_rounds negative control.
#include "harness/scorers/freshness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/drill.h"
#include "harness/manifest.h"
#include "harness/protocol.h"
#include "scenarios/scenario.h"
#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

using mocks::AppliedEvent;
using scenarios::TimelineEventKind;

// ---- connector output and tenant builders ---------------------------------

std::string account(const std::string& id, bool active) {
  return R"({"type":"account","id":")" + id + R"(","userName":"u","displayName":"d","active":)" +
         (active ? "true" : "false") + R"(,"accountType":"service","privileged":true})";
}
std::string key(const std::string& id, const std::string& owner, bool active) {
  return R"({"type":"credential","id":")" + id + R"(","owner":")" + owner +
         R"(","kind":"api_key","expires":null,"active":)" + (active ? "true" : "false") + "}";
}
std::string grant(const std::string& kind, const std::string& principal,
                  const std::string& target) {
  return R"({"type":"grant","kind":")" + kind + R"(","principal_type":"account","principal":")" +
         principal + R"(","target":")" + target + R"("})";
}
std::string status(const std::string& s, const std::string& stale_since = "") {
  return R"({"type":"status","protocol":1,"status":")" + s + R"(","reason":"")" +
         (stale_since.empty() ? "" : R"(,"stale_since":")" + stale_since + "\"") + "}";
}

ConnectorOutput output(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return parseConnectorOutput(text, Operation::Sync, false);
}

AppliedEvent applied(int index, TimelineEventKind kind, std::uint64_t position,
                     std::int64_t applied_ms = 0) {
  AppliedEvent e;
  e.index = index;
  e.kind = kind;
  e.applied = true;
  e.position = position;
  e.applied_ms = applied_ms;
  e.account = "acc-1";
  e.what = "what changed";
  return e;
}

AppliedEvent leaver(std::uint64_t position, std::int64_t applied_ms = 0) {
  AppliedEvent e = applied(1, TimelineEventKind::Leaver, position, applied_ms);
  e.keys_deactivated = {"key-1"};
  return e;
}

// acc-1 as a leaver left it: disabled, key-1 dead; member of grp-b only.
mocks::TenantState afterEvents() {
  mocks::TenantState s;
  mocks::Account a;
  a.id = "acc-1";
  a.user_name = "u";
  a.active = false;
  a.credentials = {{"key-1", "api_key", "", false}, {"key-2", "api_key", "", true}};
  s.accounts = {a};
  mocks::Group b;
  b.id = "grp-b";
  b.members = {{"acc-1", false}};
  mocks::Group c;
  c.id = "grp-a";
  s.groups = {c, b};
  s.reindex();
  return s;
}

// ---- the lag math ----------------------------------------------------------

TEST(FreshnessLagTest, NearestRankPercentiles) {
  EXPECT_EQ(nearestRank({}, 50), std::nullopt);
  EXPECT_EQ(nearestRank({7}, 50), 7);
  EXPECT_EQ(nearestRank({7}, 95), 7);
  EXPECT_EQ(nearestRank({40, 10, 30, 20}, 50), 20);  // rank ceil(2.0) = 2
  EXPECT_EQ(nearestRank({40, 10, 30, 20}, 95), 40);  // rank ceil(3.8) = 4
  EXPECT_EQ(nearestRank({40, 10, 30, 20}, 100), 40);
  std::vector<std::int64_t> twenty;
  for (int i = 1; i <= 20; ++i) twenty.push_back(i * 10);
  EXPECT_EQ(nearestRank(twenty, 95), 190);  // rank ceil(19.0) = 19
  EXPECT_EQ(nearestRank(twenty, 50), 100);
}

TEST(FreshnessLagTest, RoundsSeeAndStartAfterByRequestSequence) {
  const AppliedEvent e = leaver(10);
  EXPECT_TRUE(roundSees(e, {10, 15}));  // landed before the round's first request
  EXPECT_TRUE(roundStartsAfter(e, {10, 15}));
  EXPECT_FALSE(roundSees(e, {5, 10}));  // landed before request 11, after this round
  EXPECT_TRUE(roundSees(e, {5, 12}));   // landed while the round ran
  EXPECT_FALSE(roundStartsAfter(e, {5, 12}));
  EXPECT_TRUE(roundSees(e, {10, 10}));  // a round that sent nothing
  AppliedEvent never = e;
  never.applied = false;
  EXPECT_FALSE(roundSees(never, {10, 15}));
  EXPECT_FALSE(roundStartsAfter(never, {10, 15}));
}

// ---- reflection ------------------------------------------------------------

TEST(FreshnessReflectTest, LeaverNeedsInactiveOrAbsenceFromACompleteAnswer) {
  const AppliedEvent e = leaver(0);
  EXPECT_TRUE(outputReflects(e, output({account("acc-1", false), status("complete")}), true));
  EXPECT_FALSE(outputReflects(e, output({account("acc-1", true), status("complete")}), true));
  EXPECT_TRUE(outputReflects(e, output({status("complete")}), true));
  EXPECT_FALSE(outputReflects(e, output({status("partial")}), false));
}

TEST(FreshnessReflectTest, JoinerMoverGrantUngrantAndRotateKey) {
  const AppliedEvent joiner = applied(1, TimelineEventKind::Joiner, 0);
  EXPECT_TRUE(outputReflects(joiner, output({account("acc-1", true)}), false));
  EXPECT_FALSE(outputReflects(joiner, output({account("acc-2", true)}), true));

  AppliedEvent mover = applied(2, TimelineEventKind::Mover, 0);
  mover.group_from = "grp-a";
  mover.group_to = "grp-b";
  EXPECT_TRUE(outputReflects(mover, output({grant("membership", "acc-1", "grp-b")}), false));
  EXPECT_FALSE(outputReflects(
      mover, output({grant("membership", "acc-1", "grp-b"), grant("membership", "acc-1", "grp-a")}),
      true));

  AppliedEvent given = applied(3, TimelineEventKind::Grant, 0);
  given.entitlement = "ent-x";
  EXPECT_TRUE(outputReflects(given, output({grant("entitlement", "acc-1", "ent-x")}), false));
  EXPECT_FALSE(outputReflects(given, output({account("acc-1", true)}), true));

  AppliedEvent taken = applied(4, TimelineEventKind::Ungrant, 0);
  taken.entitlement = "ent-x";
  EXPECT_TRUE(outputReflects(taken, output({account("acc-1", true)}), false));
  EXPECT_FALSE(outputReflects(taken, output({status("complete")}), true));  // account not read
  EXPECT_FALSE(outputReflects(
      taken, output({account("acc-1", true), grant("entitlement", "acc-1", "ent-x")}), true));

  AppliedEvent rotated = applied(5, TimelineEventKind::RotateKey, 0);
  rotated.old_key = "key-1";
  rotated.new_key = "key-9";
  EXPECT_TRUE(outputReflects(rotated, output({key("key-9", "acc-1", true)}), false));
  EXPECT_TRUE(outputReflects(
      rotated, output({key("key-1", "acc-1", false), key("key-9", "acc-1", true)}), false));
  EXPECT_FALSE(outputReflects(
      rotated, output({key("key-1", "acc-1", true), key("key-9", "acc-1", true)}), true));
  EXPECT_FALSE(outputReflects(rotated, output({key("key-1", "acc-1", false)}), true));
}

// ---- stale records ---------------------------------------------------------

TEST(FreshnessStaleTest, LeaverShownActiveWithItsLiveKeysIsStale) {
  const auto out = output({account("acc-1", true), key("key-1", "acc-1", true),
                           key("key-2", "acc-1", true), status("complete")});
  // key-2 was live before and after: not stale.
  EXPECT_EQ(staleLines(leaver(0), out, afterEvents()), (std::vector<std::size_t>{1, 2}));
}

TEST(FreshnessStaleTest, NothingIsStaleOnceTheEventWasUndone) {
  mocks::TenantState undone = afterEvents();
  undone.accounts[0].active = true;
  const auto out = output({account("acc-1", true), status("complete")});
  EXPECT_TRUE(staleLines(leaver(0), out, undone).empty());
}

TEST(FreshnessStaleTest, OldMembershipOldGrantAndOldKeyAreStale) {
  AppliedEvent mover = applied(2, TimelineEventKind::Mover, 0);
  mover.group_from = "grp-a";
  mover.group_to = "grp-b";
  const auto out = output({grant("membership", "acc-1", "grp-a"),
                           grant("entitlement", "acc-1", "ent-x"), key("key-1", "acc-1", true)});
  EXPECT_EQ(staleLines(mover, out, afterEvents()), (std::vector<std::size_t>{1}));
  AppliedEvent taken = applied(3, TimelineEventKind::Ungrant, 0);
  taken.entitlement = "ent-x";
  EXPECT_EQ(staleLines(taken, out, afterEvents()), (std::vector<std::size_t>{2}));
  AppliedEvent rotated = applied(4, TimelineEventKind::RotateKey, 0);
  rotated.old_key = "key-1";
  rotated.new_key = "key-9";
  EXPECT_EQ(staleLines(rotated, out, afterEvents()), (std::vector<std::size_t>{3}));
  EXPECT_TRUE(staleLines(applied(5, TimelineEventKind::Joiner, 0), out, afterEvents()).empty());
}

// ---- the scorer across rounds ----------------------------------------------

struct Round {
  ConnectorOutput out;
  RoundSpan span;
  std::int64_t started_ms;
};

std::vector<reports::Finding> observe(FreshnessTracker& scorer, const std::vector<Round>& rounds,
                                      const std::vector<AppliedEvent>& events,
                                      std::vector<std::size_t>* stale = nullptr) {
  const mocks::TenantState truth = afterEvents();
  std::vector<reports::Finding> findings;
  int n = 0;
  for (const auto& r : rounds) {
    ++n;
    const OperationEvidence ev{"sync round " + std::to_string(n), nullptr, &r.out, nullptr, {}};
    const std::size_t count =
        scorer.observeRound({n, r.span, r.started_ms, &truth}, events, ev, findings);
    if (stale != nullptr) stale->push_back(count);
  }
  return findings;
}

std::vector<std::string> ids(const std::vector<reports::Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.id + " @" + f.operation);
  return out;
}

TEST(FreshnessTrackerTest, MeasuresLagFromApplicationToTheReflectingRoundsStart) {
  FreshnessTracker scorer;
  const std::vector<AppliedEvent> events = {leaver(5, 1000)};
  std::vector<std::size_t> stale;
  auto findings =
      observe(scorer,
              {{output({account("acc-1", true), status("complete")}), {0, 5}, 0},
               {output({status("partial")}), {5, 9}, 1200},
               {output({account("acc-1", false), key("key-1", "acc-1", false), status("complete")}),
                {9, 14},
                4000}},
              events, &stale);
  EXPECT_TRUE(findings.empty()) << ids(findings).front();
  EXPECT_EQ(stale, (std::vector<std::size_t>{0, 0, 0}));
  const auto summary = scorer.finish(events, findings);
  ASSERT_EQ(summary.events.size(), 1u);
  EXPECT_EQ(summary.events[0].reflected_round, 3);
  EXPECT_EQ(summary.events[0].lag_rounds, 1);  // round 2 saw it and did not show it
  EXPECT_EQ(summary.events[0].lag_ms, 3000);
  EXPECT_EQ(summary.p50_lag_ms, 3000);
  EXPECT_EQ(summary.max_lag_ms, 3000);
  EXPECT_EQ(summary.never_reflected, 0u);
  EXPECT_TRUE(findings.empty());
}

TEST(FreshnessTrackerTest, ReflectedInTheRoundItLandedInHasNoLag) {
  FreshnessTracker scorer;
  const std::vector<AppliedEvent> events = {leaver(3, 500)};
  auto findings = observe(
      scorer, {{output({account("acc-1", false), status("complete")}), {0, 6}, 100}}, events);
  const auto summary = scorer.finish(events, findings);
  EXPECT_EQ(summary.events[0].reflected_round, 1);
  EXPECT_EQ(summary.events[0].lag_ms, 0);
  EXPECT_EQ(summary.events[0].lag_rounds, 0);
}

TEST(FreshnessTrackerTest, CachedAnswerDeclaredCompleteIsUnannouncedAndShowsTheLeaverActive) {
  FreshnessTracker scorer;
  const std::vector<AppliedEvent> events = {leaver(5)};
  std::vector<std::size_t> stale;
  const auto findings =
      observe(scorer,
              {{output({account("acc-1", true), key("key-1", "acc-1", true), status("complete")}),
                {5, 9},
                0}},
              events, &stale);
  EXPECT_EQ(stale, (std::vector<std::size_t>{2}));
  ASSERT_EQ(ids(findings), (std::vector<std::string>{"stale-unannounced @sync round 1",
                                                     "leaver-shown-active @sync round 1"}));
  EXPECT_EQ(findings[0].severity, reports::Severity::Critical);
  EXPECT_EQ(findings[0].metric, "freshness.honesty");
  EXPECT_EQ(findings[0].detail, "timeline event 1 (leaver): what changed");
  EXPECT_EQ(findings[0].evidence.connector_output.front(), "stdout:1: " + account("acc-1", true));
  EXPECT_EQ(findings[1].metric, "freshness.leavers");
  EXPECT_EQ(findings[1].title, "Declared complete showing disabled account active: acc-1");
}

TEST(FreshnessTrackerTest, StaleSinceAnnouncesStalenessButDoesNotExcuseAnActiveLeaver) {
  FreshnessTracker scorer;
  const auto findings = observe(
      scorer, {{output({account("acc-1", true), status("complete", "unknown")}), {5, 9}, 0}},
      {leaver(5)});
  EXPECT_EQ(ids(findings), (std::vector<std::string>{"leaver-shown-active @sync round 1"}));
}

TEST(FreshnessTrackerTest, StaleButPartialIsHonest) {
  FreshnessTracker scorer;
  const auto findings = observe(
      scorer, {{output({account("acc-1", true), status("partial")}), {5, 9}, 0}}, {leaver(5)});
  EXPECT_TRUE(findings.empty());
}

TEST(FreshnessTrackerTest, NeverReflectedAfterACompleteRoundIsStaleData) {
  FreshnessTracker scorer;
  AppliedEvent joiner = applied(2, TimelineEventKind::Joiner, 5);
  joiner.account = "acc-new";
  const std::vector<AppliedEvent> events = {joiner};
  auto findings = observe(scorer,
                          {{output({status("partial")}), {5, 9}, 0},
                           {output({account("acc-1", false), status("complete")}), {9, 12}, 10},
                           {output({status("partial")}), {12, 14}, 20}},
                          events);
  const auto summary = scorer.finish(events, findings);
  EXPECT_EQ(summary.never_reflected, 1u);
  EXPECT_EQ(summary.events[0].reflected_round, 0);
  EXPECT_EQ(summary.events[0].lag_ms, std::nullopt);
  EXPECT_EQ(summary.p95_lag_ms, std::nullopt);
  ASSERT_EQ(ids(findings), (std::vector<std::string>{"stale-data @sync round 2"}));
  EXPECT_EQ(findings[0].severity, reports::Severity::Error);
  EXPECT_EQ(findings[0].metric, "freshness.lag");
}

TEST(FreshnessTrackerTest, NeverReflectedWithoutACompleteRoundIsNoFinding) {
  FreshnessTracker scorer;
  AppliedEvent joiner = applied(2, TimelineEventKind::Joiner, 5);
  joiner.account = "acc-new";
  auto findings = observe(scorer, {{output({status("partial")}), {5, 9}, 0}}, {joiner});
  const auto summary = scorer.finish({joiner}, findings);
  EXPECT_EQ(summary.never_reflected, 1u);
  EXPECT_TRUE(findings.empty());
}

TEST(FreshnessTrackerTest, AnEventThatNeverLandedMakesTheDrillInconclusive) {
  FreshnessTracker scorer;
  AppliedEvent never;
  never.index = 3;
  never.kind = TimelineEventKind::RotateKey;
  std::vector<reports::Finding> findings;
  const auto summary = scorer.finish({never}, findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "timeline-event-not-applied");
  EXPECT_EQ(findings[0].title, "Timeline event 3 (rotate_key) never landed");
  EXPECT_EQ(findings[0].severity, reports::Severity::Warning);
  EXPECT_FALSE(summary.events[0].applied);
  EXPECT_EQ(summary.events[0].applied_ms, std::nullopt);
  std::string reason;
  EXPECT_EQ(decideVerdict(findings, reason), reports::Verdict::Inconclusive);
  EXPECT_EQ(reason, "1 timeline event never landed");
}

// ---- drills ----------------------------------------------------------------

using testing::kSource;

reports::Report drill(const std::string& manifest, std::uint64_t seed, const std::string& name) {
  return testing::runFixtureDrill(manifest, "scenarios/freshness.json", seed, name);
}
std::string findingsOf(const reports::Report& r) {
  return testing::describeFindings(r);
}

bool has(const reports::Report& r, const std::string& id) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [&](const auto& f) { return f.id == id; });
}

class ReferenceFreshness : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(ReferenceFreshness, ShowsEveryChangeAndSaysPartialWhenItCannotRefresh) {
  const std::uint64_t seed = GetParam();
  const auto r = drill("examples/connectors/reference/manifest.json", seed,
                       "freshness-ref-" + std::to_string(seed));
  EXPECT_EQ(r.verdict, reports::Verdict::Passed) << "seed " << seed << "\n" << findingsOf(r);
  ASSERT_EQ(r.operations.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(r.operations[i].rounds.size(), 1u);
    EXPECT_EQ(r.operations[i].rounds[0].drill_round, static_cast<int>(i) + 1);
    EXPECT_EQ(r.operations[i].rounds[0].stale_records, 0u) << i;
  }
  EXPECT_EQ(r.operations[2].declared_status, "partial");  // Users failed in the third sync
  for (int i : {0, 1, 3}) EXPECT_EQ(r.operations[i].declared_status, "complete") << i;
  ASSERT_EQ(r.freshness.events.size(), 4u);
  const std::vector<int> reflected_in = {2, 4, 4, 4};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& e = r.freshness.events[i];
    EXPECT_TRUE(e.applied) << e.kind;
    EXPECT_EQ(e.reflected_round, reflected_in[i]) << e.kind;
  }
  // The leaver and the mover landed before the third sync, which could not read Users.
  EXPECT_EQ(r.freshness.events[1].lag_rounds, 1);
  EXPECT_GT(*r.freshness.events[1].lag_ms, 0);
  EXPECT_EQ(r.freshness.never_reflected, 0u);
  EXPECT_EQ(r.freshness.max_lag_ms, r.freshness.events[1].lag_ms);
  EXPECT_EQ(r.freshness.stale_records_at_end, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ReferenceFreshness, ::testing::Values(1, 2, 3, 4, 5));

TEST(CachedRoundsFreshness, ServingACachedAnswerAsCompleteFails) {
  const auto r = drill("tests/fixtures/connectors/cached_rounds.json", 1, "freshness-cached");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  EXPECT_TRUE(has(r, "stale-unannounced")) << findingsOf(r);
  EXPECT_TRUE(has(r, "leaver-shown-active")) << findingsOf(r);
  // The leaver landed before the third sync began, so its cached "active"
  // is also wrong at both ends of that sync's window.
  EXPECT_TRUE(has(r, "attribute-mismatch")) << findingsOf(r);
  EXPECT_EQ(r.failure_classes, (std::vector<std::string>{"partial-success", "stale-data"}))
      << findingsOf(r);
  for (const auto& f : r.findings) {
    if (f.severity >= reports::Severity::Error) {
      EXPECT_EQ(f.operation, "sync-3") << f.id;
    }
  }
  ASSERT_EQ(r.operations.size(), 4u);
  EXPECT_EQ(r.operations[2].declared_status, "complete");
  EXPECT_GT(r.operations[2].rounds.at(0).stale_records, 0u);
}

// Events are placed by sync, not by request count: each lands after the
// last request of the sync before it, however many requests that sync took.
TEST(FreshnessDrillTest, EveryEventLandsBetweenTwoSyncs) {
  const auto r = drill("examples/connectors/reference/manifest.json", 2, "freshness-journal");
  ASSERT_EQ(r.operations.size(), 4u);
  std::vector<std::uint64_t> requests_before = {0};
  for (const auto& op : r.operations)
    requests_before.push_back(requests_before.back() + op.requests);
  ASSERT_EQ(r.freshness.events.size(), 4u);
  const std::vector<int> before_sync = {2, 3, 3, 4};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.freshness.events[i].after_request, requests_before[before_sync[i] - 1])
        << r.freshness.events[i].kind;
  }
}

}  // namespace
}  // namespace faultline::harness
