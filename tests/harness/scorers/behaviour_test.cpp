// Behaviour scoring (docs/scoring.md, "Behaviour"): the three rules on
// synthetic journals, then drills of their negative controls and of the
// reference connector, which must raise none of them.
#include "harness/scorers/behaviour.h"
#include "tests/harness/journal_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/drill.h"
#include "harness/manifest.h"
#include "scenarios/scenario.h"
#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

using mocks::JournalEntry;
using reports::Finding;
using reports::Severity;

JournalEntry entry(std::uint64_t seq, const std::string& method, const std::string& path,
                   int status, const std::string& token_id, const std::string& note = "") {
  JournalEntry e;
  e.seq = seq;
  e.t_ms = static_cast<std::int64_t>(seq) * 10;
  e.duration_us = 500;
  e.dialect = path.rfind("/oauth", 0) == 0 ? "oauth" : "scim";
  e.method = method;
  e.path = path;
  e.status = status;
  e.token_id = token_id;
  e.note = note;
  if (method != "GET" && e.dialect == "scim") e.body_hash = "00000000000000aa";
  return classified(e);
}

JournalEntry write(std::uint64_t seq, const std::string& path, int status,
                   const std::string& body_hash, const std::string& note = "") {
  JournalEntry e = entry(seq, "PATCH", path, status, "tok-1", note);
  e.body_hash = body_hash;
  return e;
}

struct Evidence {
  std::vector<JournalEntry> journal;
  ConnectorOutput output;
  ProcessResult process;

  std::vector<Finding> findings(const Amplification* amplification = nullptr) const {
    OperationEvidence ev;
    ev.label = "op";
    ev.process = &process;
    ev.output = &output;
    ev.journal = &journal;
    std::vector<Finding> out;
    addBehaviourFindings(ev, amplification, out);
    return out;
  }
};

const Finding* findingWithId(const std::vector<Finding>& findings, const std::string& id) {
  const auto it =
      std::find_if(findings.begin(), findings.end(), [&](const auto& f) { return f.id == id; });
  return it == findings.end() ? nullptr : &*it;
}

// ---- rejected-token reuse ---------------------------------------------------

TEST(RejectedTokenReuseTest, FetchingANewTokenAfterA401IsNotReuse) {
  Evidence ev{
      {entry(1, "POST", "/oauth/token", 200, ""), entry(2, "GET", "/scim/v2/Users", 200, "tok-1"),
       entry(3, "GET", "/scim/v2/Users", 401, "tok-1", "fault r (revoke_token): revoked"),
       entry(4, "POST", "/oauth/token", 200, ""), entry(5, "GET", "/scim/v2/Users", 200, "tok-2")}};
  EXPECT_TRUE(ev.findings().empty());
}

TEST(RejectedTokenReuseTest, RetryingTheSameRequestWithTheRejectedTokenIsReuse) {
  Evidence ev{{entry(1, "GET", "/scim/v2/Users", 401, "tok-1"),
               entry(2, "GET", "/scim/v2/Users", 401, "tok-1")}};
  const auto findings = ev.findings();
  const Finding* f = findingWithId(findings, "rejected-token-reuse");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::Error);
  EXPECT_EQ(f->metric, "behaviour.auth");
  EXPECT_EQ(f->operation, "op");
  EXPECT_EQ(f->title, "1 request presented a bearer token the target had rejected");
  EXPECT_EQ(f->detail,
            "tok-1 answered 401 at #1, presented again 1 time; after a 401 a client must fetch "
            "a new token before it sends again, in this process or the next");
  EXPECT_EQ(f->evidence.journal,
            (std::vector<std::string>{"#1 +10ms GET /scim/v2/Users -> 401 0B tok-1",
                                      "#2 +20ms GET /scim/v2/Users -> 401 0B tok-1"}));
}

// One drill's memory spans its operations: a token refused in the sync is
// still dead when the revoke's new process presents it.
TEST(RejectedTokenReuseTest, ATokenRefusedInAnEarlierOperationIsReusedInALaterOne) {
  const ProcessResult process;
  const ConnectorOutput output;
  const std::vector<JournalEntry> sync = {
      entry(1, "POST", "/oauth/token", 200, ""),
      entry(2, "GET", "/scim/v2/Users", 401, "tok-1", "fault r (revoke_token): revoked tok-1"),
      entry(3, "POST", "/oauth/token", 200, ""), entry(4, "GET", "/scim/v2/Users", 200, "tok-2")};
  const std::vector<JournalEntry> revoke = {entry(5, "GET", "/scim/v2/Users/u-1", 401, "tok-1"),
                                            entry(6, "POST", "/oauth/token", 200, ""),
                                            entry(7, "GET", "/scim/v2/Users/u-1", 200, "tok-3")};
  RejectedTokens rejected;
  std::vector<Finding> out;
  addBehaviourFindings({"sync", &process, &output, &sync, {}}, nullptr, rejected, out);
  EXPECT_TRUE(out.empty());
  addBehaviourFindings({"revoke", &process, &output, &revoke, {}}, nullptr, rejected, out);
  const Finding* f = findingWithId(out, "rejected-token-reuse");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->operation, "revoke");
  EXPECT_EQ(f->title, "1 request presented a bearer token the target had rejected");
  EXPECT_EQ(f->detail.rfind("tok-1 answered 401 at #2 (in sync), presented again 1 time", 0), 0u)
      << f->detail;
  EXPECT_EQ(
      f->evidence.journal,
      (std::vector<std::string>{
          "#2 +20ms GET /scim/v2/Users -> 401 0B tok-1 [fault r (revoke_token): revoked tok-1]",
          "#5 +50ms GET /scim/v2/Users/u-1 -> 401 0B tok-1"}));

  // Judged alone, the revoke's first 401 for tok-1 is no reuse.
  std::vector<Finding> alone;
  addBehaviourFindings({"revoke", &process, &output, &revoke, {}}, nullptr, alone);
  EXPECT_EQ(findingWithId(alone, "rejected-token-reuse"), nullptr);
}

TEST(RejectedTokenReuseTest, CountsEveryLaterRequestOfEachRejectedToken) {
  Evidence ev{{entry(1, "GET", "/scim/v2/Users", 200, "tok-1"),
               entry(2, "GET", "/scim/v2/Users", 401, "tok-1"),
               entry(3, "GET", "/scim/v2/Groups", 401, "tok-1"),
               entry(4, "GET", "/scim/v2/Entitlements", 401, "tok-1"),
               entry(5, "POST", "/oauth/token", 200, ""),
               entry(6, "GET", "/scim/v2/Users", 401, "tok-2"),
               entry(7, "GET", "/scim/v2/Users", 401, "tok-2")}};
  const auto findings = ev.findings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].title, "3 requests presented a bearer token the target had rejected");
  EXPECT_NE(findings[0].detail.find("tok-1 answered 401 at #2, presented again 2 times; "
                                    "tok-2 answered 401 at #6, presented again 1 time"),
            std::string::npos)
      << findings[0].detail;
  // The first 401 of each token and every reuse; not the request before it.
  EXPECT_EQ(findings[0].evidence.journal.size(), 5u);
  EXPECT_EQ(findings[0].evidence.journal.front().rfind("#2 ", 0), 0u);
}

TEST(RejectedTokenReuseTest, RequestArrivingBeforeThe401WasAnsweredIsNotReuse) {
  auto rejected = entry(1, "GET", "/scim/v2/Users", 401, "tok-1");
  rejected.t_ms = 100;
  rejected.duration_us = 5'000;  // answered at 105 ms
  auto in_flight = entry(2, "GET", "/scim/v2/Groups", 401, "tok-1");
  in_flight.t_ms = 104;
  Evidence ev{{rejected, in_flight}};
  EXPECT_TRUE(ev.findings().empty());
  ev.journal[1].t_ms = 105;
  EXPECT_NE(findingWithId(ev.findings(), "rejected-token-reuse"), nullptr);
}

TEST(RejectedTokenReuseTest, UnrecognisedTokensAnd403AreNotTracked) {
  Evidence ev{{entry(1, "GET", "/scim/v2/Users", 401, ""),
               entry(2, "GET", "/scim/v2/Users", 401, ""),
               entry(3, "GET", "/scim/v2/Groups", 403, "tok-1"),
               entry(4, "GET", "/scim/v2/Groups", 403, "tok-1")}};
  EXPECT_TRUE(ev.findings().empty());
}

// ---- duplicate writes -----------------------------------------------------

TEST(DuplicateWriteTest, SameWriteAnswered2xxTwiceIsADuplicateWarning) {
  Evidence ev{{write(1, "/scim/v2/Users/u-1", 200, "aaaa"),
               entry(2, "GET", "/scim/v2/Users/u-1", 200, "tok-1"),
               write(3, "/scim/v2/Users/u-1", 200, "aaaa")}};
  const auto findings = ev.findings();
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.id, "duplicate-write");
  EXPECT_EQ(f.severity, Severity::Warning);
  EXPECT_EQ(f.metric, "behaviour.writes");
  EXPECT_EQ(f.title, "1 write repeated after the same write had succeeded");
  EXPECT_EQ(f.detail.rfind("1 distinct write (same method, path and body)", 0), 0u) << f.detail;
  EXPECT_EQ(f.evidence.journal,
            (std::vector<std::string>{"#1 +10ms PATCH /scim/v2/Users/u-1 -> 200 0B tok-1",
                                      "#3 +30ms PATCH /scim/v2/Users/u-1 -> 200 0B tok-1"}));
}

TEST(DuplicateWriteTest, RetryAfterALostAnswerIsLegitimate) {
  Evidence ev{{write(1, "/scim/v2/Users/u-1", 204, "aaaa",
                     "fault lost (lost_response): applied (204), then the connection dropped "
                     "before the answer"),
               write(2, "/scim/v2/Users/u-1", 204, "aaaa")}};
  EXPECT_TRUE(ev.findings().empty());
}

TEST(DuplicateWriteTest, RetryAfterA2xxThatWasALieIsLegitimate) {
  Evidence ev{{write(1, "/scim/v2/Groups/g-1", 204, "aaaa",
                     "fault dropped (write_not_applied): answered 204, not applied"),
               write(2, "/scim/v2/Groups/g-1", 204, "aaaa")}};
  EXPECT_TRUE(ev.findings().empty());
}

TEST(DuplicateWriteTest, OnlyWritesAfterACleanSuccessAreCounted) {
  Evidence ev{{write(1, "/scim/v2/Users/u-1", 204, "aaaa",
                     "fault lost (lost_response): applied (204), then the connection dropped "
                     "before the answer"),
               write(2, "/scim/v2/Users/u-1", 204, "aaaa"),
               write(3, "/scim/v2/Users/u-1", 204, "aaaa")}};
  const auto findings = ev.findings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].title, "1 write repeated after the same write had succeeded");
}

TEST(DuplicateWriteTest, LatencyOnTheFirstWriteDoesNotExcuseTheRepeat) {
  Evidence ev{{write(1, "/scim/v2/Users/u-1", 204, "aaaa", "fault slow (latency): held 12 ms"),
               write(2, "/scim/v2/Users/u-1", 204, "aaaa", "fault slow (latency): held 7 ms")}};
  EXPECT_NE(findingWithId(ev.findings(), "duplicate-write"), nullptr);
}

TEST(DuplicateWriteTest, RefusedRepeatsAndDifferentWritesAreNotDuplicates) {
  Evidence ev{{write(1, "/scim/v2/Users/u-1", 200, "aaaa"),
               write(2, "/scim/v2/Users/u-1", 412, "aaaa"),    // If-Match refused it
               write(3, "/scim/v2/Users/u-1", 200, "bbbb"),    // another body
               write(4, "/scim/v2/Users/u-2", 200, "aaaa")}};  // another resource
  ev.journal.push_back(write(5, "/scim/v2/Users/u-1", 200, "aaaa"));
  ev.journal.back().method = "PUT";  // another method
  EXPECT_TRUE(ev.findings().empty());
}

// ---- request amplification -----------------------------------------------

TEST(RequestAmplificationTest, MinimumIsOneTokenRequestAndAPagePerMaxPageSizeOfEachResource) {
  EXPECT_EQ(minimumSyncRequests(250, 24, 16, 100), 6u);  // 1 + 3 + 1 + 1
  EXPECT_EQ(minimumSyncRequests(150, 12, 10, 25), 9u);   // 1 + 6 + 1 + 1
  EXPECT_EQ(minimumSyncRequests(101, 100, 1, 100), 5u);  // 1 + 2 + 1 + 1
  EXPECT_EQ(minimumSyncRequests(0, 0, 0, 100), 4u);      // an empty list is still one page
}

TEST(RequestAmplificationTest, AnswersSpoiledByAFaultAreNotCounted) {
  EXPECT_FALSE(answeredWithFault(entry(1, "GET", "/x", 200, "")));
  EXPECT_FALSE(
      answeredWithFault(entry(1, "GET", "/x", 200, "", "retry-after violation: 3 ms early")));
  EXPECT_FALSE(answeredWithFault(
      entry(1, "GET", "/x", 200, "",
            "fault a (latency): held 9 ms; fault b (slow_body): 256-byte pieces")));
  EXPECT_TRUE(answeredWithFault(entry(
      1, "GET", "/x", 429, "", "retry-after violation: 3 ms early; fault rl (rate_limit): 429")));
  EXPECT_TRUE(answeredWithFault(entry(
      1, "GET", "/x", 200, "", "fault a (latency): held 9 ms; fault g (garbage_body): 512 bytes")));
  EXPECT_TRUE(
      answeredWithFault(entry(1, "GET", "/x", 200, "", "fault r (revoke_token): revoked tok-1")));
  EXPECT_TRUE(answeredWithFault(
      entry(1, "GET", "/x", 200, "", "fault s (short_page): dropped 1 item(s); ")));
  // Reshaped or stale data still came: asking again would gain nothing.
  EXPECT_FALSE(answeredWithFault(entry(
      1, "GET", "/x", 200, "",
      "fault d (rename_attribute): renamed userName -> login; fault i (change_id_format): 3 id(s) "
      "sent uppercase; ")));
  EXPECT_FALSE(answeredWithFault(
      entry(1, "GET", "/x", 200, "", "fault s (stale_read): served as of change #3 of 5")));
  EXPECT_TRUE(answeredWithFault(entry(1, "GET", "/x", 200, "", "fault x (some_new_kind)")));

  std::vector<JournalEntry> journal;
  for (std::uint64_t i = 1; i <= 10; ++i)
    journal.push_back(entry(i, "GET", "/scim/v2/Users", 200, "tok-1"));
  journal[2].note = journal[3].note = journal[4].note = "fault rl (rate_limit): 429";
  journal[5].note = "fault slow (latency): held 5 ms";
  for (auto& e : journal) e = classified(e);
  const Amplification a = measureAmplification(journal, 4);
  EXPECT_EQ(a.minimum, 4u);
  EXPECT_EQ(a.counted, 7u);
  EXPECT_EQ(a.faulted, 3u);
  EXPECT_DOUBLE_EQ(a.ratio, 1.75);
}

// Whether an answer was spoiled comes from the journal's fault records and
// the fault kinds table, not from the words of the note.
TEST(RequestAmplificationTest, ReadsFaultRecordsNotNotes) {
  JournalEntry worded = entry(1, "GET", "/scim/v2/Users", 200, "tok-1");
  worded.note = "fault rl (rate_limit): 429";
  EXPECT_FALSE(answeredWithFault(worded));
  JournalEntry recorded = entry(1, "GET", "/scim/v2/Users", 200, "tok-1");
  recorded.faults.push_back({"rl", "rate_limit", "429", {{"status", 429}}});
  EXPECT_TRUE(answeredWithFault(recorded));
  recorded.faults = {{"slow", "latency", "held 5 ms", {{"held_ms", 5}}}};
  EXPECT_FALSE(answeredWithFault(recorded));
}

TEST(RequestAmplificationTest, RaisesACandidateForAnyExcessOverTheMinimum) {
  // Which excess is too much is the policy's max_amplification, applied by
  // applyPolicy (policy_test.cpp): the scorer flags every sync above 1.
  Evidence ev;
  ev.journal.push_back(entry(1, "POST", "/oauth/token", 200, ""));
  ev.journal.push_back(entry(2, "GET", "/scim/v2/Users", 200, "tok-1"));
  const Amplification exact = measureAmplification(ev.journal, 2);
  EXPECT_DOUBLE_EQ(exact.ratio, 1.0);
  EXPECT_TRUE(ev.findings(&exact).empty());
  for (std::uint64_t i = 3; i <= 8; ++i)
    ev.journal.push_back(entry(i, "GET", "/scim/v2/Users", 200, "tok-1"));
  const Amplification at_default = measureAmplification(ev.journal, 2);
  EXPECT_DOUBLE_EQ(at_default.ratio, kDefaultMaxAmplification);
  ASSERT_EQ(ev.findings(&at_default).size(), 1u);
  EXPECT_EQ(reports::findMeasure(ev.findings(&at_default)[0], kAmplificationMeasure)->value, 4.0);

  ev.journal.push_back(entry(9, "GET", "/scim/v2/Groups", 200, "tok-1"));
  ev.journal.push_back(
      entry(10, "GET", "/scim/v2/Groups", 503, "tok-1", "fault e (server_error): 503"));
  const Amplification above = measureAmplification(ev.journal, 2);
  EXPECT_TRUE(ev.findings().empty()) << "no amplification finding without a measurement (revokes)";
  const auto findings = ev.findings(&above);
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.id, "request-amplification");
  EXPECT_EQ(f.severity, Severity::Warning);
  EXPECT_EQ(f.metric, "behaviour.amplification");
  EXPECT_EQ(f.title, "The sync sent 9 requests, 4.50 times the minimum of 2");
  ASSERT_EQ(f.measures.size(), 3u);
  EXPECT_EQ(f.measures[0].name, "requests");
  EXPECT_EQ(f.measures[0].value, 9.0);
  EXPECT_EQ(f.measures[1].name, "amplification");
  EXPECT_EQ(f.measures[1].value, 4.5);
  EXPECT_EQ(f.measures[1].unit, "ratio");
  EXPECT_FALSE(f.measures[1].limit) << "the policy, not the scorer, knows the limit";
  EXPECT_EQ(f.measures[2].name, "minimum");
  EXPECT_EQ(f.measures[2].value, 2.0);
  EXPECT_NE(f.detail.find("1 request answered with a fault not counted; by path: "
                          "GET /scim/v2/Users 7, GET /scim/v2/Groups 1, POST /oauth/token 1"),
            std::string::npos)
      << f.detail;
  EXPECT_EQ(f.evidence.journal.size(), 9u);  // the counted requests, not the faulted one
}

TEST(RequestAmplificationTest, MeasuresTheExactRatioThatTheTitleRounds) {
  // 10 / 3 prints as 3.33; the policy must compare the exact ratio.
  Evidence ev;
  for (std::uint64_t i = 1; i <= 10; ++i)
    ev.journal.push_back(entry(i, "GET", "/scim/v2/Users", 200, "tok-1"));
  const Amplification a = measureAmplification(ev.journal, 3);
  const auto findings = ev.findings(&a);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].title, "The sync sent 10 requests, 3.33 times the minimum of 3");
  EXPECT_DOUBLE_EQ(reports::findMeasure(findings[0], kAmplificationMeasure)->value, 10.0 / 3.0);
}

// ---- drills ----------------------------------------------------------------

using testing::kReference;
reports::Report drill(const std::string& manifest, const std::string& scenario, std::uint64_t seed,
                      const std::string& name) {
  return testing::runFixtureDrill(manifest, scenario, seed, name);
}
std::string findingsOf(const reports::Report& r) {
  return testing::describeFindings(r);
}

const Finding* findingIn(const reports::Report& r, const std::string& id) {
  return findingWithId(r.findings, id);
}

std::vector<nlohmann::json> journalOf(const reports::Report& r) {
  std::ifstream in(r.journal_file);
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

bool anyLineHas(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const auto& l) { return l.find(part) != std::string::npos; });
}

TEST(BehaviourDrillTest, StaleTokenIsCaughtReusingTheRevokedToken) {
  const auto r = drill("tests/fixtures/connectors/stale_token.json", "scenarios/auth_expiry.json",
                       1, "behaviour-stale-token");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const Finding* f = findingIn(r, "rejected-token-reuse");
  ASSERT_NE(f, nullptr) << findingsOf(r);
  EXPECT_EQ(f->severity, Severity::Error);
  EXPECT_EQ(f->operation, r.operations[0].label);
  EXPECT_TRUE(anyLineHas(f->evidence.journal, "(revoke_token): revoked tok-1")) << f->detail;
  EXPECT_TRUE(anyLineHas(f->evidence.journal, "-> 401")) << f->detail;
  EXPECT_NE(f->detail.find("tok-1 answered 401 at #"), std::string::npos) << f->detail;
  const auto& classes = r.failure_classes;
  EXPECT_NE(std::find(classes.begin(), classes.end(), "unsafe-behaviour"), classes.end());
}

// A token kept in the state directory outlives the process that saw it
// refused: the revoke's first request presents the token the sync's 401
// killed. Reuse is judged per drill, across processes.
TEST(BehaviourDrillTest, PersistedTokenIsCaughtPresentingARejectedTokenInTheNextProcess) {
  const auto r = drill("tests/fixtures/connectors/persisted_token.json",
                       "scenarios/auth_expiry.json", 1, "behaviour-persisted-token");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const Finding* f = findingIn(r, "rejected-token-reuse");
  ASSERT_NE(f, nullptr) << findingsOf(r);
  EXPECT_EQ(f->severity, Severity::Error);
  ASSERT_EQ(r.operations.size(), 2u);
  EXPECT_EQ(f->operation, r.operations[1].label);  // the revoke, a new process
  EXPECT_NE(f->detail.find("tok-1 answered 401 at #"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("(in " + r.operations[0].label + ")"), std::string::npos) << f->detail;
  // The sync's 401 is quoted from the drill's memory, ahead of the revoke's lines.
  ASSERT_GE(f->evidence.journal.size(), 2u);
  EXPECT_NE(f->evidence.journal[0].find("(revoke_token): revoked tok-1"), std::string::npos)
      << f->evidence.journal[0];
  // Within the sync the connector behaved: it fetched a new token after the 401.
  for (const auto& other : r.findings) {
    if (other.id == "rejected-token-reuse") {
      EXPECT_EQ(other.operation, r.operations[1].label);
    }
  }
}

const reports::OperationReport& firstOfKind(const reports::Report& r, const std::string& kind) {
  return *std::find_if(r.operations.begin(), r.operations.end(),
                       [&](const auto& op) { return op.kind == kind; });
}

TEST(BehaviourDrillTest, DoubleWriterIsCaughtRepeatingRevocationWrites) {
  const auto r = drill("tests/fixtures/connectors/double_writer.json", "scenarios/baseline.json", 1,
                       "behaviour-double-writer");
  const Finding* f = findingIn(r, "duplicate-write");
  ASSERT_NE(f, nullptr) << findingsOf(r);
  const auto& revoke = firstOfKind(r, "revoke");
  EXPECT_EQ(f->operation, revoke.label);
  EXPECT_EQ(f->severity, Severity::Warning);
  // Every action's write was sent twice.
  EXPECT_GE(std::stoul(f->title), revoke.revocations.size()) << f->title;
  EXPECT_GE(f->evidence.journal.size(), 2 * revoke.revocations.size());
  EXPECT_TRUE(anyLineHas(f->evidence.journal, "PATCH /scim/v2/")) << f->detail;
  // The revocations themselves came out right: only this scorer sees the flaw.
  for (const auto& rev : revoke.revocations) EXPECT_EQ(rev.outcome, "confirmed") << rev.action_id;
}

TEST(BehaviourDrillTest, RelistingIsCaughtAsRequestAmplification) {
  const auto r = drill("tests/fixtures/connectors/relists.json", "scenarios/baseline.json", 1,
                       "behaviour-relists");
  const Finding* f = findingIn(r, "request-amplification");
  ASSERT_NE(f, nullptr) << findingsOf(r);
  const auto& sync = r.operations[0];
  EXPECT_EQ(f->operation, sync.label);
  // Without faults one pass is exactly the minimum; five passes re-read every
  // page but not the token.
  const std::uint64_t m = sync.minimum_requests;
  ASSERT_GT(m, 0u);
  EXPECT_EQ(sync.requests, 1 + 5 * (m - 1));
  EXPECT_DOUBLE_EQ(sync.amplification, static_cast<double>(sync.requests) / m);
  EXPECT_EQ(f->title.rfind("The sync sent " + std::to_string(sync.requests) + " requests, ", 0), 0u)
      << f->title;
  EXPECT_FALSE(f->evidence.journal.empty());
  EXPECT_EQ(findingIn(r, "silent-loss"), nullptr) << findingsOf(r);
}

class ReferenceBehaviour : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceBehaviour, RaisesNoBehaviourFinding) {
  const auto r =
      drill(kReference, "scenarios/" + GetParam() + ".json", 1, "behaviour-ref-" + GetParam());
  for (const char* id : {"rejected-token-reuse", "duplicate-write", "request-amplification"})
    EXPECT_EQ(findingIn(r, id), nullptr) << id << "\n" << findingsOf(r);
  for (const auto& op : r.operations) {
    if (op.kind == "sync") {
      EXPECT_GT(op.minimum_requests, 0u) << op.label;
      EXPECT_GE(op.amplification, 1.0) << op.label;
      EXPECT_LE(op.amplification, kDefaultMaxAmplification) << op.label;
    } else {
      EXPECT_EQ(op.minimum_requests, 0u) << op.label;
      EXPECT_EQ(op.amplification, 0.0) << op.label;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ReferenceBehaviour,
                         ::testing::Values("baseline", "auth_expiry", "rate_limits",
                                           "transport_faults"));

TEST(BehaviourDrillTest, ReferenceRetryOfAWriteWhoseAnswerWasLostIsNotADuplicate) {
  const auto r = drill(kReference, "scenarios/transport_faults.json", 1, "behaviour-ref-lost");
  const auto journal = journalOf(r);
  // The lost write and the reference's retry of it: same method, path, body.
  const auto lost = std::find_if(journal.begin(), journal.end(), [](const auto& e) {
    return e["note"].template get<std::string>().find("(lost_response)") != std::string::npos;
  });
  ASSERT_NE(lost, journal.end());
  ASSERT_EQ((*lost)["body_hash"].template get<std::string>().size(), 16u);
  const bool retried = std::any_of(lost + 1, journal.end(), [&](const auto& e) {
    return e["method"] == (*lost)["method"] && e["path"] == (*lost)["path"] &&
           e["body_hash"] == (*lost)["body_hash"];
  });
  EXPECT_TRUE(retried);
  EXPECT_EQ(findingIn(r, "duplicate-write"), nullptr) << findingsOf(r);
}

}  // namespace
}  // namespace faultline::harness
