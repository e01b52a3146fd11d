#pragma once

// Fixed drill reports for the report writer tests: a passed, a failed and an
// inconclusive drill. Every time and duration is a fixed value, so rendered
// output can be compared byte for byte with the goldens in golden/. The
// failed drill carries text each writer must escape: quotes, <, &, |,
// backticks, non-ASCII names, control characters, bytes that are not UTF-8
// and a 10 kB evidence line. It also has a timeline (freshness events, one
// never reflected and one never applied), a sync run in three rounds,
// failure classes, a stacked policy and revocations whose access came back.

#include <optional>
#include <string>
#include <vector>

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
  r.policy.sources = {"built-in", "scenario " + scenario};
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
  o.minimum_requests = 8;
  o.amplification = 1.5;
  RoundReport round;
  round.started_ms = started_ms;
  round.duration_ms = o.duration_ms;
  round.requests = o.requests;
  round.declared_status = o.declared_status;
  o.rounds = {round};
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
  r.applied = r.applied_at_exit = applied;
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
  o.revocations[0].result_ms = 212;
  o.revocations[1].result_ms = 388;
  o.revocations[0].read_back = o.revocations[1].read_back = true;
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
              "1 duplicate group line", "the same id was printed more than once");
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

inline RoundReport roundReport(int n, std::int64_t started_ms, const std::string& status,
                               const std::string& reason, const std::string& stale_since,
                               double recall, std::size_t stale_records) {
  RoundReport r;
  r.round = r.drill_round = n;
  r.started_ms = started_ms;
  r.duration_ms = 480;
  r.requests = 4;
  r.declared_status = status;
  r.declared_reason = reason;
  r.stale_since = stale_since;
  r.recall = recall;
  r.stale_records = stale_records;
  return r;
}

inline FreshnessEvent event(int index, const std::string& kind, std::vector<std::string> subjects,
                            std::int64_t applied_ms, int reflected_round,
                            std::optional<int> lag_rounds, std::optional<std::int64_t> lag_ms) {
  FreshnessEvent e;
  e.index = index;
  e.kind = kind;
  e.applied = true;
  e.subjects = std::move(subjects);
  e.applied_ms = applied_ms;
  e.reflected_round = reflected_round;
  e.lag_rounds = lag_rounds;
  e.lag_ms = lag_ms;
  return e;
}

// Five timeline events over three rounds: reflected at once, with no lag,
// one round late, never, and one that never landed (its subject is hostile).
inline FreshnessSummary freshnessSummary() {
  FreshnessSummary f;
  f.events = {event(1, "joiner", {"u-41"}, 300, 2, 0, 450),
              event(2, "leaver", {"u-9", "key-9a"}, 700, 0, std::nullopt, std::nullopt),
              event(3, "grant", {"u-5", "e-admin"}, 1100, 2, 0, 0),
              event(4, "rotate_key", {"u-\"x\" <&>"}, 0, 0, std::nullopt, std::nullopt),
              event(5, "mover", {"u-12", "g-1", "g-2"}, 1200, 3, 1, 1250)};
  f.events[0].detail = "u-41 joined";
  f.events[1].detail = "u-9 disabled, key-9a deactivated";
  f.events[2].detail = "e-admin granted to u-5";
  f.events[3].applied = false;
  f.events[3].applied_ms.reset();
  f.events[3].detail = "its request never came";
  f.events[4].detail = "u-12 moved from g-1 to g-2";
  f.p50_lag_ms = 450;
  f.p95_lag_ms = f.max_lag_ms = 1250;
  f.never_reflected = 1;
  f.stale_records_at_end = 3;
  return f;
}

inline Report failedReport() {
  Report r = baseReport("schema \"drift\" <&> | `edge`", 20261123);
  r.connector.name = "Zoë Ångström's connector";
  r.verdict = Verdict::Failed;
  r.verdict_reason = "3 critical and 7 error findings";
  r.failure_classes = {"partial-success",        "stale-data",       "write-failure",
                       "authentication-failure", "unsafe-behaviour", "credential-exposure",
                       "connector-fault"};
  r.policy.sources.push_back("policies/ci <gate>.json");
  r.policy.min_recall = 0.99;
  r.policy.max_retry_after_violations = 1;
  r.policy.severity = {{"duplicate-write", "warning"}, {"needless-partial", "info"}};
  r.freshness = freshnessSummary();

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
  sync.rounds = {
      roundReport(1, 5, "complete", "", "", 1.0, 0),
      roundReport(2, 505, "partial", "Groups | <throttled>", "2026-03-14T09:26:53Z", 1.0, 2),
      roundReport(3, 1005, "complete", "", "", 37.0 / 40.0, 3)};

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
  revoke.auth_trouble = "last API answer 401 to PATCH /scim/v2/Users/u-12";
  // act-3 was applied when the connector exited, then reverted.
  revoke.revocations[2].applied_at_exit = true;
  revoke.revocations[2].remaining = "held directly (came back after the connector finished)";
  revoke.revocations[3].remaining = "a direct member";
  revoke.revocations[0].result_ms = 512;
  revoke.revocations[2].result_ms = 1042;
  revoke.revocations[3].result_ms = 2210;

  Finding loss = finding("silent-loss", Severity::Critical, "completeness.accounts", "initial-sync",
                         "Declared complete but 3 accounts are missing",
                         "missing account ids: u-3, Zoë Ångström, u-<&>");
  loss.evidence.journal = {"#2 +20ms GET /scim/v2/Users?startIndex=1&count=10 -> 200 900B tok-1",
                           "#3 +41ms GET /scim/v2/Users?startIndex=11&count=10 -> 500 31B tok-1"};
  loss.evidence.connector_output = {"stdout:39: {\"type\":\"status\",\"status\":\"complete\"}"};
  Finding phantom =
      finding("phantom-records", Severity::Error, "completeness.accounts", "initial-sync",
              "1 account returned that the target never held", "phantom ids: u-\"ghost\"");
  Finding mismatch = finding(
      "attribute-mismatch", Severity::Error, "completeness.attributes", "initial-sync",
      "2 records carry values that differ from the target",
      "canonical attributes compared: userName, displayName, active, accountType, privileged");
  mismatch.evidence.connector_output = {evidenceBlob(),
                                        "u-5: displayName 'O''Brien' != \"O'Brien\""};
  Finding protocol =
      finding("protocol-violation", Severity::Error, "protocol", "initial-sync",
              "The connector's output broke the contract", "1 line broke connector protocol v1");
  protocol.evidence.connector_output = {"stdout:17: not JSON | <html>\r\n\x01</html>"};
  Finding dup_write =
      finding("duplicate-write", Severity::Warning, "behaviour.writes", "initial-sync",
              "2 writes answered 2xx more than once", "a metric no planned check claims");
  dup_write.policy = "severity set by policy (error -> warning)";
  Finding stale = finding("stale-data", Severity::Error, "freshness.lag", "initial-sync round 3",
                          "The output never reflected timeline event 2 (leaver)",
                          "u-9 disabled, key-9a deactivated; a later round declared complete "
                          "without showing it");
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
                          "revoke-1", "2 requests sent before an announced Retry-After elapsed",
                          "a connector that hammers through a 429 or 503 gets throttled harder");
  Finding alarm = finding("false-alarm", Severity::Warning, "revocation", "revoke-1",
                          "remove_membership act-1 applied but the connector said failed",
                          "u-7 / g-2: timeout");

  r.operations = {sync, revoke};
  r.findings = {needless,   loss, phantom, mismatch, protocol, dup_write, false_conf,
                failed_rev, exit, leak,    retry,    alarm,    stale};
  r.identities = {{"u-3", {"account", "carol@example.com", false, false, ""}},
                  {"u-7", {"account", "alice@example.com", false, false, ""}},
                  {"u-9", {"account", "dave@example.com", false, false, ""}},
                  {"u-11", {"account", "bob@example.com", false, false, ""}},
                  {"u-12", {"account", "svc-backup", true, true, ""}},
                  {"g-1", {"group", "Admins", true, false, ""}},
                  {"g-2", {"group", "Engineering", false, false, ""}},
                  {"e-admin", {"entitlement", "Admin <Console> & \"root\"", true, false, ""}},
                  {"key-9a", {"credential", "dave@example.com", false, true, "u-9"}}};
  r.faults = {{"users-500", "http_error", 1, 1}};
  return r;
}

// A drill that passed only because the scenario accepts an honest partial:
// schema drift hid every account's userName, the connector said so, and
// the declared-incomplete error became info.
inline Report exemptedReport() {
  Report r = baseReport("schema-drift", 3131);
  r.verdict = Verdict::Passed;
  r.verdict_reason = "no finding at error or critical severity";
  r.policy.accept_honest_partial = true;
  r.policy.reasons = {
      {"scenario schema-drift", "no connector can map a field renamed without notice"}};
  Exemption e;
  e.rule = "honest_partial";
  e.text = "honest partial accepted";
  e.source = "scenario schema-drift";
  e.reason = "no connector can map a field renamed without notice";
  e.findings = {"declared-incomplete"};
  r.exemptions = {e};
  OperationReport sync = syncOperation("initial-sync", 5);
  sync.declared_status = "partial";
  sync.declared_reason = "Users: userName missing";
  sync.declared_incomplete = std::vector<std::string>{"account"};
  TypeScore& accounts = sync.completeness[0];
  accounts.expected = 4;
  accounts.returned = accounts.matched = 0;
  accounts.recall = 0.0;
  accounts.missing = {"u-1", "u-2", "u-3", "u-4"};
  accounts.missing_total = 4;
  TypeScore& grants = sync.completeness[3];
  grants.expected = 3;
  grants.returned = grants.matched = 0;
  grants.recall = 0.0;
  grants.missing = {"entitlement|account|u-1|e-root", "membership|account|u-2|g-ops",
                    "membership|account|u-4|g-ops"};
  grants.missing_total = 3;
  r.operations = {sync};
  Finding partial =
      finding("declared-incomplete", Severity::Info, "completeness.accounts", "initial-sync",
              "Declared partial: 4 accounts missing", "the connector named accounts as incomplete");
  partial.policy =
      "accepted: the connector declared partial and said why (honest_partial: accept) "
      "(error -> info)";
  r.findings = {partial};
  r.identities = {{"u-1", {"account", "root-admin@example.com", true, false, ""}},
                  {"u-2", {"account", "svc-deploy", false, true, ""}},
                  {"u-3", {"account", "erin@example.com", false, false, ""}},
                  {"u-4", {"account", "frank@example.com", false, false, ""}},
                  {"e-root", {"entitlement", "Root", true, false, ""}},
                  {"g-ops", {"group", "Operations", false, false, ""}}};
  return r;
}

inline Report inconclusiveReport() {
  Report r = baseReport("rate-limits", 42);
  r.policy.pass_inconclusive = true;
  r.policy.accept_honest_partial = true;
  r.verdict = Verdict::Inconclusive;
  r.verdict_reason = "1 required fault did not fire";
  r.operations = {syncOperation("initial-sync", 5)};
  r.faults = {{"burst-429", "rate_limit", 2, 0}, {"slow-page", "latency", 1, 1}};
  Finding unfired = finding("fault-not-fired", Severity::Warning, "instrument", "",
                            "Fault burst-429 (rate_limit) fired 0 times; 2 required",
                            "the connector never met this fault often enough, so the drill "
                            "proves nothing about it");
  r.findings = {unfired};
  return r;
}

}  // namespace faultline::reports::fixtures
