#include "harness/scorers/findings.h"

#include <algorithm>
#include <map>

#include "harness/evidence.h"
#include "reports/wording.h"

using faultline::reports::counted;

namespace faultline::harness {
namespace {

using reports::Finding;
using reports::Severity;

std::string outputLine(const OperationEvidence& op, std::size_t line) {
  if (line == 0 || line > op.output->lines.size()) return "";
  return "stdout:" + std::to_string(line) + ": " +
         redactSecrets(op.output->lines[line - 1].substr(0, 400), op.secrets);
}

std::string statusLine(const OperationEvidence& op) {
  return op.output->status ? outputLine(op, op.output->status->line) : "(no status line)";
}

Finding make(const OperationEvidence& op, std::string id, Severity severity, std::string metric,
             std::string title, std::string detail) {
  return makeFinding(op, std::move(id), severity, std::move(metric), std::move(title),
                     std::move(detail));
}

reports::Measure measured(std::string name, std::size_t n, std::string unit) {
  return {std::move(name), static_cast<double>(n), std::nullopt, std::move(unit)};
}

// Why the connector says records are missing. A killed or broken connector may
// have printed no status line at all, so there may be no reason to quote.
std::string declaredReason(const OperationEvidence& op) {
  if (!op.output->status) return " (no status line)";
  const StatusRecord& status = *op.output->status;
  std::string declared;
  if (status.incomplete) {
    for (const auto& type : *status.incomplete) declared += (declared.empty() ? "" : ", ") + type;
    declared = "; declared incomplete: [" + declared + "]";
  }
  return " (reason given: \"" + status.reason + "\"" + declared + ")";
}

// " (privileged non-human)", " (privileged)", " (non-human)" or "".
std::string accountKind(const reports::RevocationOutcome& o) {
  if (o.privileged && o.non_human) return " (privileged non-human)";
  if (o.privileged) return " (privileged)";
  return o.non_human ? " (non-human)" : "";
}

std::string joinIds(const std::vector<std::string>& ids, std::size_t total) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  if (total > ids.size()) out += " ... (" + std::to_string(total) + " in all)";
  return out;
}

// Whether the status line's reason names the resource a type comes from
// (docs/scoring.md, "Honesty").
bool reasonNames(const OperationEvidence& op, const std::string& type) {
  return op.output->status && declaresIncomplete(*op.output->status, type);
}

// The resource a type is listed from, in the journal's vocabulary, whose
// list requests are the evidence that the connector stopped paging.
std::string resourceOf(const std::string& type) {
  if (type == "account" || type == "credential") return "Users";
  if (type == "group") return "Groups";
  if (type == "entitlement") return "Entitlements";
  return "";
}

// Ids as every scorer compares them (canonicalId).
bool sameId(const std::string& a, const std::string& b) {
  return canonicalId(a) == canonicalId(b);
}

}  // namespace

void addProcessFindings(const OperationEvidence& op, std::vector<Finding>& out) {
  const ProcessResult& p = *op.process;
  const auto tail = tailLines(p.stderr_data, 10, op.secrets);
  auto add = [&](std::string id, Severity s, std::string title, std::string detail) {
    Finding f = make(op, std::move(id), s, "process", std::move(title), std::move(detail));
    f.evidence.connector_output = tail;
    out.push_back(std::move(f));
  };
  if (!p.started)
    return add("connector-start-failed", Severity::Error, "The connector could not be started",
               p.start_error);
  if (p.timed_out) {
    add("connector-timeout", Severity::Error, "The connector exceeded its timeout and was killed",
        std::string("killed with SIGTERM") + (p.needed_kill ? ", then SIGKILL" : ""));
  } else if (p.term_signal) {
    add("connector-crashed", Severity::Error, "The connector died from a signal",
        "signal " + std::to_string(*p.term_signal));
  } else if (p.exit_code && *p.exit_code != 0) {
    add("connector-exit-nonzero", Severity::Error, "The connector exited with a non-zero status",
        "exit code " + std::to_string(*p.exit_code));
  }
  if (!p.escaped_processes.empty()) {
    // Named one by one: a process that left its group on purpose is what an operator
    // would otherwise find still running after the connector "finished".
    std::string killed;
    for (const auto& e : p.escaped_processes) killed += (killed.empty() ? "" : "; ") + e;
    add("connector-left-processes", Severity::Warning,
        "The connector left processes running after it exited, outside its process group",
        "faultline killed " + std::to_string(p.escaped_processes.size()) +
            " process(es) that had escaped its process group: " + killed);
    out.back().measures.push_back(measured("escaped", p.escaped_processes.size(), "processes"));
  } else if (p.left_processes || p.pipes_held_open) {
    add("connector-left-processes", Severity::Warning,
        "The connector left processes running after it exited",
        "faultline killed the rest of its process group");
  }
  if (p.stderr_truncated) {
    add("stderr-flood", Severity::Warning, "The connector's stderr exceeded the cap",
        std::to_string(p.stderr_bytes) + " bytes written; only the first part was kept");
    out.back().measures.push_back(measured("stderr_bytes", p.stderr_bytes, "bytes"));
  }
}

void addProtocolFindings(const OperationEvidence& op, std::vector<Finding>& out) {
  const ConnectorOutput& o = *op.output;
  if (o.violation_count == 0) return;
  std::string detail = counted(o.violation_count, "line") + " broke connector protocol v1";
  Finding f = make(op, "protocol-violation", Severity::Error, "protocol",
                   "The connector's output broke the contract", detail);
  f.measures.push_back(measured("violations", o.violation_count, "lines"));
  for (const auto& v : o.violations) {
    if (f.evidence.connector_output.size() >= 20) break;
    const std::string where = v.line == 0 ? "stdout" : "stdout:" + std::to_string(v.line);
    f.evidence.connector_output.push_back(
        where + ": " + v.message +
        (v.excerpt.empty() ? "" : " | " + redactSecrets(v.excerpt, op.secrets)));
  }
  out.push_back(std::move(f));
}

void addCompletenessFindings(const OperationEvidence& op, const CompletenessScore& score,
                             std::vector<Finding>& out) {
  const std::string declared = op.output->status ? op.output->status->status : "missing";
  for (const auto& t : score.types) {
    const std::string metric = "completeness." + t.type + "s";
    if (t.missing_total > 0) {
      // Partial is honest only when the reason names what is missing: a
      // partial about Entitlements says nothing about vanished Groups.
      const bool named = declared == "failed" || (declared == "partial" && reasonNames(op, t.type));
      const bool silent = declared == "complete" || (declared == "partial" && !named);
      Finding f =
          make(op, silent ? "silent-loss" : "declared-incomplete",
               silent ? Severity::Critical : Severity::Error, metric,
               silent ? "Declared " + declared + " but " + counted(t.missing_total, t.type) +
                            (t.missing_total == 1 ? " is missing" : " are missing") +
                            (declared != "partial" ? ""
                             : op.output->status->incomplete
                                 ? " and its \"incomplete\" field does not name them"
                                 : " and the reason does not say so")
                      : "Sync declared " + declared + "; " + counted(t.missing_total, t.type) +
                            (t.missing_total == 1 ? " is missing" : " are missing"),
               "missing " + t.type + " ids: " + joinIds(t.missing, t.missing_total) +
                   (declared == "complete" ? "" : declaredReason(op)));
      const std::string resource = resourceOf(t.type);
      f.evidence.journal = journalEvidence(*op.journal, [&](const mocks::JournalEntry& e) {
        return e.request_kind == "list" && !resource.empty() && e.resource == resource;
      });
      f.evidence.connector_output.push_back(statusLine(op));
      f.measures.push_back(measured("missing", t.missing_total, "records"));
      out.push_back(std::move(f));
    }
    if (t.phantom_total > 0) {
      Finding f = make(op, "phantom-records", Severity::Error, metric,
                       counted(t.phantom_total, t.type) + " returned that the target never held",
                       "phantom ids: " + joinIds(t.phantom, t.phantom_total));
      f.measures.push_back(measured("phantom", t.phantom_total, "records"));
      out.push_back(std::move(f));
    }
    if (t.duplicates > 0) {
      out.push_back(make(op, "duplicate-records", Severity::Warning, metric,
                         counted(t.duplicates, "duplicate " + t.type + " line"),
                         "the same id was printed more than once"));
      out.back().measures.push_back(measured("duplicates", t.duplicates, "lines"));
    }
  }
  std::size_t mismatches = 0;
  for (const auto& t : score.types) mismatches += t.attribute_mismatches;
  if (mismatches > 0) {
    Finding f = make(
        op, "attribute-mismatch", Severity::Error, "completeness.attributes",
        counted(mismatches, "record") + " carry values that differ from the target",
        "canonical attributes compared: userName, displayName, active, accountType, privileged, "
        "credential owner and state");
    f.evidence.connector_output = score.attribute_examples;
    f.measures.push_back(measured("mismatches", mismatches, "records"));
    out.push_back(std::move(f));
  }
  if (score.dangling_total > 0) {
    Finding f = make(
        op, "dangling-reference", Severity::Error, "completeness.references",
        counted(score.dangling_total, "grant or credential", "grants or credentials") +
            (score.dangling_total == 1 ? " points" : " point") + " at objects not returned",
        "every grant's principal and target, and every credential's owner, must also be returned");
    f.evidence.connector_output = score.dangling;
    f.measures.push_back(measured("dangling", score.dangling_total, "records"));
    out.push_back(std::move(f));
  }
  if (declared == "partial" && score.complete()) {
    Finding f =
        make(op, "needless-partial", Severity::Info, "honesty",
             "Declared partial although every record was returned", op.output->status->reason);
    f.evidence.connector_output.push_back(statusLine(op));
    out.push_back(std::move(f));
  }
}

void addRevocationFindings(const OperationEvidence& op,
                           const std::vector<reports::RevocationOutcome>& outcomes,
                           std::vector<Finding>& out) {
  for (const auto& o : outcomes) {
    const std::string who = o.account + (o.target.empty() ? "" : " / " + o.target) + accountKind(o);
    Finding f;
    if (o.outcome == "false-confirmation") {
      f = make(op, "false-confirmation", Severity::Critical, "revocation",
               o.action + " " + o.action_id + " confirmed but access remains" +
                   (o.remaining.empty() ? "" : " (" + o.remaining + ")"),
               who + ": " + o.detail);
    } else if (o.outcome == "honest-failure") {
      f = make(op, "revocation-failed", Severity::Error, "revocation",
               o.action + " " + o.action_id + " not applied (the connector said " + o.claimed + ")",
               who + ": " + o.remaining + "; the connector: " + o.detail);
    } else if (o.outcome == "inherited-remains") {
      f = make(op, "revocation-inherited", Severity::Info, "revocation",
               o.action + " " + o.action_id +
                   ": access remains through a group (the connector said " + o.claimed + ")",
               who + ": " + o.remaining + "; the connector: " + o.detail);
    } else if (o.outcome == "unreported") {
      f = make(op, "revocation-unreported", Severity::Error, "revocation",
               o.action + " " + o.action_id + " has no result line",
               who + (o.applied ? ": applied" : ": not applied"));
    } else if (o.outcome == "false-alarm" || o.outcome == "unconfirmed-applied") {
      f = make(op, o.outcome, Severity::Warning, "revocation",
               o.action + " " + o.action_id + " applied but the connector said " + o.claimed,
               who + ": " + o.detail);
    } else {
      continue;
    }
    f.evidence.journal = journalEvidence(*op.journal, [&](const mocks::JournalEntry& e) {
      return !e.resource_id.empty() && (sameId(e.resource_id, o.account) ||
                                        (!o.target.empty() && sameId(e.resource_id, o.target)));
    });
    for (const auto& r : op.output->results) {
      if (r.id == o.action_id) f.evidence.connector_output.push_back(outputLine(op, r.line));
    }
    out.push_back(std::move(f));
  }
}

void addKilledRunClaimFindings(const OperationEvidence& killed, int run, int runs,
                               const std::vector<reports::RevocationOutcome>& outcomes,
                               std::set<std::string>& flagged, std::vector<Finding>& out) {
  std::vector<reports::RevocationOutcome> lies;
  for (const auto& o : outcomes) {
    if (o.outcome == "false-confirmation" && flagged.insert(o.action_id).second) lies.push_back(o);
  }
  std::vector<Finding> found;
  addRevocationFindings(killed, lies, found);
  const std::string which = "run " + std::to_string(run) + " of " + std::to_string(runs);
  for (auto& f : found) {
    f.title += ", as printed by " + which + " before a fault killed it";
    f.detail =
        "a claim printed before the connector died may already have been acted on; " + f.detail;
    for (auto& line : f.evidence.connector_output) line = which + " " + line;
    out.push_back(std::move(f));
  }
}

void addSecretFindings(const OperationEvidence& op, std::vector<Finding>& out) {
  const ProcessResult& p = *op.process;
  for (const auto* stream : {&p.stdout_data, &p.stderr_data}) {
    const bool leaked =
        std::any_of(op.secrets.begin(), op.secrets.end(), [&](const std::string& s) {
          return s.size() >= 8 && stream->find(s) != std::string::npos;
        });
    if (!leaked) continue;
    const bool is_stdout = stream == &p.stdout_data;
    Finding f =
        make(op, "secret-leak", Severity::Critical, "behaviour.secret_hygiene",
             std::string("A drill credential appeared in the connector's ") +
                 (is_stdout ? "stdout" : "stderr"),
             "the client secret or a bearer token was printed; the evidence below is redacted");
    f.evidence.connector_output = tailLines(*stream, 3, op.secrets);
    out.push_back(std::move(f));
  }
}

void addFaultFindings(const std::vector<reports::FaultFiring>& firings, std::vector<Finding>& out) {
  for (const auto& f : firings) {
    if (f.fired >= f.min_fires) continue;
    Finding finding;
    finding.id = "fault-not-fired";
    finding.severity = Severity::Warning;
    finding.metric = "instrument";
    finding.title = "Fault " + f.id + " (" + f.kind + ") fired " + counted(f.fired, "time") + "; " +
                    std::to_string(f.min_fires) + " required";
    finding.detail =
        "the connector never met this fault often enough, so the drill proves nothing about it";
    finding.measures.push_back(
        {"fired", static_cast<double>(f.fired), static_cast<double>(f.min_fires), "times"});
    out.push_back(std::move(finding));
  }
}

void addRetryAfterFindings(const OperationEvidence& op, std::vector<Finding>& out) {
  auto early = [](const mocks::JournalEntry& e) { return e.retry_after_early_ms.has_value(); };
  const auto count = std::count_if(op.journal->begin(), op.journal->end(), early);
  if (count == 0) return;
  Finding f = make(op, "retry-after-violation", Severity::Error, "behaviour.retry_after",
                   counted(count, "request") + " sent before an announced Retry-After elapsed",
                   "a connector that hammers through a 429 or 503 gets throttled harder or banned");
  f.evidence.journal = journalEvidence(*op.journal, [&](const mocks::JournalEntry& e) {
    return early(e) || e.status == 429 || e.status == 503;
  });
  f.measures.push_back(measured("early_requests", static_cast<std::size_t>(count), "requests"));
  out.push_back(std::move(f));
}

Finding makeFinding(const OperationEvidence& op, std::string id, Severity severity,
                    std::string metric, std::string title, std::string detail) {
  Finding f;
  f.id = std::move(id);
  f.severity = severity;
  f.metric = std::move(metric);
  f.operation = op.label;
  f.title = std::move(title);
  f.detail = redactSecrets(std::move(detail), op.secrets);
  return f;
}

bool reasonNamesType(std::string reason, const std::string& type) {
  std::transform(reason.begin(), reason.end(), reason.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  static const std::map<std::string, std::vector<std::string>> kWords = {
      {"account", {"user", "account"}},
      {"group", {"group"}},
      {"entitlement", {"entitlement"}},
      {"credential", {"user", "account", "credential", "key"}},
      {"grant", {"user", "account", "group", "entitlement", "grant", "member"}}};
  const auto it = kWords.find(type);
  if (it == kWords.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& w) { return reason.find(w) != std::string::npos; });
}

bool declaresIncomplete(const StatusRecord& status, const std::string& type) {
  if (status.incomplete) return status.incomplete->count(type) != 0;
  return reasonNamesType(status.reason, type);
}

reports::Verdict decideVerdict(const std::vector<Finding>& findings, std::string& reason) {
  std::size_t critical = 0, errors = 0, unfired = 0, unapplied = 0;
  for (const auto& f : findings) {
    critical += f.severity == Severity::Critical;
    errors += f.severity == Severity::Error;
    unfired += f.id == "fault-not-fired";
    unapplied += f.id == "timeline-event-not-applied";
  }
  if (critical + errors > 0) {
    reason = std::to_string(critical) + " critical and " + counted(errors, "error finding");
    return reports::Verdict::Failed;
  }
  if (unfired + unapplied > 0) {
    reason = unfired > 0 ? counted(unfired, "required fault") + " did not fire" : "";
    if (unapplied > 0) {
      reason +=
          (reason.empty() ? "" : "; ") + counted(unapplied, "timeline event") + " never landed";
    }
    return reports::Verdict::Inconclusive;
  }
  reason = "no finding at error or critical severity";
  return reports::Verdict::Passed;
}

std::vector<std::string_view> ProcessScorer::findingIds() const {
  return {"connector-start-failed", "connector-timeout",        "connector-crashed",
          "connector-exit-nonzero", "connector-left-processes", "stderr-flood",
          "connector-restarted"};
}

void ProcessScorer::score(const ScoringInput& input, ScoreSink& sink) {
  const OperationEvidence& ev = *input.evidence;
  addProcessFindings(ev, sink.findings());
  if (input.killed == nullptr || input.killed->empty()) return;
  Finding f = make(ev, "connector-restarted", Severity::Info, "process",
                   "The connector was killed " + counted(input.killed->size(), "time") +
                       " and restarted with the same state directory",
                   "the last run's output is scored, and confirmations a killed run printed must "
                   "hold too; the journal lines below are where it died");
  f.evidence.journal = journalEvidence(*ev.journal, [](const mocks::JournalEntry& e) {
    return e.fault("kill_connector") != nullptr;
  });
  f.measures.push_back(measured("restarts", input.killed->size(), "runs"));
  sink.add(std::move(f));
}

void SecretHygieneScorer::score(const ScoringInput& input, ScoreSink& sink) {
  addSecretFindings(*input.evidence, sink.findings());
  if (input.killed == nullptr) return;
  for (const auto& killed : *input.killed) {
    OperationEvidence run = *input.evidence;
    run.process = killed.process;
    addSecretFindings(run, sink.findings());
  }
}

}  // namespace faultline::harness
