// The acceptance policy: how fragments stack, what each key does to a
// finding, the verdict and failure classes that follow, and policy files.
#include "harness/policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/scorers/behaviour.h"
#include "scenarios/acceptance.h"
#include "scenarios/config_error.h"
#include "tests/harness/cli_run.h"

namespace faultline::harness {
namespace {

using reports::Finding;
using reports::Severity;
using reports::Verdict;

Finding finding(const std::string& id, Severity s, const std::string& metric,
                const std::string& op = "sync-1", const std::string& title = "") {
  Finding f;
  f.id = id;
  f.severity = s;
  f.metric = metric;
  f.operation = op;
  f.title = title;
  return f;
}

Finding measured(Finding f, const std::string& name, double value, const std::string& unit) {
  f.measures.push_back({name, value, std::nullopt, unit});
  return f;
}

// One sync that declared `status` with `reason`; accounts at `recall`.
reports::Report syncReport(const std::string& status, const std::string& reason,
                           double recall = 0.5, double precision = 1.0) {
  reports::Report r;
  reports::OperationReport op;
  op.label = "sync-1";
  op.kind = "sync";
  op.declared_status = status;
  op.declared_reason = reason;
  reports::TypeScore accounts;
  accounts.type = "account";
  accounts.recall = recall;
  accounts.precision = precision;
  reports::TypeScore groups;
  groups.type = "group";
  op.completeness = {accounts, groups};
  r.operations.push_back(op);
  return r;
}

reports::PolicySummary policy(const std::string& json_text) {
  scenarios::Scenario s;
  s.name = "drift";
  const auto file = scenarios::parsePolicyFile(json_text, "p.json");
  return resolvePolicy(s, &file);
}

TEST(PolicyTest, BuiltInDefaultFailsAnHonestPartial) {
  auto r = syncReport("partial", "Users: 3 records without userName");
  r.findings.push_back(finding("declared-incomplete", Severity::Error, "completeness.accounts"));
  applyPolicy(resolvePolicy(scenarios::Scenario{}, nullptr), r);
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.findings[0].severity, Severity::Error);
  EXPECT_EQ(r.findings[0].policy, "");
  EXPECT_EQ(r.failure_classes, std::vector<std::string>{"partial-success"});
  EXPECT_EQ(r.policy.sources, std::vector<std::string>{"built-in"});
}

TEST(PolicyTest, AcceptedHonestPartialIsInformationalAndPasses) {
  auto r = syncReport("partial", "Users: 3 records without userName");
  r.findings.push_back(finding("declared-incomplete", Severity::Error, "completeness.accounts"));
  r.findings.push_back(finding("phantom-records", Severity::Error, "completeness.accounts"));
  applyPolicy(policy(R"({"faultline_policy":1,"honest_partial":"accept"})"), r);
  EXPECT_EQ(r.verdict, Verdict::Passed) << r.verdict_reason;
  for (const auto& f : r.findings) {
    EXPECT_EQ(f.severity, Severity::Info) << f.id;
    EXPECT_EQ(f.policy,
              "accepted: the connector declared partial and said why (honest_partial: accept) "
              "(error -> info)");
  }
  EXPECT_TRUE(r.failure_classes.empty());
}

TEST(PolicyTest, HonestPartialAboutAnotherTypeIsNotAccepted) {
  auto r = syncReport("partial", "Entitlements: 403");
  r.findings.push_back(finding("phantom-records", Severity::Error, "completeness.groups"));
  applyPolicy(policy(R"({"faultline_policy":1,"honest_partial":"accept"})"), r);
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.findings[0].severity, Severity::Error);
}

TEST(PolicyTest, SilentLossIsNeverAnHonestPartial) {
  auto r = syncReport("complete", "");
  r.findings.push_back(finding("silent-loss", Severity::Critical, "completeness.accounts"));
  applyPolicy(policy(R"({"faultline_policy":1,"honest_partial":"accept"})"), r);
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.findings[0].severity, Severity::Critical);
}

TEST(PolicyTest, RecallWithinToleranceIsAWarning) {
  auto within = syncReport("complete", "", 0.995);
  within.findings.push_back(finding("silent-loss", Severity::Critical, "completeness.accounts"));
  applyPolicy(policy(R"({"faultline_policy":1,"min_recall":0.99})"), within);
  EXPECT_EQ(within.verdict, Verdict::Passed);
  EXPECT_EQ(within.findings[0].severity, Severity::Warning);
  EXPECT_EQ(within.findings[0].policy,
            "recall 0.995 within min_recall 0.990 (critical -> warning)");
  auto beyond = syncReport("complete", "", 0.98);
  beyond.findings.push_back(finding("silent-loss", Severity::Critical, "completeness.accounts"));
  applyPolicy(policy(R"({"faultline_policy":1,"min_recall":0.99})"), beyond);
  EXPECT_EQ(beyond.verdict, Verdict::Failed);
}

TEST(PolicyTest, PrecisionAndRetryAfterTolerances) {
  auto r = syncReport("complete", "", 1.0, 0.97);
  r.findings.push_back(finding("phantom-records", Severity::Error, "completeness.accounts"));
  r.findings.push_back(
      measured(finding("retry-after-violation", Severity::Error, "behaviour.retry_after", "sync-1",
                       "3 requests sent before an announced Retry-After"),
               "early_requests", 3, "requests"));
  applyPolicy(
      policy(R"({"faultline_policy":1,"min_precision":0.95,"max_retry_after_violations":3})"), r);
  EXPECT_EQ(r.verdict, Verdict::Passed);
  auto strict = syncReport("complete", "", 1.0, 0.97);
  strict.findings.push_back(
      measured(finding("retry-after-violation", Severity::Error, "behaviour.retry_after", "sync-1",
                       "4 requests sent before an announced Retry-After"),
               "early_requests", 4, "requests"));
  applyPolicy(policy(R"({"faultline_policy":1,"max_retry_after_violations":3})"), strict);
  EXPECT_EQ(strict.verdict, Verdict::Failed);
  EXPECT_EQ(strict.failure_classes, std::vector<std::string>{"unsafe-behaviour"});
  ASSERT_EQ(strict.findings[0].measures.size(), 1u);
  EXPECT_EQ(strict.findings[0].measures[0].limit, 3.0) << "the policy records the limit it applied";
}

TEST(PolicyTest, RetryAfterToleranceReadsTheMeasureNotTheTitle) {
  // The title says 2, the measure 5: the measure is what the scorer counted.
  auto r = syncReport("complete", "", 1.0);
  r.findings.push_back(
      measured(finding("retry-after-violation", Severity::Error, "behaviour.retry_after", "sync-1",
                       "2 requests sent before an announced Retry-After"),
               "early_requests", 5, "requests"));
  applyPolicy(policy(R"({"faultline_policy":1,"max_retry_after_violations":3})"), r);
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.findings[0].severity, Severity::Error);

  // Without a measure nothing is known to be within the tolerance.
  auto unmeasured = syncReport("complete", "", 1.0);
  unmeasured.findings.push_back(finding("retry-after-violation", Severity::Error,
                                        "behaviour.retry_after", "sync-1",
                                        "1 request sent before an announced Retry-After"));
  applyPolicy(policy(R"({"faultline_policy":1,"max_retry_after_violations":3})"), unmeasured);
  EXPECT_EQ(unmeasured.findings[0].severity, Severity::Error);
  EXPECT_EQ(unmeasured.findings[0].policy, "");

  auto within = syncReport("complete", "", 1.0);
  within.findings.push_back(measured(finding("retry-after-violation", Severity::Error,
                                             "behaviour.retry_after", "sync-1", "retried early"),
                                     "early_requests", 2, "requests"));
  applyPolicy(policy(R"({"faultline_policy":1,"max_retry_after_violations":3})"), within);
  EXPECT_EQ(within.verdict, Verdict::Passed);
  EXPECT_EQ(within.findings[0].policy, "2 within max_retry_after_violations 3 (error -> warning)");
}

TEST(PolicyTest, ExplicitSeverityWins) {
  auto r = syncReport("complete", "", 1.0);
  r.findings.push_back(finding("duplicate-records", Severity::Warning, "completeness.accounts"));
  applyPolicy(policy(R"({"faultline_policy":1,"severity":{"duplicate-records":"error"}})"), r);
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.findings[0].policy, "severity set by policy (warning -> error)");
}

TEST(PolicyTest, InconclusiveCanBeLetThrough) {
  auto r = syncReport("complete", "", 1.0);
  r.findings.push_back(finding("fault-not-fired", Severity::Warning, "instrument", ""));
  applyPolicy(resolvePolicy(scenarios::Scenario{}, nullptr), r);
  EXPECT_EQ(r.verdict, Verdict::Inconclusive);
  EXPECT_FALSE(acceptedForExit(r));
  applyPolicy(policy(R"({"faultline_policy":1,"inconclusive":"pass"})"), r);
  EXPECT_EQ(r.verdict, Verdict::Inconclusive) << "the verdict stays what it is";
  EXPECT_TRUE(acceptedForExit(r));
}

TEST(PolicyTest, FailureClassesNameTheKindOfTrustBroken) {
  auto r = syncReport("complete", "", 1.0);
  r.operations[0].auth_trouble = "last API answer 401 to GET /scim/v2/Groups";
  reports::OperationReport revoke;
  revoke.label = "revoke-1";
  r.operations.push_back(revoke);
  r.findings.push_back(finding("silent-loss", Severity::Critical, "completeness.groups"));
  r.findings.push_back(finding("false-confirmation", Severity::Critical, "revocation", "revoke-1"));
  r.findings.push_back(finding("secret-leak", Severity::Critical, "behaviour.secret_hygiene"));
  r.findings.push_back(finding("connector-crashed", Severity::Error, "process"));
  r.findings.push_back(finding("duplicate-records", Severity::Warning, "completeness.grants"));
  applyPolicy(resolvePolicy(scenarios::Scenario{}, nullptr), r);
  EXPECT_EQ(r.failure_classes,
            (std::vector<std::string>{"partial-success", "write-failure", "authentication-failure",
                                      "credential-exposure", "connector-fault"}));
}

TEST(PolicyTest, FragmentsStackScenarioThenFileThenFilesScenarioEntry) {
  scenarios::Scenario s;
  s.name = "drift";
  s.acceptance.accept_honest_partial = true;
  s.acceptance.min_recall = 0.9;
  const auto file = scenarios::parsePolicyFile(
      R"({"faultline_policy":1,"min_recall":0.95,"scenarios":{"drift":{"min_recall":0.99},)"
      R"("other":{"honest_partial":"fail"}}})",
      "ci.json");
  const auto p = resolvePolicy(s, &file);
  EXPECT_TRUE(p.accept_honest_partial);
  EXPECT_DOUBLE_EQ(p.min_recall, 0.99);
  EXPECT_EQ(p.sources, (std::vector<std::string>{"built-in", "scenario drift", "ci.json",
                                                 "ci.json#/scenarios/drift"}));
}

std::string policyError(const std::string& text) {
  try {
    scenarios::parsePolicyFile(text, "p.json");
  } catch (const scenarios::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// A multi-round sync: findings of round N name "LABEL round N" and are
// judged by that round's status, reason and lowest recall.
TEST(PolicyTest, JudgesARoundsFindingsByThatRound) {
  auto r = syncReport("complete", "");
  reports::RoundReport partial;
  partial.round = 1;
  partial.declared_status = "partial";
  partial.declared_reason = "Users: HTTP 503";
  partial.recall = 0.2;
  reports::RoundReport complete;
  complete.round = 2;
  complete.declared_status = "complete";
  complete.recall = 0.995;
  r.operations[0].rounds = {partial, complete};
  r.findings = {
      finding("declared-incomplete", Severity::Error, "completeness.accounts", "sync-1 round 1"),
      finding("silent-loss", Severity::Critical, "completeness.accounts", "sync-1 round 2"),
      finding("declared-incomplete", Severity::Error, "completeness.accounts", "sync-1 round 3")};
  applyPolicy(policy(R"({"faultline_policy":1,"honest_partial":"accept","min_recall":0.99})"), r);
  EXPECT_EQ(r.findings[0].severity, Severity::Info);
  EXPECT_EQ(r.findings[0].policy,
            "accepted: the connector declared partial and said why (honest_partial: accept) "
            "(error -> info)");
  EXPECT_EQ(r.findings[1].severity, Severity::Warning);
  EXPECT_EQ(r.findings[1].policy, "recall 0.995 within min_recall 0.990 (critical -> warning)");
  EXPECT_EQ(r.findings[2].severity, Severity::Error);  // no such round: nothing to judge by
}

TEST(PolicyTest, FreshnessFindingsAreStaleData) {
  auto r = syncReport("complete", "");
  r.findings = {finding("leaver-shown-active", Severity::Critical, "freshness.leavers")};
  applyPolicy(resolvePolicy(scenarios::Scenario{}, nullptr), r);
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.failure_classes, std::vector<std::string>{"stale-data"});
}

// ---- max_amplification -------------------------------------------------------

// A sync that sent three times its minimum, as the behaviour scorer says it.
reports::Report amplifiedSync() {
  auto r = syncReport("complete", "", 1.0);
  r.operations[0].amplification = 3.0;
  r.operations[0].minimum_requests = 4;
  r.findings.push_back(
      measured(finding("request-amplification", Severity::Warning, "behaviour.amplification",
                       "sync-1", "The sync sent 12 requests, 3.00 times the minimum of 4"),
               "amplification", 3.0, "ratio"));
  return r;
}

TEST(PolicyTest, AmplificationIsJudgedByMaxAmplification) {
  auto by_default = amplifiedSync();
  applyPolicy(resolvePolicy(scenarios::Scenario{}, nullptr), by_default);
  EXPECT_DOUBLE_EQ(by_default.policy.max_amplification, kDefaultMaxAmplification);
  EXPECT_TRUE(by_default.findings.empty()) << "3 is within the default 4";
  EXPECT_EQ(by_default.verdict, Verdict::Passed);

  auto strict = amplifiedSync();
  applyPolicy(policy(R"({"faultline_policy":1,"max_amplification":2})"), strict);
  ASSERT_EQ(strict.findings.size(), 1u);
  EXPECT_EQ(strict.findings[0].severity, Severity::Warning);
  EXPECT_EQ(strict.findings[0].policy, "3.00 above max_amplification 2.00");
  EXPECT_EQ(strict.findings[0].measures[0].limit, 2.0);
  EXPECT_EQ(strict.verdict, Verdict::Passed) << "a warning, as by default";

  // A gate that wants amplification to fail a drill raises its severity too.
  const std::string gate =
      R"({"faultline_policy":1,"max_amplification":2,"severity":{"request-amplification":"error"}})";
  auto gated = amplifiedSync();
  applyPolicy(policy(gate), gated);
  EXPECT_EQ(gated.verdict, Verdict::Failed);
  EXPECT_EQ(gated.failure_classes, std::vector<std::string>{"unsafe-behaviour"});
  auto gated_default = amplifiedSync();
  applyPolicy(policy(R"({"faultline_policy":1,"severity":{"request-amplification":"error"}})"),
              gated_default);
  EXPECT_EQ(gated_default.verdict, Verdict::Passed) << "3 is within the default 4";
}

TEST(PolicyTest, LooserMaxAmplificationDropsWhatTheDefaultWouldKeep) {
  auto r = syncReport("complete", "", 1.0);
  r.findings.push_back(
      measured(finding("request-amplification", Severity::Warning, "behaviour.amplification",
                       "sync-1 round 2", "The sync sent 9 requests, 4.50 times the minimum of 2"),
               "amplification", 4.5, "ratio"));
  auto by_default = r;
  applyPolicy(resolvePolicy(scenarios::Scenario{}, nullptr), by_default);
  ASSERT_EQ(by_default.findings.size(), 1u);
  EXPECT_EQ(by_default.findings[0].policy, "") << "the default limit needs no note";
  applyPolicy(policy(R"({"faultline_policy":1,"max_amplification":4.5})"), r);
  EXPECT_TRUE(r.findings.empty()) << "at the limit is within it";
}

TEST(PolicyTest, AmplificationIsJudgedByTheExactMeasuredRatio) {
  // 10 / 3 prints as 3.33 in a title; a limit of 3.335 lies between the two.
  auto r = syncReport("complete", "", 1.0);
  r.findings.push_back(
      measured(finding("request-amplification", Severity::Warning, "behaviour.amplification",
                       "sync-1", "The sync sent 10 requests, 3.33 times the minimum of 3"),
               "amplification", 10.0 / 3.0, "ratio"));
  auto above = r;
  applyPolicy(policy(R"({"faultline_policy":1,"max_amplification":3.333})"), above);
  ASSERT_EQ(above.findings.size(), 1u);
  applyPolicy(policy(R"({"faultline_policy":1,"max_amplification":3.334})"), r);
  EXPECT_TRUE(r.findings.empty());
}

TEST(PolicyTest, AmplificationWithoutAMeasureStands) {
  // A finding the behaviour scorer did not write (no measured ratio) is
  // never dropped on the strength of its title.
  auto r = syncReport("complete", "", 1.0);
  r.findings.push_back(finding("request-amplification", Severity::Warning,
                               "behaviour.amplification", "sync-1",
                               "The sync sent 5 requests, 1.25 times the minimum of 4"));
  applyPolicy(resolvePolicy(scenarios::Scenario{}, nullptr), r);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].policy, "");
}

TEST(PolicyTest, MaxAmplificationStacksLikeEveryKey) {
  scenarios::Scenario s;
  s.name = "drift";
  s.acceptance.max_amplification = 6.0;
  EXPECT_DOUBLE_EQ(resolvePolicy(s, nullptr).max_amplification, 6.0);
  EXPECT_EQ(resolvePolicy(s, nullptr).sources,
            (std::vector<std::string>{"built-in", "scenario drift"}));
  const auto file = scenarios::parsePolicyFile(
      R"({"faultline_policy":1,"scenarios":{"drift":{"max_amplification":1.5}}})", "ci.json");
  EXPECT_DOUBLE_EQ(resolvePolicy(s, &file).max_amplification, 1.5);
}

TEST(PolicyTest, AGateCanFailAConfirmationWithoutReadBack) {
  auto r = syncReport("complete", "", 1.0);
  reports::OperationReport revoke;
  revoke.label = "revoke-1";
  r.operations.push_back(revoke);
  r.findings = {
      finding("read-back-missing", Severity::Warning, "revocation.read_back", "revoke-1")};
  applyPolicy(resolvePolicy(scenarios::Scenario{}, nullptr), r);
  EXPECT_EQ(r.verdict, Verdict::Passed) << "a warning by default";
  applyPolicy(policy(R"({"faultline_policy":1,"severity":{"read-back-missing":"error"}})"), r);
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_EQ(r.failure_classes, std::vector<std::string>{"write-failure"});
}

TEST(PolicyFileTest, RejectsBadKeysAndValuesNamingThePointer) {
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"max_amplification":0.5})"),
            "p.json:/max_amplification: must be in [1,1000], got 0.5");
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"max_amplification":"4"})"),
            "p.json:/max_amplification: must be a number, got a string");
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"honest_partial":"maybe"})"),
            "p.json:/honest_partial: must be \"accept\" or \"fail\", got \"maybe\"");
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"min_recall":1.5})"),
            "p.json:/min_recall: must be in [0,1], got 1.5");
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"severity":{"silent-los":"info"}})"),
            "p.json:/severity/silent-los: unknown finding id; docs/scoring.md lists them");
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"severity":{"silent-loss":"fatal"}})"),
            "p.json:/severity/silent-loss: must be one of info, warning, error, critical, got "
            "\"fatal\"");
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"scenarios":{"a/b":{"colour":1}}})").substr(0, 40),
            "p.json:/scenarios/a~1b/colour: unknown k");
  EXPECT_EQ(
      policyError(R"({"faultline_policy":2})"),
      "p.json:/faultline_policy: unsupported policy version 2; this faultline reads version 1");
  EXPECT_EQ(policyError(R"({"honest_partial":"accept"})"), "p.json:/faultline_policy: is required");
}

TEST(PolicyFileTest, AnUnknownKeyListsEveryAllowedKey) {
  constexpr const char* kAllowed =
      "$schema, faultline_policy, honest_partial, inconclusive, max_amplification, "
      "max_retry_after_violations, min_precision, min_recall, reason, scenarios, severity";
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"min_recal":0.9})"),
            std::string("p.json:/min_recal: unknown key; allowed: ") + kAllowed);
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"scenarios":{"a":{"colour":1}}})"),
            "p.json:/scenarios/a/colour: unknown key; allowed: honest_partial, inconclusive, "
            "max_amplification, max_retry_after_violations, min_precision, min_recall, reason, "
            "severity");
}

// Every key, given a value of the wrong type, is named by its pointer; none
// aborts the loader.
TEST(PolicyFileTest, RejectsEveryKeyOfTheWrongType) {
  const std::vector<std::string> keys = {"honest_partial",
                                         "inconclusive",
                                         "min_recall",
                                         "min_precision",
                                         "max_retry_after_violations",
                                         "max_amplification",
                                         "severity",
                                         "reason",
                                         "scenarios"};
  for (const auto& key : keys) {
    for (const std::string value : {"[1]", "null", "{\"a\":1}", "true"}) {
      if (value[0] == '{' && (key == "severity" || key == "scenarios")) continue;
      const std::string text = R"({"faultline_policy":1,")" + key + "\":" + value + "}";
      const std::string error = policyError(text);
      EXPECT_EQ(error.rfind("p.json:/" + key + ": must be", 0), 0u) << text << "\n" << error;
      const std::string nested =
          R"({"faultline_policy":1,"scenarios":{"s":{")" + key + "\":" + value + "}}}";
      if (key == "scenarios") continue;
      EXPECT_EQ(policyError(nested).rfind("p.json:/scenarios/s/" + key + ": must be", 0), 0u)
          << nested << "\n"
          << policyError(nested);
    }
  }
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"severity":{"silent-loss":3}})"),
            "p.json:/severity/silent-loss: must be one of info, warning, error, critical, got 3");
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"scenarios":{"s":[]}})"),
            "p.json:/scenarios/s: must be an object, got an array");
  EXPECT_EQ(policyError(R"({"faultline_policy":"1"})"),
            "p.json:/faultline_policy: must be an integer, got a string");
  EXPECT_EQ(policyError("[]"), "p.json: must be an object, got an array");
}

TEST(PolicyFileTest, RefusesDeepNestingWithoutOverflowingTheStack) {
  // 100,000 levels once overflowed the stack while the policy was copied.
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const std::string limit =
      "p.json: arrays and objects nested deeper than 128 levels; faultline reads at most 128";
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"x":)" + deep + "}"), limit);
  EXPECT_EQ(policyError(deep), limit);
}

TEST(PolicyFileTest, RefusesADuplicateKey) {
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"min_recall":0.5,"min_recall":0.9})"),
            "p.json:/min_recall: duplicate key; each key may appear once in an object");
}

// ---- exemptions and their reasons ------------------------------------------

TEST(PolicyFileTest, ReadsAReasonAtTheTopAndInEachScenario) {
  const auto file = scenarios::parsePolicyFile(
      R"({"faultline_policy":1,"reason":"a gate","scenarios":{"drift":{"honest_partial":"accept",)"
      R"("reason":"nothing can map a renamed field"},"other":{"min_recall":0.5}}})",
      "p.json");
  EXPECT_EQ(file.global.reason, std::optional<std::string>("a gate"));
  EXPECT_EQ(file.scenarios.at("drift").reason,
            std::optional<std::string>("nothing can map a renamed field"));
  EXPECT_EQ(file.scenarios.at("other").reason, std::nullopt);
}

TEST(PolicyFileTest, RejectsAReasonThatIsNotAString) {
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"reason":42})"),
            "p.json:/reason: must be a string, got 42");
  EXPECT_EQ(policyError(R"({"faultline_policy":1,"scenarios":{"s":{"reason":["x"]}}})"),
            "p.json:/scenarios/s/reason: must be a string, got an array");
}

TEST(PolicyFileTest, WarnsAboutEachRelaxationWithoutAReason) {
  const auto file = scenarios::parsePolicyFile(
      R"({"faultline_policy":1,"min_recall":0.9,"severity":{"silent-loss":"warning",)"
      R"("duplicate-records":"error"},"scenarios":{"drift":{"honest_partial":"accept"},)"
      R"("ok":{"honest_partial":"accept","reason":"why"},"strict":{"honest_partial":"fail"},)"
      R"("let":{"inconclusive":"pass","min_precision":0.5,"max_retry_after_violations":2,)"
      R"("max_amplification":8,"reason":""}}})",
      "p.json");
  EXPECT_EQ(scenarios::unexplainedRelaxations(file),
            (std::vector<std::string>{
                "p.json:/: warning: min_recall below 1 has no \"reason\"",
                "p.json:/: warning: severity of silent-loss set to warning has no \"reason\"",
                "p.json:/scenarios/drift: warning: honest_partial \"accept\" has no \"reason\"",
                "p.json:/scenarios/let: warning: inconclusive \"pass\" has no \"reason\"",
                "p.json:/scenarios/let: warning: min_precision below 1 has no \"reason\"",
                "p.json:/scenarios/let: warning: max_retry_after_violations above 0 has no "
                "\"reason\"",
                "p.json:/scenarios/let: warning: max_amplification above the default has no "
                "\"reason\""}));
}

TEST(PolicyTest, RecordsTheExemptionAPassRestsOnWithItsReason) {
  auto r = syncReport("partial", "Users: 3 records without userName");
  r.findings.push_back(finding("declared-incomplete", Severity::Error, "completeness.accounts"));
  r.findings.push_back(finding("duplicate-records", Severity::Warning, "completeness.accounts"));
  applyPolicy(policy(R"({"faultline_policy":1,"scenarios":{"drift":{"honest_partial":"accept",)"
                     R"("reason":"no connector can map a renamed field"}}})"),
              r);
  EXPECT_EQ(r.verdict, Verdict::Passed);
  ASSERT_EQ(r.exemptions.size(), 1u);
  EXPECT_EQ(r.exemptions[0].rule, "honest_partial");
  EXPECT_EQ(r.exemptions[0].text, "honest partial accepted");
  EXPECT_EQ(r.exemptions[0].source, "p.json#/scenarios/drift");
  EXPECT_EQ(r.exemptions[0].reason, "no connector can map a renamed field");
  // The warning was never failing: only the error it excused is listed.
  EXPECT_EQ(r.exemptions[0].findings, std::vector<std::string>{"declared-incomplete"});
}

TEST(PolicyTest, AnExemptionWithoutAReasonKeepsAnEmptyReason) {
  auto r = syncReport("complete", "", 0.995);
  r.findings.push_back(finding("silent-loss", Severity::Critical, "completeness.accounts"));
  r.findings.push_back(finding("protocol-violation", Severity::Error, "protocol"));
  applyPolicy(policy(R"({"faultline_policy":1,"min_recall":0.99,)"
                     R"("severity":{"protocol-violation":"info"}})"),
              r);
  EXPECT_EQ(r.verdict, Verdict::Passed);
  ASSERT_EQ(r.exemptions.size(), 2u);
  EXPECT_EQ(r.exemptions[0].rule, "min_recall");
  EXPECT_EQ(r.exemptions[0].text, "recall tolerated down to min_recall 0.990");
  EXPECT_EQ(r.exemptions[0].source, "p.json");
  EXPECT_EQ(r.exemptions[0].reason, "");
  EXPECT_EQ(r.exemptions[1].rule, "severity/protocol-violation");
  EXPECT_EQ(r.exemptions[1].text, "severity of protocol-violation set to info");
}

TEST(PolicyTest, NoExemptionWhenNothingWasExcused) {
  auto strict = syncReport("complete", "");
  strict.findings.push_back(finding("duplicate-records", Severity::Warning, "completeness.groups"));
  applyPolicy(policy(R"({"faultline_policy":1,"honest_partial":"accept","min_recall":0.5})"),
              strict);
  EXPECT_EQ(strict.verdict, Verdict::Passed);
  EXPECT_TRUE(strict.exemptions.empty());
  // A relaxation that lowers a finding which still fails the drill excuses
  // nothing either: error to critical is not below error.
  auto failed = syncReport("complete", "");
  failed.findings.push_back(finding("protocol-violation", Severity::Critical, "protocol"));
  applyPolicy(policy(R"({"faultline_policy":1,"severity":{"protocol-violation":"error"}})"),
              failed);
  EXPECT_TRUE(failed.exemptions.empty());
}

TEST(PolicyTest, AnInconclusiveDrillLetPassIsAnExemption) {
  scenarios::Scenario s;
  s.name = "drift";
  s.acceptance.pass_inconclusive = true;
  s.acceptance.reason = "the fault is rare by design";
  auto r = syncReport("complete", "", 1.0);
  r.findings.push_back(finding("fault-not-fired", Severity::Warning, "instrument", ""));
  applyPolicy(resolvePolicy(s, nullptr), r);
  EXPECT_EQ(r.verdict, Verdict::Inconclusive);
  ASSERT_EQ(r.exemptions.size(), 1u);
  EXPECT_EQ(r.exemptions[0].rule, "inconclusive");
  EXPECT_EQ(r.exemptions[0].source, "scenario drift");
  EXPECT_EQ(r.exemptions[0].reason, "the fault is rare by design");
  EXPECT_EQ(r.policy.reasons.at("scenario drift"), "the fault is rare by design");
}

TEST(PolicyFileTest, ValidateWarnsAboutARelaxationWithoutAReasonButAcceptsTheFile) {
  const std::string dir = testing::freshDir("validate_reasons");
  const std::string policy = testing::writeFile(
      dir + "/policy.json",
      R"({"faultline_policy":1,"scenarios":{"schema-drift":{"honest_partial":"accept"}}})");
  const auto run = testing::cli({"validate", policy});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, policy + ": valid acceptance policy\n");
  EXPECT_EQ(run.err, policy +
                         ":/scenarios/schema-drift: warning: honest_partial \"accept\" has no "
                         "\"reason\"\n");
  const std::string scenario = testing::writeFile(
      dir + "/scenario.json",
      R"({"faultline_scenario":1,"name":"s","seed":1,"tenant":{"accounts":3},)"
      R"("acceptance":{"inconclusive":"pass"},"operations":[{"op":"sync","label":"sync-1"}]})");
  const auto s = testing::cli({"validate", scenario});
  EXPECT_EQ(s.code, 0) << s.err;
  EXPECT_EQ(s.err, scenario + ":/acceptance: warning: inconclusive \"pass\" has no \"reason\"\n");
}

TEST(PolicyFileTest, EveryShippedPolicyAndScenarioGivesItsRelaxationsAReason) {
  std::vector<std::string> files = {std::string(FAULTLINE_SOURCE_DIR) +
                                    "/examples/policies/ci-gate.json"};
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(FAULTLINE_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::vector<std::string> args = {"validate"};
  args.insert(args.end(), files.begin(), files.end());
  const auto run = testing::cli(args);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  // The shipped scenarios that accept an honest partial say why.
  const auto drift =
      scenarios::loadScenario(std::string(FAULTLINE_SOURCE_DIR) + "/scenarios/schema_drift.json");
  ASSERT_TRUE(drift.acceptance.reason.has_value());
  EXPECT_NE(drift.acceptance.reason->find("no connector can map"), std::string::npos);
}

}  // namespace
}  // namespace faultline::harness
