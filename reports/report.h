#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::reports {

// Version of the JSON report layout (docs/report-format.md). Bump on any
// change a reader could notice; additions that old readers can ignore bump
// the minor part recorded in kReportFormatMinor.
inline constexpr int kReportFormatVersion = 1;
inline constexpr int kReportFormatMinor = 6;

enum class Severity { Info, Warning, Error, Critical };
enum class Verdict { Passed, Failed, Inconclusive };

// What a finding rests on: journal lines (requests the mock served) and the
// connector's own output lines, quoted verbatim and capped.
struct Evidence {
  std::vector<std::string> journal;
  std::vector<std::string> connector_output;
};

// A quantity a finding rests on, as the scorer measured it, so that readers
// (the acceptance policy, compare, dashboards) never parse it out of a title.
// On an error or critical finding a larger value is always worse.
struct Measure {
  std::string name;  // e.g. "missing", "amplification"
  double value = 0;
  std::optional<double> limit;  // the bound it was judged against, when one applies
  std::string unit;             // e.g. "records", "requests", "ratio"
};

struct Finding {
  std::string id;  // stable kind, e.g. "silent-loss", "protocol-violation"
  Severity severity = Severity::Info;
  std::string metric;     // the metric it hurts, e.g. "completeness.accounts"
  std::string operation;  // label of the operation, "" for the whole drill
  std::string title;
  std::string detail;
  Evidence evidence;
  std::vector<Measure> measures;  // the numbers the title states, in its order
  // What the acceptance policy did to this finding ("" when nothing), e.g.
  // "accepted: the connector declared partial and named the type (error -> info)".
  std::string policy;
};

// Recall and precision of one object type in one sync.
struct TypeScore {
  std::string type;  // account, group, entitlement, grant, credential
  std::size_t expected = 0;
  std::size_t returned = 0;  // distinct ids the connector printed
  std::size_t matched = 0;
  std::size_t duplicates = 0;
  std::size_t attribute_mismatches = 0;
  double recall = 1.0;
  double precision = 1.0;
  std::vector<std::string> missing;  // capped; the totals below are exact
  std::vector<std::string> phantom;
  std::size_t missing_total = 0;
  std::size_t phantom_total = 0;
};

struct ProcessSummary {
  bool started = false;
  std::string start_error;
  std::optional<int> exit_code;
  std::optional<int> signal;
  bool timed_out = false;
  bool needed_kill = false;
  bool left_processes = false;
  std::int64_t duration_ms = 0;
  std::uint64_t stdout_bytes = 0;
  std::uint64_t stderr_bytes = 0;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::vector<std::string> stderr_tail;  // last lines, secrets redacted
};

struct RevocationOutcome {
  std::string action_id;
  std::string action;  // remove_membership, remove_entitlement, deprovision
  std::string account;
  std::string target;  // group or entitlement id; "" for deprovision
  bool privileged = false;
  bool non_human = false;
  std::string claimed;   // confirmed, failed, unconfirmed, missing
  bool applied = false;  // ground truth after the settle period: no effective access remains
  bool applied_at_exit = false;  // the same, when the connector exited
  // What access remains, from the tenant's effective access ("" when none):
  // "held directly", "held through group G", "a member through nested group G",
  // "the account is active", "2 API key(s) live".
  std::string remaining;
  std::string outcome;  // confirmed-true, false-confirmation, honest-failure, false-alarm, ...
  std::string detail;
  // Time to confirmation: ms from the revoke operation's start until the
  // connector printed its result line for this action; empty when it printed none.
  std::optional<std::int64_t> result_ms;
  // The journal shows the connector read the subject back (a GET answered 2xx)
  // after its last write to it and before printing its result.
  bool read_back = false;
  // What runs a kill_connector fault ended printed for this action before
  // they died: "confirmed" when any of them confirmed it, else the last
  // one's claim; "" when none printed a result (docs/scoring.md, "Process death").
  std::string claimed_before_restart;
};

// One run of a sync's connector; a sync with `rounds` runs it back to back
// (docs/scoring.md, "Freshness").
struct RoundReport {
  int round = 1;        // within the operation, from 1
  int drill_round = 1;  // across the drill: every sync's rounds in order, from 1
  std::int64_t started_ms = 0;
  std::int64_t duration_ms = 0;
  std::uint64_t requests = 0;
  std::string declared_status;  // complete, partial, failed, missing
  std::string declared_reason;
  std::string stale_since;  // from the status line; "" when not given
  // The status line's "incomplete" record types, sorted; nullopt when the
  // connector did not send the field (its reason's words decide then).
  std::optional<std::vector<std::string>> declared_incomplete;
  double recall = 1.0;  // the lowest recall over the five types
  std::size_t stale_records = 0;
};

struct OperationReport {
  std::string label;
  std::string kind;  // sync, revoke
  std::int64_t started_ms = 0;
  std::int64_t duration_ms = 0;
  std::uint64_t requests = 0;  // journal entries during the operation
  ProcessSummary process;
  std::string declared_status;  // complete, partial, failed, missing
  std::string declared_reason;
  std::optional<std::vector<std::string>> declared_incomplete;  // as in RoundReport
  std::vector<TypeScore> completeness;
  std::size_t dangling_references = 0;
  std::vector<std::string> dangling;  // capped
  std::vector<RevocationOutcome> revocations;
  std::size_t protocol_violations = 0;
  // The authentication trouble the operation ended in ("" when none): its
  // last API answer was 401 or 403, or the token endpoint's last answer failed.
  std::string auth_trouble;
  // Syncs only (0 for revokes): requests sent, less those answered with a
  // fault, over the fewest that read the tenant (docs/scoring.md).
  double amplification = 0;
  std::uint64_t minimum_requests = 0;
  // Syncs only (empty for revokes): every round; the fields above hold the last.
  std::vector<RoundReport> rounds;
  // Times a kill_connector fault killed the connector during the operation;
  // each time it was restarted with the same state directory and input, and
  // the last run's output is scored, and a killed run's confirmations must hold too
  // (docs/scoring.md, "Process death").
  int restarts = 0;
};

// How soon the output showed one timeline event (docs/scoring.md, "Freshness").
struct FreshnessEvent {
  int index = 0;     // 1-based position in the scenario's timeline
  std::string kind;  // joiner, leaver, mover, grant, ungrant, rotate_key
  bool applied = false;
  std::vector<std::string> subjects;  // account first, then groups, entitlement, keys
  std::string detail;                 // what changed, or why it did not land
  std::uint64_t after_request = 0;    // the last journal seq before it landed
  std::optional<std::int64_t> applied_ms;
  int reflected_round = 0;  // drill round; 0 = never
  std::optional<int> lag_rounds;
  std::optional<std::int64_t> lag_ms;
};

struct FreshnessSummary {
  std::vector<FreshnessEvent> events;
  std::optional<std::int64_t> p50_lag_ms;
  std::optional<std::int64_t> p95_lag_ms;
  std::optional<std::int64_t> max_lag_ms;
  std::size_t never_reflected = 0;
  std::size_t stale_records_at_end = 0;
};

struct ConnectorInfo {
  std::string name;
  std::string version;
  std::string manifest_path;
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  // values holding credentials are redacted
};

struct ScenarioInfo {
  std::string name;
  std::string file;
  std::string description;
  std::size_t accounts = 0;
  std::size_t groups = 0;
  std::size_t entitlements = 0;
  std::string dialect;
};

// How often one fault rule of the scenario's plan fired.
struct FaultFiring {
  std::string id;
  std::string kind;
  int min_fires = 0;
  int fired = 0;
};

// The acceptance policy a drill was judged by, after stacking the built-in
// default, the scenario's "acceptance" block and a policy file.
struct PolicySummary {
  std::vector<std::string> sources;  // "built-in", "scenario", a file, "FILE#/scenarios/NAME"
  bool accept_honest_partial = false;
  bool pass_inconclusive = false;
  double min_recall = 1.0;
  double min_precision = 1.0;
  int max_retry_after_violations = 0;
  // A sync sending more than this many times its minimum requests raises
  // request-amplification (harness/behaviour.h kDefaultMaxAmplification).
  double max_amplification = 4.0;
  std::map<std::string, std::string> severity;  // finding id -> severity name
  // Each source's `reason`, for the sources that gave one.
  std::map<std::string, std::string> reasons;
  // Which source set each key last: "honest_partial", "inconclusive",
  // "min_recall", "min_precision", "max_retry_after_violations",
  // "max_amplification", "severity/<finding id>". Not written to the JSON
  // report: the exemptions carry what a reader needs.
  std::map<std::string, std::string> set_by;
};

// A relaxation of the policy that changed this drill's outcome: it lowered
// a finding below error, dropped one, or let an inconclusive drill pass.
struct Exemption {
  std::string rule;    // the key: honest_partial, inconclusive, min_recall, severity/<id>, ...
  std::string text;    // for people, e.g. "honest partial accepted"
  std::string source;  // the policy layer that set it, as in PolicySummary::sources
  std::string reason;  // the layer's `reason`; "" when it gave none
  std::vector<std::string> findings;  // ids of the findings it excused, in order found
};

// Who an id in the report is, from the tenant's ground truth, so that every
// format can name it as people do.
struct Identity {
  std::string kind;  // account, group, entitlement, credential
  // userName for an account, displayName for a group or entitlement; for a
  // credential, its owner's userName.
  std::string name;
  bool privileged = false;  // a privileged account or entitlement, or a key of a privileged account
  bool non_human = false;   // a service account, or a credential (a key is never a person)
  std::string owner;        // a credential's account id; "" otherwise
};

struct Report {
  int format_version = kReportFormatVersion;
  std::string tool_version;
  std::string drill_id;
  std::uint64_t seed = 0;
  std::string started_at;  // UTC wall time, for people; never used in a decision
  std::int64_t duration_ms = 0;
  ScenarioInfo scenario;
  ConnectorInfo connector;
  Verdict verdict = Verdict::Passed;
  std::string verdict_reason;
  // For a failed drill, which kinds of trust broke: partial-success,
  // stale-data, write-failure, authentication-failure, unsafe-behaviour,
  // credential-exposure, connector-fault (docs/scoring.md).
  std::vector<std::string> failure_classes;
  PolicySummary policy;
  // The relaxations a passing verdict may rest on; empty when none excused anything.
  std::vector<Exemption> exemptions;
  // The accounts, groups, entitlements and credentials the report mentions.
  std::map<std::string, Identity> identities;
  std::vector<OperationReport> operations;
  std::vector<Finding> findings;
  std::vector<FaultFiring> faults;
  FreshnessSummary freshness;
  std::uint64_t journal_requests = 0;
  std::string replay_command;
  std::string journal_file;  // JSON Lines, one request each; "" when not written
};

// The finding's measure called `name`; null when it has none (a report read
// from before measures existed, or a finding that measured nothing).
const Measure* findMeasure(const Finding& f, std::string_view name);
Measure* findMeasure(Finding& f, std::string_view name);

const char* severityName(Severity s);
const char* verdictName(Verdict v);

// For an operation a fault killed: "" for a sync; for a revoke, the clause
// every writer adds to "the last run is scored" (docs/scoring.md, "Process
// death": a killed run's confirmations are judged too).
std::string killedClaimsNote(const OperationReport& o);

// What a status line's `incomplete` field declared, as every writer shows it
// beside the declared status: "" when the field was not sent,
// "declared incomplete: group, grant", or "declared incomplete: none" for [].
std::string declaredIncompleteText(const std::optional<std::vector<std::string>>& incomplete);

}  // namespace faultline::reports
