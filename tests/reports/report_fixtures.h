#pragma once

// Fixed drill reports for the report writer tests: a passed, a failed and an
// inconclusive drill. Every time and duration is a fixed value, so rendered
// output can be compared byte for byte with the goldens in golden/. The
// failed drill carries text each writer must escape: quotes, <, &, |,
// backticks, non-ASCII names, control characters, bytes that are not UTF-8
// and a 10 kB evidence line.

#include <string>

#include "reports/report.h"

namespace faultline::reports::fixtures {

inline Report baseReport(const std::string& scenario, std::uint64_t seed) {
  Report r;
  r.tool_version = "0.1.0";
  r.drill_id = "drill-" + std::to_string(100000 + seed);
  r.seed = seed;
  r.started_at = "2026-03-14T09:26:53Z";
  r.duration_ms = 4321;
  r.scenario.name = scenario;
  r.scenario.file = "scenarios/" + scenario + ".json";
  r.scenario.description = "A fixture for the report writer tests.";
  r.scenario.dialect = "scim";
  r.scenario.accounts = 40;
  r.scenario.groups = 6;
  r.scenario.entitlements = 5;
  r.connector.name = "acme-scim";
  r.connector.version = "2.3.1";
  r.connector.manifest_path = "connectors/acme/manifest.json";
  r.connector.command = "connector.py";
  r.connector.args = {"{operation}"};
  r.connector.env = {{"CLIENT_SECRET", "{client_secret}"}, {"API_TOKEN", "<redacted>"}};
  r.journal_requests = 23;
  r.journal_file = "out/" + scenario + "-seed" + std::to_string(seed) + ".journal.jsonl";
  r.replay_command = "faultline run --connector connectors/acme/manifest.json --scenario " +
                     r.scenario.file + " --seed " + std::to_string(seed);
  return r;
}

inline TypeScore perfectScore(const std::string& type, std::size_t n) {
  TypeScore t;
  t.type = type;
  t.expected = t.returned = t.matched = n;
  return t;
}

inline OperationReport syncOperation(const std::string& label, std::int64_t started_ms) {
  OperationReport o;
  o.label = label;
  o.kind = "sync";
  o.started_ms = started_ms;
  o.duration_ms = 1500;
  o.requests = 12;
  o.process.started = true;
  o.process.exit_code = 0;
  o.process.duration_ms = 1490;
  o.process.stdout_bytes = 8800;
  o.declared_status = "complete";
  o.completeness = {perfectScore("account", 40), perfectScore("group", 6),
                    perfectScore("entitlement", 5), perfectScore("grant", 71),
                    perfectScore("credential", 12)};
  return o;
}

inline RevocationOutcome revocation(const std::string& id, const std::string& action,
                                    const std::string& account, const std::string& target,
                                    const std::string& claimed, bool applied,
                                    const std::string& outcome) {
  RevocationOutcome r;
  r.action_id = id;
  r.action = action;
  r.account = account;
  r.target = target;
  r.claimed = claimed;
  r.applied = applied;
  r.outcome = outcome;
  r.detail = claimed == "confirmed" ? "204 No Content" : "";
  return r;
}

inline OperationReport revokeOperation(const std::string& label, std::int64_t started_ms) {
  OperationReport o;
  o.label = label;
  o.kind = "revoke";
  o.started_ms = started_ms;
  o.duration_ms = 800;
  o.requests = 4;
  o.process.started = true;
  o.process.exit_code = 0;
  o.process.duration_ms = 790;
  o.declared_status = "complete";
  o.revocations = {
      revocation("act-1", "remove_membership", "u-7", "g-2", "confirmed", true, "confirmed"),
      revocation("act-2", "deprovision", "u-9", "", "confirmed", true, "confirmed")};
  return o;
}

inline Finding finding(std::string id, Severity severity, std::string metric, std::string operation,
                       std::string title, std::string detail) {
  Finding f;
  f.id = std::move(id);
  f.severity = severity;
  f.metric = std::move(metric);
  f.operation = std::move(operation);
  f.title = std::move(title);
  f.detail = std::move(detail);
  return f;
}

inline Report passedReport() {
  Report r = baseReport("baseline", 7);
  r.verdict = Verdict::Passed;
  r.verdict_reason = "no finding at error or critical severity";
  r.operations = {syncOperation("initial-sync", 5), revokeOperation("revoke-1", 1600)};
  Finding dup =
      finding("duplicate-records", Severity::Warning, "completeness.groups", "initial-sync",
              "1 duplicate group line(s)", "the same id was printed more than once");
  dup.evidence.connector_output = {"stdout:12: {\"type\":\"group\",\"id\":\"g-2\"}"};
  r.findings = {dup};
  r.faults = {{"slow-users", "latency", 1, 3}};
  return r;
}

// About 10 kB on one line, with markup, a long backtick run, non-ASCII
// text, a control character and a byte that is not UTF-8.
inline std::string evidenceBlob() {
  std::string blob = "stdout:41: ";
  for (int i = 0; blob.size() < 10240; ++i) {
    blob +=
        "{\"id\":\"u-" + std::to_string(i) +
        "\",\"userName\":\"Zoë Ångström <zoe&co> | ````code````\",\"note\":\"bell\x07 bad\xff\"} ";
  }
  return blob;
}

inline Report failedReport() {
  Report r = baseReport("schema \"drift\" <&> | `edge`", 20261123);
  r.connector.name = "Zoë Ångström's connector";
  r.verdict = Verdict::Failed;
  r.verdict_reason = "3 critical and 6 error finding(s)";

  OperationReport sync = syncOperation("initial-sync", 5);
  sync.declared_status = "complete";
  sync.completeness[0].returned = 38;
  sync.completeness[0].matched = 37;
  sync.completeness[0].recall = 37.0 / 40.0;
  sync.completeness[0].precision = 37.0 / 38.0;
  sync.completeness[0].missing = {"u-3", "Zoë Ångström", "u-<&>"};
  sync.completeness[0].missing_total = 3;
  sync.completeness[0].phantom = {"u-\"ghost\""};
  sync.completeness[0].phantom_total = 1;
  sync.completeness[0].attribute_mismatches = 2;
  sync.protocol_violations = 1;

  OperationReport revoke = revokeOperation("revoke-1", 1600);
  revoke.declared_status = "partial";
  revoke.declared_reason = "1 of 3 | not confirmed";
  revoke.revocations[0] =
      revocation("act-1", "remove_membership", "u-7", "g-2", "failed", true, "false-alarm");
  revoke.revocations.push_back(revocation("act-3", "remove_entitlement", "u-11", "e-admin",
                                          "confirmed", false, "false-confirmation"));
  revoke.revocations.push_back(
      revocation("act-10", "remove_membership", "u-12", "g-1", "failed", false, "honest-failure"));
  revoke.revocations.back().privileged = true;
  revoke.process.exit_code = 3;

  Finding loss = finding("silent-loss", Severity::Critical, "completeness.accounts", "initial-sync",
                         "Declared complete but 3 account(s) are missing",
                         "missing account ids: u-3, Zoë Ångström, u-<&>");
  loss.evidence.journal = {"#2 +20ms GET /scim/v2/Users?startIndex=1&count=10 -> 200 900B tok-1",
                           "#3 +41ms GET /scim/v2/Users?startIndex=11&count=10 -> 500 31B tok-1"};
  loss.evidence.connector_output = {"stdout:39: {\"type\":\"status\",\"status\":\"complete\"}"};
  Finding phantom =
      finding("phantom-records", Severity::Error, "completeness.accounts", "initial-sync",
              "1 account(s) returned that the target never held", "phantom ids: u-\"ghost\"");
  Finding mismatch = finding(
      "attribute-mismatch", Severity::Error, "completeness.attributes", "initial-sync",
      "2 record(s) carry values that differ from the target",
      "canonical attributes compared: userName, displayName, active, accountType, privileged");
  mismatch.evidence.connector_output = {evidenceBlob(),
                                        "u-5: displayName 'O''Brien' != \"O'Brien\""};
  Finding protocol =
      finding("protocol-violation", Severity::Error, "protocol", "initial-sync",
              "The connector's output broke the contract", "1 line(s) broke connector protocol v1");
  protocol.evidence.connector_output = {"stdout:17: not JSON | <html>\r\n\x01</html>"};
  Finding lag = finding("freshness-lag", Severity::Warning, "freshness.lag", "initial-sync",
                        "Data was 2 s stale", "a metric no planned check claims");
  Finding needless = finding("needless-partial", Severity::Info, "honesty", "initial-sync",
                             "Declared partial although every record was returned", "");

  Finding false_conf = finding("false-confirmation", Severity::Critical, "revocation", "revoke-1",
                               "remove_entitlement act-3 confirmed but access remains",
                               "u-11 / e-admin: 204 No Content");
  false_conf.evidence.journal = {"#19 +1650ms PATCH /scim/v2/Users/u-11 -> 204 0B tok-2"};
  false_conf.evidence.connector_output = {
      "stdout:1: {\"type\":\"result\",\"id\":\"act-3\",\"outcome\":\"confirmed\"}"};
  Finding failed_rev = finding("revocation-failed", Severity::Error, "revocation", "revoke-1",
                               "remove_membership act-10 not applied (the connector said failed)",
                               "u-12 / g-1 (privileged): ");
  Finding exit = finding("connector-exit-nonzero", Severity::Error, "process", "revoke-1",
                         "The connector exited with a non-zero status", "exit code 3");
  exit.evidence.connector_output = {
      "Traceback (most recent call last):", "  File \"connector.py\", line 9, in <module>",
      "KeyError: 'members'"};
  Finding leak = finding("secret-leak", Severity::Critical, "behaviour.secret_hygiene", "revoke-1",
                         "A drill credential appeared in the connector's stderr",
                         "the client secret or a bearer token was printed; the evidence below is "
                         "redacted");
  leak.evidence.connector_output = {"Authorization: Bearer <redacted>"};
  Finding retry = finding("retry-after-violation", Severity::Error, "behaviour.retry_after",
                          "revoke-1", "2 request(s) sent before an announced Retry-After elapsed",
                          "a connector that hammers through a 429 or 503 gets throttled harder");
  Finding alarm = finding("false-alarm", Severity::Warning, "revocation", "revoke-1",
                          "remove_membership act-1 applied but the connector said failed",
                          "u-7 / g-2: timeout");

  r.operations = {sync, revoke};
  r.findings = {needless,   loss,       phantom, mismatch, protocol, lag,
                false_conf, failed_rev, exit,    leak,     retry,    alarm};
  r.faults = {{"users-500", "http_error", 1, 1}};
  return r;
}

inline Report inconclusiveReport() {
  Report r = baseReport("rate-limits", 42);
  r.verdict = Verdict::Inconclusive;
  r.verdict_reason = "1 required fault(s) did not fire";
  r.operations = {syncOperation("initial-sync", 5)};
  r.faults = {{"burst-429", "rate_limit", 2, 0}, {"slow-page", "latency", 1, 1}};
  Finding unfired = finding("fault-not-fired", Severity::Warning, "instrument", "",
                            "Fault burst-429 (rate_limit) fired 0 time(s); 2 required",
                            "the connector never met this fault often enough, so the drill "
                            "proves nothing about it");
  r.findings = {unfired};
  return r;
}

}  // namespace faultline::reports::fixtures
