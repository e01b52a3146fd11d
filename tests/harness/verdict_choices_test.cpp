// A choice the protocol leaves to the connector (page size, how ids are
// spelt, which grants it prints) must never decide a verdict, and a status
// line's machine-readable fields must decide what its words used to. Each
// drill here failed, or passed, for the wrong reason before the rule it
// names was fixed.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "harness/policy.h"
#include "scenarios/scenario.h"
#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

using reports::Finding;
using reports::Severity;
using reports::Verdict;
using testing::describeFindings;
using testing::kReference;
using testing::runFixtureDrill;

std::vector<const Finding*> findingsWithId(const reports::Report& r, const std::string& id) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings) {
    if (f.id == id) out.push_back(&f);
  }
  return out;
}

void expectNothingAboveInfo(const reports::Report& r) {
  EXPECT_EQ(r.verdict, Verdict::Passed) << r.verdict_reason << "\n" << describeFindings(r);
  for (const auto& f : r.findings) EXPECT_EQ(f.severity, Severity::Info) << f.id << ": " << f.title;
}

// ---- a joiner between the Users and Groups listings ------------------------

// 80 accounts read 25 at a time take four Users pages (requests 2 to 5), so
// a joiner placed before request 6 lands after the last Users page and
// before the Groups page that lists it as a member.
constexpr const char* kJoinerBetweenListings = R"({
  "faultline_scenario": 1,
  "name": "joiner-between-listings",
  "tenant": {"accounts": 80, "groups": 10, "entitlements": 8, "nesting_depth": 2},
  "target": {"default_page_size": 50, "max_page_size": 50},
  "timeline": [{"at_request": 6, "event": "joiner", "groups": 2}],
  "operations": [{"op": "sync"}]
})";

TEST(VerdictChoicesTest, AJoinersMembershipIsNotDanglingWhenItJoinedAfterTheUsersListing) {
  const auto s = scenarios::parseScenario(kJoinerBetweenListings, "joiner.json");
  for (std::uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto r = runFixtureDrill("tests/fixtures/connectors/lists_every_member.json", s, seed,
                                   "choices-joiner-" + std::to_string(seed));
    ASSERT_EQ(r.freshness.events.size(), 1u);
    ASSERT_TRUE(r.freshness.events[0].applied);
    EXPECT_EQ(r.freshness.events[0].after_request, 5u);  // after the fourth Users page
    EXPECT_EQ(r.operations.at(0).dangling_references, 0u);
    EXPECT_TRUE(findingsWithId(r, "dangling-reference").empty()) << describeFindings(r);
    expectNothingAboveInfo(r);
  }
}

// ---- UUIDs in capitals --------------------------------------------------------

TEST(VerdictChoicesTest, PrintingTheTargetsUppercaseUuidsIsJudgedLikeLowercase) {
  const auto r = runFixtureDrill("tests/fixtures/connectors/uppercase_ids.json",
                                 "scenarios/id_format_change.json", 1, "choices-uppercase-ids");
  EXPECT_TRUE(findingsWithId(r, "silent-loss").empty()) << describeFindings(r);
  EXPECT_TRUE(findingsWithId(r, "phantom-records").empty()) << describeFindings(r);
  expectNothingAboveInfo(r);
}

// ---- a partial's words against its "incomplete" field ---------------------

// Between two syncs the client loses Groups (an empty 200) and Entitlements
// (403). Six entitlements are too few for the reference's count memory to
// notice them vanish, so only a connector that treats the 403 as an error
// knows they are missing.
constexpr const char* kLostTwoScopes = R"({
  "faultline_scenario": 1,
  "name": "lost-two-scopes",
  "tenant": {"accounts": 60, "groups": 16, "entitlements": 6},
  "target": {"default_page_size": 100, "max_page_size": 100},
  "faults": [
    {"id": "groups-empty", "kind": "lost_scope", "mode": "empty",
     "match": {"resource": "Groups", "operation": {"from": 2}}, "min_fires": 1},
    {"id": "entitlements-403", "kind": "lost_scope",
     "match": {"resource": "Entitlements", "operation": {"from": 2}}, "min_fires": 1}
  ],
  "acceptance": {"honest_partial": "accept"},
  "operations": [{"op": "sync", "label": "before"}, {"op": "sync", "label": "after"}]
})";

TEST(VerdictChoicesTest, AReasonThatMentionsEntitlementsCannotHideTheirLossOnceTheFieldIsSent) {
  const auto s = scenarios::parseScenario(kLostTwoScopes, "lost.json");
  const auto r =
      runFixtureDrill("tests/fixtures/connectors/swallows_403.json", s, 1, "choices-swallows-403");
  const auto& after = r.operations.at(1);
  ASSERT_EQ(after.declared_status, "partial");
  // The reason's words name entitlements; under the old rule they excused the loss.
  EXPECT_NE(after.declared_reason.find("entitlement grants"), std::string::npos)
      << after.declared_reason;
  EXPECT_EQ(r.verdict, Verdict::Failed) << describeFindings(r);
  const auto losses = findingsWithId(r, "silent-loss");
  ASSERT_EQ(losses.size(), 1u) << describeFindings(r);
  EXPECT_EQ(losses[0]->metric, "completeness.entitlements");
  EXPECT_EQ(losses[0]->severity, Severity::Critical);
  EXPECT_EQ(losses[0]->operation, "after");
  EXPECT_NE(losses[0]->detail.find("declared incomplete: [grant, group]"), std::string::npos)
      << losses[0]->detail;
}

TEST(VerdictChoicesTest, TheReferenceDeclaresBothLostScopesInTheField) {
  const auto s = scenarios::parseScenario(kLostTwoScopes, "lost.json");
  const auto r = runFixtureDrill(kReference, s, 1, "choices-reference-lost-scopes");
  ASSERT_EQ(r.operations.at(1).declared_status, "partial");
  EXPECT_TRUE(findingsWithId(r, "silent-loss").empty()) << describeFindings(r);
  EXPECT_FALSE(findingsWithId(r, "declared-incomplete").empty()) << describeFindings(r);
  expectNothingAboveInfo(r);
}

// The acceptance policy's honest_partial judges what a partial declared by
// the same rule: the field when sent, else the reason's words.

reports::Report partialSync(const std::string& reason,
                            std::optional<std::vector<std::string>> incomplete,
                            const std::string& finding_id) {
  reports::Report r;
  reports::OperationReport op;
  op.label = "sync-1";
  op.kind = "sync";
  op.declared_status = "partial";
  op.declared_reason = reason;
  op.declared_incomplete = std::move(incomplete);
  r.operations.push_back(op);
  reports::Finding f;
  f.id = finding_id;
  f.severity = Severity::Error;
  f.metric = "completeness.entitlements";
  f.operation = "sync-1";
  r.findings.push_back(f);
  return r;
}

reports::PolicySummary acceptHonestPartial() {
  reports::PolicySummary p;
  p.accept_honest_partial = true;
  return p;
}

TEST(VerdictChoicesTest, HonestPartialIsJudgedByTheFieldOnceItIsSent) {
  auto r = partialSync("read permission lost", std::vector<std::string>{"entitlement"},
                       "declared-incomplete");
  applyPolicy(acceptHonestPartial(), r);
  EXPECT_EQ(r.findings.at(0).severity, Severity::Info) << r.findings[0].policy;
  EXPECT_EQ(r.verdict, Verdict::Passed);

  r = partialSync("Groups: 403; their entitlement grants are missing",
                  std::vector<std::string>{"group", "grant"}, "phantom-records");
  applyPolicy(acceptHonestPartial(), r);
  EXPECT_EQ(r.findings.at(0).severity, Severity::Error);
  EXPECT_EQ(r.verdict, Verdict::Failed);
}

TEST(VerdictChoicesTest, HonestPartialFallsBackToTheReasonsWordsWithoutTheField) {
  auto r = partialSync("Entitlements: HTTP 403", std::nullopt, "declared-incomplete");
  applyPolicy(acceptHonestPartial(), r);
  EXPECT_EQ(r.findings.at(0).severity, Severity::Info);
  r = partialSync("read permission lost", std::nullopt, "declared-incomplete");
  applyPolicy(acceptHonestPartial(), r);
  EXPECT_EQ(r.findings.at(0).severity, Severity::Error);
}

}  // namespace
}  // namespace faultline::harness
