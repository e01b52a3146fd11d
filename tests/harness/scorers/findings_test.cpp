#include "harness/scorers/findings.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/harness/journal_fixture.h"

namespace faultline::harness {
namespace {

using reports::Finding;
using reports::Severity;
using reports::Verdict;

constexpr const char* kSecret = "s3cr3t-client-value";

mocks::JournalEntry request(std::uint64_t seq, const std::string& method, const std::string& path,
                            const std::string& query = "") {
  return classified({.seq = seq,
                     .t_ms = static_cast<std::int64_t>(seq) * 10,
                     .method = method,
                     .path = path,
                     .query = query,
                     .status = 200,
                     .bytes_out = 100,
                     .token_id = "tok-1"});
}

// A sync's output whose last line is a status line with the given status.
ConnectorOutput statusOutput(const std::string& status, const std::string& reason) {
  ConnectorOutput out;
  out.lines = {R"({"type":"account","id":"u-alice"})", "",
               R"({"type":"status","protocol":1,"status":")" + status + "\"}"};
  out.status = StatusRecord{.status = status, .reason = reason, .counts = {}, .line = 3};
  return out;
}

// Every type perfect except accounts, which miss `missing`.
CompletenessScore scoreMissing(const std::vector<std::string>& missing, std::size_t total) {
  CompletenessScore s;
  for (const char* type : {"account", "group", "entitlement", "grant", "credential"}) {
    reports::TypeScore t;
    t.type = type;
    t.expected = t.returned = t.matched = 3;
    s.types.push_back(t);
  }
  s.types[0].missing = missing;
  s.types[0].missing_total = total;
  s.types[0].matched = s.types[0].expected - total;
  return s;
}

struct Fixture {
  ConnectorOutput output;
  ProcessResult process;
  std::vector<mocks::JournalEntry> journal = {
      request(1, "POST", "/oauth/token"),
      request(2, "GET", "/scim/v2/Users", "startIndex=1&count=50"),
      request(3, "GET", "/scim/v2/Groups", "startIndex=1&count=50"),
      request(4, "GET", "/scim/v2/Users/u-1"),
  };

  OperationEvidence evidence() const {
    OperationEvidence ev;
    ev.label = "initial-sync";
    ev.process = &process;
    ev.output = &output;
    ev.journal = &journal;
    ev.secrets = {kSecret, "short"};
    return ev;
  }
};

std::vector<Finding> completenessFindings(const Fixture& f, const CompletenessScore& score) {
  std::vector<Finding> out;
  addCompletenessFindings(f.evidence(), score, out);
  return out;
}

std::vector<std::string> idsOf(const std::vector<Finding>& findings) {
  std::vector<std::string> ids;
  for (const auto& f : findings) ids.push_back(f.id);
  return ids;
}

TEST(CompletenessFindingsTest, DeclaredCompleteWithMissingRecordsIsCriticalSilentLoss) {
  Fixture f{.output = statusOutput("complete", "")};
  const auto findings = completenessFindings(f, scoreMissing({"u-bob", "u-carol"}, 2));
  ASSERT_EQ(findings.size(), 1u);
  const Finding& loss = findings[0];
  EXPECT_EQ(loss.id, "silent-loss");
  EXPECT_EQ(loss.severity, Severity::Critical);
  EXPECT_EQ(loss.metric, "completeness.accounts");
  EXPECT_EQ(loss.operation, "initial-sync");
  EXPECT_EQ(loss.title, "Declared complete but 2 accounts are missing");
  EXPECT_EQ(loss.detail, "missing account ids: u-bob, u-carol");
  ASSERT_EQ(loss.measures.size(), 1u);
  EXPECT_EQ(loss.measures[0].name, "missing");
  EXPECT_EQ(loss.measures[0].value, 2.0);
  EXPECT_EQ(loss.measures[0].unit, "records");
  EXPECT_FALSE(loss.measures[0].limit);
  // Only list requests of /Users are evidence for missing accounts.
  EXPECT_EQ(loss.evidence.journal,
            std::vector<std::string>{
                "#2 +20ms GET /scim/v2/Users?startIndex=1&count=50 -> 200 100B tok-1"});
  EXPECT_EQ(
      loss.evidence.connector_output,
      std::vector<std::string>{R"(stdout:3: {"type":"status","protocol":1,"status":"complete"})"});
}

TEST(CompletenessFindingsTest, DeclaredPartialWithMissingRecordsIsDeclaredIncompleteError) {
  Fixture f{.output = statusOutput("partial", "Users: HTTP 503 after 6 attempts")};
  const auto findings = completenessFindings(f, scoreMissing({"u-bob", "u-carol"}, 2));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "declared-incomplete");
  EXPECT_EQ(findings[0].severity, Severity::Error);
  EXPECT_EQ(findings[0].title, "Sync declared partial; 2 accounts are missing");
  EXPECT_EQ(findings[0].detail,
            "missing account ids: u-bob, u-carol (reason given: \"Users: HTTP 503 after 6 "
            "attempts\")");
}

TEST(CompletenessFindingsTest, MissingRecordsWithoutStatusLineAreDeclaredIncomplete) {
  Fixture f;
  f.output.lines = {R"({"type":"account","id":"u-alice"})"};
  const auto findings = completenessFindings(f, scoreMissing({"u-bob"}, 1));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "declared-incomplete");
  EXPECT_EQ(findings[0].severity, Severity::Error);
  EXPECT_EQ(findings[0].detail, "missing account ids: u-bob (no status line)");
  EXPECT_EQ(findings[0].evidence.connector_output, std::vector<std::string>{"(no status line)"});
}

TEST(CompletenessFindingsTest, SaysHowManyAreMissingBeyondTheListedIds) {
  Fixture f{.output = statusOutput("complete", "")};
  const auto findings = completenessFindings(f, scoreMissing({"u-1", "u-2"}, 60));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].detail, "missing account ids: u-1, u-2 ... (60 in all)");
}

TEST(CompletenessFindingsTest, CompleteAndExactSyncHasNoFindings) {
  Fixture f{.output = statusOutput("complete", "")};
  EXPECT_TRUE(completenessFindings(f, scoreMissing({}, 0)).empty());
}

TEST(CompletenessFindingsTest, PartialButCompleteSyncIsOnlyInfo) {
  Fixture f{.output = statusOutput("partial", "gave up early")};
  const auto findings = completenessFindings(f, scoreMissing({}, 0));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "needless-partial");
  EXPECT_EQ(findings[0].severity, Severity::Info);
  EXPECT_EQ(findings[0].detail, "gave up early");
}

TEST(CompletenessFindingsTest, RedactsSecretsInTheConnectorsReason) {
  Fixture f{.output = statusOutput("partial", std::string("token ") + kSecret + " refused")};
  const auto findings = completenessFindings(f, scoreMissing({"u-bob"}, 1));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].detail,
            "missing account ids: u-bob (reason given: \"token <redacted> refused\")");
}

TEST(CompletenessFindingsTest, PartialWhoseReasonNamesTheMissingTypeIsHonest) {
  Fixture f{.output = statusOutput("partial", "Users: HTTP 503 on page 3")};
  const auto findings = completenessFindings(f, scoreMissing({"u-bob"}, 1));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "declared-incomplete");
  EXPECT_EQ(findings[0].severity, Severity::Error);
}

TEST(CompletenessFindingsTest, PartialForAnotherReasonIsStillSilentLoss) {
  Fixture f{.output = statusOutput("partial", "Entitlements: HTTP 403")};
  const auto findings = completenessFindings(f, scoreMissing({"u-bob"}, 1));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "silent-loss");
  EXPECT_EQ(findings[0].severity, Severity::Critical);
  EXPECT_EQ(findings[0].title,
            "Declared partial but 1 account is missing and the reason does not say so");
  EXPECT_EQ(findings[0].detail,
            "missing account ids: u-bob (reason given: \"Entitlements: HTTP 403\")");
}

// Once a status line sends "incomplete", only the field declares a type:
// words in the reason can no longer excuse a loss, nor are they needed.
TEST(CompletenessFindingsTest, OnceTheFieldIsSentTheReasonsWordsNoLongerCount) {
  Fixture f{.output =
                statusOutput("partial", "Groups: HTTP 403; user and entitlement grants lost")};
  f.output.status->incomplete = std::set<std::string>{"group", "grant"};
  const auto findings = completenessFindings(f, scoreMissing({"u-bob"}, 1));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "silent-loss");
  EXPECT_EQ(findings[0].severity, Severity::Critical);
  EXPECT_EQ(findings[0].title,
            "Declared partial but 1 account is missing and its \"incomplete\" field does not "
            "name them");
  EXPECT_EQ(findings[0].detail,
            "missing account ids: u-bob (reason given: \"Groups: HTTP 403; user and entitlement "
            "grants lost\"; declared incomplete: [grant, group])");
}

TEST(CompletenessFindingsTest, TheFieldDeclaresATypeWhateverTheReasonSays) {
  Fixture f{.output = statusOutput("partial", "read permission lost")};
  f.output.status->incomplete = std::set<std::string>{"account"};
  const auto findings = completenessFindings(f, scoreMissing({"u-bob"}, 1));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "declared-incomplete");
}

TEST(CompletenessFindingsTest, DeclaresIncompleteFallsBackToTheReasonOnlyWithoutTheField) {
  StatusRecord status{.status = "partial", .reason = "Entitlements: HTTP 403"};
  EXPECT_TRUE(declaresIncomplete(status, "entitlement"));
  EXPECT_TRUE(declaresIncomplete(status, "grant"));
  EXPECT_FALSE(declaresIncomplete(status, "group"));
  status.incomplete = std::set<std::string>{"group"};
  EXPECT_FALSE(declaresIncomplete(status, "entitlement"));
  EXPECT_FALSE(declaresIncomplete(status, "grant"));
  EXPECT_TRUE(declaresIncomplete(status, "group"));
}

TEST(CompletenessFindingsTest, PhantomsDuplicatesMismatchesAndDanglingEachGetAFinding) {
  Fixture f{.output = statusOutput("complete", "")};
  CompletenessScore s = scoreMissing({}, 0);
  s.types[1].phantom = {"g-ghost"};
  s.types[1].phantom_total = 1;
  s.types[2].duplicates = 4;
  s.types[0].attribute_mismatches = 1;
  s.attribute_examples = {"account u-1 (stdout line 1): got \"a\", truth \"b\""};
  s.dangling_total = 1;
  s.dangling = {"stdout line 9: group g-9 was not returned"};
  const auto findings = completenessFindings(f, s);
  EXPECT_EQ(idsOf(findings),
            (std::vector<std::string>{"phantom-records", "duplicate-records", "attribute-mismatch",
                                      "dangling-reference"}));
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].severity, Severity::Error);
  EXPECT_EQ(findings[0].title, "1 group returned that the target never held");
  EXPECT_EQ(findings[0].detail, "phantom ids: g-ghost");
  EXPECT_EQ(findings[1].severity, Severity::Warning);
  EXPECT_EQ(findings[1].title, "4 duplicate entitlement lines");
  // Each number the titles state is also a measure.
  std::vector<std::string> measured;
  for (const auto& x : findings) {
    for (const auto& m : x.measures)
      measured.push_back(m.name + "=" + std::to_string(static_cast<int>(m.value)));
  }
  EXPECT_EQ(measured,
            (std::vector<std::string>{"phantom=1", "duplicates=4", "mismatches=1", "dangling=1"}));
  EXPECT_EQ(findings[2].severity, Severity::Error);
  EXPECT_EQ(findings[2].evidence.connector_output, s.attribute_examples);
  EXPECT_EQ(findings[3].severity, Severity::Error);
  EXPECT_EQ(findings[3].evidence.connector_output, s.dangling);
}

TEST(ProtocolFindingsTest, NoViolationsNoFinding) {
  Fixture f{.output = statusOutput("complete", "")};
  std::vector<Finding> out;
  addProtocolFindings(f.evidence(), out);
  EXPECT_TRUE(out.empty());
}

TEST(ProtocolFindingsTest, OneFindingQuotingAtMostTwentyViolationsRedacted) {
  Fixture f;
  for (std::size_t i = 1; i <= 30; ++i) {
    f.output.violations.push_back({i, "not a JSON value", std::string("leak ") + kSecret});
  }
  f.output.violations.push_back({0, "no status line", ""});
  f.output.violation_count = 150;
  std::vector<Finding> out;
  addProtocolFindings(f.evidence(), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "protocol-violation");
  EXPECT_EQ(out[0].severity, Severity::Error);
  EXPECT_EQ(out[0].detail, "150 lines broke connector protocol v1");
  ASSERT_EQ(out[0].evidence.connector_output.size(), 20u);
  EXPECT_EQ(out[0].evidence.connector_output[0], "stdout:1: not a JSON value | leak <redacted>");
}

TEST(ProtocolFindingsTest, StreamWideViolationIsQuotedWithoutLineNumber) {
  Fixture f;
  f.output.violations.push_back({0, "no status line", ""});
  f.output.violation_count = 1;
  std::vector<Finding> out;
  addProtocolFindings(f.evidence(), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].evidence.connector_output, std::vector<std::string>{"stdout: no status line"});
}

std::vector<Finding> processFindings(const ProcessResult& p) {
  Fixture f;
  f.process = p;
  std::vector<Finding> out;
  addProcessFindings(f.evidence(), out);
  return out;
}

ProcessResult exited(int code) {
  ProcessResult p;
  p.started = true;
  p.exit_code = code;
  return p;
}

TEST(ProcessFindingsTest, CleanExitHasNoFinding) {
  EXPECT_TRUE(processFindings(exited(0)).empty());
}

TEST(ProcessFindingsTest, ConnectorThatCouldNotStartIsAnError) {
  ProcessResult p;
  p.start_error = "cannot start '/x': not found";
  const auto out = processFindings(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "connector-start-failed");
  EXPECT_EQ(out[0].severity, Severity::Error);
  EXPECT_EQ(out[0].detail, "cannot start '/x': not found");
}

TEST(ProcessFindingsTest, NonZeroExitIsAnErrorWithTheCode) {
  const auto out = processFindings(exited(3));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "connector-exit-nonzero");
  EXPECT_EQ(out[0].detail, "exit code 3");
}

TEST(ProcessFindingsTest, DeathBySignalIsACrash) {
  ProcessResult p;
  p.started = true;
  p.term_signal = 11;
  const auto out = processFindings(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "connector-crashed");
  EXPECT_EQ(out[0].detail, "signal 11");
}

TEST(ProcessFindingsTest, TimeoutSaysWhetherSigkillWasNeeded) {
  ProcessResult p;
  p.started = true;
  p.timed_out = true;
  p.term_signal = 15;
  EXPECT_EQ(processFindings(p).at(0).detail, "killed with SIGTERM");
  p.needed_kill = true;
  p.term_signal = 9;
  const auto out = processFindings(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "connector-timeout");
  EXPECT_EQ(out[0].detail, "killed with SIGTERM, then SIGKILL");
}

TEST(ProcessFindingsTest, LeftoverProcessesAndStderrFloodAreWarningsWithRedactedTail) {
  ProcessResult p = exited(0);
  p.left_processes = true;
  p.stderr_truncated = true;
  p.stderr_bytes = 2000000;
  p.stderr_data = std::string("first\nsecret is ") + kSecret + "\n";
  const auto out = processFindings(p);
  EXPECT_EQ(idsOf(out), (std::vector<std::string>{"connector-left-processes", "stderr-flood"}));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].severity, Severity::Warning);
  EXPECT_EQ(out[1].detail, "2000000 bytes written; only the first part was kept");
  EXPECT_EQ(out[1].evidence.connector_output,
            (std::vector<std::string>{"first", "secret is <redacted>"}));
}

TEST(SecretFindingsTest, SecretInStdoutOrStderrIsCriticalPerStream) {
  Fixture f;
  f.process = exited(0);
  f.process.stdout_data = std::string("{\"token\":\"") + kSecret + "\"}\n";
  f.process.stderr_data = std::string("using ") + kSecret + "\n";
  std::vector<Finding> out;
  addSecretFindings(f.evidence(), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "secret-leak");
  EXPECT_EQ(out[0].severity, Severity::Critical);
  EXPECT_EQ(out[0].title, "A drill credential appeared in the connector's stdout");
  EXPECT_EQ(out[0].evidence.connector_output,
            std::vector<std::string>{"{\"token\":\"<redacted>\"}"});
  EXPECT_EQ(out[1].title, "A drill credential appeared in the connector's stderr");
  EXPECT_EQ(out[1].evidence.connector_output, std::vector<std::string>{"using <redacted>"});
}

TEST(SecretFindingsTest, IgnoresSecretsShorterThanEightCharacters) {
  Fixture f;
  f.process = exited(0);
  f.process.stderr_data = "a short word\n";  // "short" is among the secrets
  std::vector<Finding> out;
  addSecretFindings(f.evidence(), out);
  EXPECT_TRUE(out.empty());
}

reports::RevocationOutcome outcome(const std::string& outcome, bool privileged, bool non_human) {
  reports::RevocationOutcome o;
  o.action_id = "act-1";
  o.action = "remove_membership";
  o.account = "u-1";
  o.target = "g-1";
  o.privileged = privileged;
  o.non_human = non_human;
  o.claimed = outcome == "false-confirmation" ? "confirmed" : "failed";
  o.applied = outcome == "false-alarm";
  o.outcome = outcome;
  o.detail = "read-back ok";
  return o;
}

std::vector<Finding> revocationFindings(const std::vector<reports::RevocationOutcome>& outcomes) {
  Fixture f;
  f.output.lines = {R"({"type":"result","id":"act-1","outcome":"confirmed"})"};
  f.output.results = {{"act-1", "confirmed", "", 1}};
  f.journal = {request(1, "PATCH", "/scim/v2/Groups/g-1"),
               request(2, "GET", "/scim/v2/Groups/g-9")};
  std::vector<Finding> out;
  addRevocationFindings(f.evidence(), outcomes, out);
  return out;
}

// A killed run's claims: only its false confirmations become findings, each
// once across runs, marked with the run and quoting that run's line.
TEST(RevocationFindingsTest, AKilledRunsFalseConfirmationNamesTheRunOnce) {
  Fixture f;
  f.output.lines = {R"({"type":"result","id":"act-1","outcome":"confirmed"})"};
  f.output.results = {{"act-1", "confirmed", "", 1}};
  auto honest = outcome("honest-failure", false, false);
  honest.action_id = "act-2";
  auto already = outcome("false-confirmation", false, false);
  already.action_id = "act-3";
  std::set<std::string> flagged = {"act-3"};
  std::vector<Finding> out;
  addKilledRunClaimFindings(f.evidence(), 1, 2,
                            {outcome("false-confirmation", true, false), honest, already}, flagged,
                            out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "false-confirmation");
  EXPECT_EQ(out[0].severity, Severity::Critical);
  EXPECT_EQ(out[0].title,
            "remove_membership act-1 confirmed but access remains, as printed by run 1 of 2 "
            "before a fault killed it");
  EXPECT_EQ(out[0].evidence.connector_output,
            std::vector<std::string>{
                R"(run 1 of 2 stdout:1: {"type":"result","id":"act-1","outcome":"confirmed"})"});
  EXPECT_EQ(flagged, (std::set<std::string>{"act-1", "act-3"}));
  // A later killed run repeating the same lie adds nothing.
  out.clear();
  addKilledRunClaimFindings(f.evidence(), 2, 3, {outcome("false-confirmation", true, false)},
                            flagged, out);
  EXPECT_TRUE(out.empty());
}

TEST(RevocationFindingsTest, FalseConfirmationIsCriticalWithEvidence) {
  const auto out = revocationFindings({outcome("false-confirmation", true, true)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "false-confirmation");
  EXPECT_EQ(out[0].severity, Severity::Critical);
  EXPECT_EQ(out[0].title, "remove_membership act-1 confirmed but access remains");
  EXPECT_EQ(out[0].detail, "u-1 / g-1 (privileged non-human): read-back ok");
  EXPECT_EQ(out[0].evidence.journal,
            std::vector<std::string>{"#1 +10ms PATCH /scim/v2/Groups/g-1 -> 200 100B tok-1"});
  EXPECT_EQ(out[0].evidence.connector_output,
            std::vector<std::string>{
                R"(stdout:1: {"type":"result","id":"act-1","outcome":"confirmed"})"});
}

TEST(RevocationFindingsTest, DescribesAccountKindOnlyWhenNotOrdinary) {
  EXPECT_EQ(revocationFindings({outcome("false-confirmation", false, false)}).at(0).detail,
            "u-1 / g-1: read-back ok");
  EXPECT_EQ(revocationFindings({outcome("false-confirmation", true, false)}).at(0).detail,
            "u-1 / g-1 (privileged): read-back ok");
  EXPECT_EQ(revocationFindings({outcome("false-confirmation", false, true)}).at(0).detail,
            "u-1 / g-1 (non-human): read-back ok");
}

TEST(RevocationFindingsTest, SeverityFollowsTheOutcome) {
  const auto out = revocationFindings(
      {outcome("confirmed", false, false), outcome("honest-failure", false, false),
       outcome("false-alarm", false, false), outcome("unconfirmed-applied", false, false),
       outcome("unreported", false, false)});
  EXPECT_EQ(idsOf(out), (std::vector<std::string>{"revocation-failed", "false-alarm",
                                                  "unconfirmed-applied", "revocation-unreported"}));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].severity, Severity::Error);
  EXPECT_EQ(out[1].severity, Severity::Warning);
  EXPECT_EQ(out[2].severity, Severity::Warning);
  EXPECT_EQ(out[3].severity, Severity::Error);
}

Finding withSeverity(Severity s) {
  Finding f;
  f.severity = s;
  return f;
}

TEST(VerdictTest, NoFindingsPasses) {
  std::string reason;
  EXPECT_EQ(decideVerdict({}, reason), Verdict::Passed);
  EXPECT_EQ(reason, "no finding at error or critical severity");
}

TEST(VerdictTest, InfoAndWarningStillPass) {
  std::string reason;
  EXPECT_EQ(decideVerdict({withSeverity(Severity::Info), withSeverity(Severity::Warning)}, reason),
            Verdict::Passed);
  EXPECT_EQ(reason, "no finding at error or critical severity");
}

TEST(VerdictTest, OneErrorFails) {
  std::string reason;
  EXPECT_EQ(decideVerdict({withSeverity(Severity::Warning), withSeverity(Severity::Error)}, reason),
            Verdict::Failed);
  EXPECT_EQ(reason, "0 critical and 1 error finding");
}

TEST(VerdictTest, CriticalFailsAndIsCountedSeparately) {
  std::string reason;
  EXPECT_EQ(decideVerdict({withSeverity(Severity::Critical), withSeverity(Severity::Error),
                           withSeverity(Severity::Critical)},
                          reason),
            Verdict::Failed);
  EXPECT_EQ(reason, "2 critical and 1 error finding");
}

}  // namespace
}  // namespace faultline::harness
