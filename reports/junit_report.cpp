#include "reports/junit_report.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "reports/printable_text.h"
#include "reports/triage.h"
#include "reports/wording.h"

namespace faultline::reports {
namespace {

// Timeline events listed in a freshness check's text; the JSON report has all.
constexpr std::size_t kMaxFactEvents = 50;

// One test case: a check the drill made and the findings that bear on it.
struct Check {
  std::string classname;
  std::string name;
  std::int64_t time_ms = 0;
  std::string skipped;                         // why the check proved nothing; "" when it did
  std::function<bool(const Finding&)> claims;  // empty for checks made up for stray findings
  std::vector<const Finding*> findings;
  std::string operation;  // the operation's label; "" for drill-level checks
  std::string action_id;  // a revocation check's action; "" otherwise
  // What the report measured for this check, told after its findings so a
  // reader of a failure sees the figures it rests on; "" when nothing.
  std::string facts;
};

bool isFailing(const Finding& f) {
  return f.severity == Severity::Error || f.severity == Severity::Critical;
}

std::string attr(std::string_view s) {
  return escapeMarkup(s, true);
}
std::string text(std::string_view s) {
  return escapeMarkup(s, false);
}

std::string seconds(std::int64_t ms) {
  ms = std::max<std::int64_t>(ms, 0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// Findings of round N of a sync run more than once name their operation
// "<label> round N" (docs/report-format.md); they belong to that sync's checks.
bool ofOperation(const std::string& finding_operation, const std::string& label) {
  if (finding_operation == label) return true;
  const std::string prefix = label + " round ";
  if (finding_operation.size() <= prefix.size() || finding_operation.rfind(prefix, 0) != 0)
    return false;
  return std::all_of(finding_operation.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
                     finding_operation.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Check metricCheck(const std::string& classname, const std::string& label, const std::string& metric,
                  std::int64_t time_ms = 0) {
  Check c{classname, metric, time_ms};
  c.operation = label;
  c.claims = [label, metric](const Finding& f) {
    return ofOperation(f.operation, label) && f.metric == metric;
  };
  return c;
}

// What the tenant shows after the settle period, and at the connector's exit
// when that differed.
std::string revocationFacts(const RevocationOutcome& r) {
  std::string facts = "claimed " + r.claimed;
  if (!r.claimed_before_restart.empty())
    facts += " (before a restart: " + r.claimed_before_restart + ")";
  facts += "; outcome " + r.outcome + "; access ";
  facts += r.applied ? std::string("gone")
                     : "remains" + (r.remaining.empty() ? "" : ": " + printableLine(r.remaining));
  if (r.applied_at_exit != r.applied)
    facts += r.applied_at_exit ? " (gone when the connector exited)"
                               : " (still held when the connector exited)";
  facts += "; result ";
  facts +=
      r.result_ms ? "after " + std::to_string(*r.result_ms) + " ms" : std::string("never printed");
  facts += std::string("; read back before the result: ") + (r.read_back ? "yes" : "no") + "\n";
  return facts;
}

std::string lagSeconds(const std::optional<std::int64_t>& ms) {
  return ms ? seconds(*ms) + " s" : "none";
}

// One line per event, whatever its text holds.
std::string eventFacts(const FreshnessEvent& e) {
  std::string line = "  event " + std::to_string(e.index) + " (" + printableLine(e.kind) + ")";
  for (std::size_t i = 0; i < e.subjects.size(); ++i)
    line += (i ? ", " : " ") + printableLine(e.subjects[i]);
  if (!e.applied)
    return line + ": not applied" + (e.detail.empty() ? "" : ": " + printableLine(e.detail)) + "\n";
  if (e.reflected_round == 0) return line + ": never reflected\n";
  line += ": reflected in drill round " + std::to_string(e.reflected_round);
  if (e.lag_rounds) line += ", " + counted(*e.lag_rounds, "round") + " late";
  return line + ", lag " + lagSeconds(e.lag_ms) + "\n";
}

std::string roundFacts(const OperationReport& o) {
  std::string facts = "rounds:\n";
  for (const auto& rd : o.rounds) {
    facts += "  round " + std::to_string(rd.round) + " (drill round " +
             std::to_string(rd.drill_round) + "): declared " + printableLine(rd.declared_status) +
             (rd.declared_reason.empty() ? "" : " (" + printableLine(rd.declared_reason) + ")") +
             ", stale_since " +
             (rd.stale_since.empty() ? "not given" : printableLine(rd.stale_since)) + ", " +
             counted(rd.stale_records, "stale record") + ", lowest recall " + fixed3(rd.recall) +
             ", " + counted(rd.requests, "request") + ", " + seconds(rd.duration_ms) + " s\n";
  }
  return o.rounds.empty() ? "" : facts;
}

// The facts behind each freshness check: the events and their lag for
// freshness.lag, the rounds' declarations and stale records for honesty, both
// (leaver events only) for leavers.
void addFreshnessChecks(const std::string& cls, const Report& r, const OperationReport& o,
                        std::vector<Check>& checks) {
  const FreshnessSummary& f = r.freshness;
  std::string events = "timeline:\n", leavers;
  for (std::size_t i = 0; i < f.events.size(); ++i) {
    if (i < kMaxFactEvents) events += eventFacts(f.events[i]);
    if (f.events[i].kind == "leaver") leavers += eventFacts(f.events[i]);
  }
  if (f.events.size() > kMaxFactEvents)
    events += "  ... " + counted(f.events.size() - kMaxFactEvents, "more event") +
              ", in the JSON report\n";
  events += "lag p50 " + lagSeconds(f.p50_lag_ms) + ", p95 " + lagSeconds(f.p95_lag_ms) + ", max " +
            lagSeconds(f.max_lag_ms) + "; " + std::to_string(f.never_reflected) +
            " never reflected; " + counted(f.stale_records_at_end, "stale record") +
            " at the end\n";
  const std::string rounds = roundFacts(o);
  for (const auto& [metric, facts] :
       {std::pair{"freshness.lag", events}, std::pair{"freshness.honesty", rounds},
        std::pair{"freshness.leavers",
                  rounds + (leavers.empty() ? "" : "leaver events:\n" + leavers)}}) {
    checks.push_back(metricCheck(cls, o.label, metric));
    checks.back().facts = facts;
  }
}

// Revocation findings carry no action id of their own; their titles start
// "<action> <action id> " (harness/findings.cpp). Should that wording change,
// the findings still fail the operation's catch-all "revocation" check.
Check revocationCheck(const Report& report, const std::string& classname, const std::string& label,
                      const RevocationOutcome& r, std::int64_t time_ms) {
  Check c{classname, actionText(report, r, false), time_ms};
  c.operation = label;
  c.action_id = r.action_id;
  c.facts = "action " + r.action_id + ": " + r.action + " " + r.account +
            (r.target.empty() ? "" : " " + r.target) + "\n" + revocationFacts(r);
  c.claims = [label, prefix = r.action + " " + r.action_id + " "](const Finding& f) {
    return f.operation == label && f.metric == "revocation" && f.title.rfind(prefix, 0) == 0;
  };
  return c;
}

// Per revocation, the ms between the result line before it (or the
// operation's start) and its own; 0 for an action without a result line.
std::vector<std::int64_t> actionSpans(const OperationReport& o) {
  std::vector<std::size_t> timed;
  for (std::size_t i = 0; i < o.revocations.size(); ++i) {
    if (o.revocations[i].result_ms) timed.push_back(i);
  }
  std::stable_sort(timed.begin(), timed.end(), [&o](std::size_t a, std::size_t b) {
    return *o.revocations[a].result_ms < *o.revocations[b].result_ms;
  });
  std::vector<std::int64_t> spans(o.revocations.size(), 0);
  std::int64_t previous = 0;
  for (const std::size_t i : timed) {
    const std::int64_t at = std::max(previous, *o.revocations[i].result_ms);
    spans[i] = at - previous;
    previous = at;
  }
  return spans;
}

// Two actions on the same people would share a name, and CI would merge
// their histories: from `first` on, a repeated name gets its action id.
void nameApart(std::vector<Check>& checks, std::size_t first) {
  std::map<std::string, int> uses;
  for (std::size_t i = first; i < checks.size(); ++i) ++uses[checks[i].name];
  for (std::size_t i = first; i < checks.size(); ++i) {
    if (uses[checks[i].name] > 1) checks[i].name += " [" + checks[i].action_id + "]";
  }
}

// The operation's checks in a fixed order, so that a test keeps its name and
// place from run to run and CI can track its history.
void addOperationChecks(const std::string& suite, const Report& r, const OperationReport& o,
                        std::vector<Check>& checks) {
  const std::string cls = suite + "." + o.label;
  if (o.kind == "sync") {
    for (const auto& t : o.completeness)
      checks.push_back(metricCheck(cls, o.label, "completeness." + t.type + "s"));
    for (const char* metric : {"completeness.attributes", "completeness.references", "honesty"})
      checks.push_back(metricCheck(cls, o.label, metric));
    // Without a timeline nothing changes between rounds: no freshness to check.
    if (!r.freshness.events.empty()) addFreshnessChecks(cls, r, o, checks);
  }
  // Each revocation carries the time the connector spent on it: from its
  // previous result line (or the operation's start) to its own; the process
  // check carries the rest, so test times add up to the operation's.
  const std::vector<std::int64_t> spans = actionSpans(o);
  std::int64_t spent = 0;
  const std::size_t first = checks.size();
  for (std::size_t i = 0; i < o.revocations.size(); ++i) {
    checks.push_back(revocationCheck(r, cls, o.label, o.revocations[i], spans[i]));
    spent += spans[i];
  }
  nameApart(checks, first);
  checks.push_back(
      metricCheck(cls, o.label, "process", std::max<std::int64_t>(0, o.duration_ms - spent)));
  if (!o.auth_trouble.empty()) checks.back().facts = "ended refused: " + o.auth_trouble + "\n";
  if (o.restarts > 0)
    checks.back().facts += "killed by a fault and restarted " + counted(o.restarts, "time") +
                           "; the last run is scored" + killedClaimsNote(o) + "\n";
  for (const char* metric : {"protocol", "behaviour.retry_after", "behaviour.secret_hygiene"})
    checks.push_back(metricCheck(cls, o.label, metric));
}

void addFaultCheck(const std::string& suite, const FaultFiring& fault, std::vector<Check>& checks) {
  Check c{suite + ".faults", "fault " + fault.id + " fired >= " + std::to_string(fault.min_fires)};
  if (fault.fired < fault.min_fires) {
    c.skipped = "fault " + fault.id + " (" + fault.kind + ") fired " +
                counted(fault.fired, "time") + "; " + std::to_string(fault.min_fires) +
                " required, so the drill proves nothing about it";
  }
  // fault-not-fired findings are titled "Fault <id> (<kind>) fired ..." (harness/findings.cpp).
  c.claims = [prefix = "Fault " + fault.id + " "](const Finding& f) {
    return f.operation.empty() && f.metric == "instrument" && f.title.rfind(prefix, 0) == 0;
  };
  checks.push_back(std::move(c));
}

// A finding no planned check claims (a drill-level finding, a metric added
// later) gets a check named after its metric, so that none is ever dropped.
Check& checkFor(const Report& r, const std::string& suite, const Finding& f,
                std::vector<Check>& checks) {
  for (auto& c : checks) {
    if (c.claims && c.claims(f)) return c;
  }
  const auto owner =
      std::find_if(r.operations.begin(), r.operations.end(),
                   [&](const OperationReport& o) { return ofOperation(f.operation, o.label); });
  const std::string label = owner == r.operations.end() ? "" : owner->label;
  const std::string cls = suite + "." + (label.empty() ? "drill" : label);
  const std::string name = f.metric.empty() ? "findings" : f.metric;
  for (auto& c : checks) {
    if (!c.claims && c.classname == cls && c.name == name) return c;
  }
  checks.push_back(Check{cls, name});
  checks.back().operation = label;
  return checks.back();
}

std::vector<Check> buildChecks(const Report& r, const std::string& suite) {
  std::vector<Check> checks;
  for (const auto& o : r.operations) addOperationChecks(suite, r, o, checks);
  for (const auto& fault : r.faults) addFaultCheck(suite, fault, checks);
  for (const auto& f : r.findings) checkFor(r, suite, f, checks).findings.push_back(&f);
  return checks;
}

// "[severity] id: title", the round it is about when the check's operation
// ran more than once, the detail, what the policy did to it, then the
// evidence, one finding after another.
std::string describe(const Check& c, const std::vector<const Finding*>& findings) {
  std::string out;
  for (const Finding* f : findings) {
    if (!out.empty()) out += "\n";
    out += std::string("[") + severityName(f->severity) + "] " + f->id + ": " + f->title + "\n";
    if (!c.operation.empty() && f->operation != c.operation) out += "in " + f->operation + "\n";
    if (!f->detail.empty()) out += f->detail + "\n";
    if (!f->policy.empty()) out += "policy: " + f->policy + "\n";
    if (!f->evidence.journal.empty()) out += "journal:\n";
    for (const auto& line : f->evidence.journal) out += "  " + printableLine(line) + "\n";
    if (!f->evidence.connector_output.empty()) out += "connector output:\n";
    for (const auto& line : f->evidence.connector_output) out += "  " + printableLine(line) + "\n";
  }
  return out;
}

std::string factsOf(const Check& c) {
  return c.facts.empty() ? "" : "\n" + c.facts;
}

struct Counts {
  std::size_t tests = 0, failures = 0, skipped = 0;
};

void writeCheck(std::ostringstream& out, const Check& c, Counts& counts) {
  std::vector<const Finding*> failing, notes;
  for (const Finding* f : c.findings) (isFailing(*f) ? failing : notes).push_back(f);
  ++counts.tests;
  out << "    <testcase classname=\"" << attr(c.classname) << "\" name=\"" << attr(c.name)
      << "\" time=\"" << seconds(c.time_ms) << "\"";
  if (failing.empty() && notes.empty() && c.skipped.empty()) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  if (!failing.empty()) {
    ++counts.failures;
    // The first of the most severe: findings are listed in the order found.
    const Finding* worst = *std::max_element(
        failing.begin(), failing.end(),
        [](const Finding* a, const Finding* b) { return a->severity < b->severity; });
    out << "      <failure message=\"" << attr(worst->title) << "\" type=\"" << attr(worst->id)
        << "\">" << text(describe(c, failing) + factsOf(c)) << "</failure>\n";
  } else if (!c.skipped.empty()) {
    ++counts.skipped;
    out << "      <skipped message=\"" << attr(c.skipped) << "\"/>\n";
  }
  // The facts go with the failure when there is one, else with the notes.
  if (!notes.empty()) {
    out << "      <system-out>" << text(describe(c, notes) + (failing.empty() ? factsOf(c) : ""))
        << "</system-out>\n";
  }
  out << "    </testcase>\n";
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// The policy the drill was judged by, on one line.
std::string policyLine(const PolicySummary& p) {
  std::string line = (p.sources.empty() ? std::string("unrecorded") : joined(p.sources, " + ")) +
                     ": honest_partial " + (p.accept_honest_partial ? "accept" : "fail") +
                     ", inconclusive " + (p.pass_inconclusive ? "pass" : "fail") + ", min_recall " +
                     fixed3(p.min_recall) + ", min_precision " + fixed3(p.min_precision) +
                     ", max_retry_after_violations " +
                     std::to_string(p.max_retry_after_violations) + ", max_amplification " +
                     fixed3(p.max_amplification);
  std::string overrides;
  for (const auto& [id, severity] : p.severity)
    overrides += (overrides.empty() ? "" : ", ") + id + " -> " + severity;
  if (!overrides.empty()) line += ", severity " + overrides;
  for (const auto& [source, reason] : p.reasons) line += "; reason of " + source + ": " + reason;
  return line;
}

void writeProperties(std::ostringstream& out, const Report& r) {
  const std::pair<const char*, std::string> properties[] = {
      {"faultline.verdict", verdictName(r.verdict)},
      {"faultline.verdict_reason", r.verdict_reason},
      {"faultline.failure_classes", joined(r.failure_classes, ",")},
      {"faultline.policy", policyLine(r.policy)},
      {"faultline.exemptions", exemptionBanner(r)},
      {"faultline.seed", std::to_string(r.seed)},
      {"faultline.drill_id", r.drill_id},
      {"faultline.scenario_file", r.scenario.file},
      {"faultline.connector_version", r.connector.version},
      {"faultline.tool_version", r.tool_version},
      {"faultline.journal_file", r.journal_file},
      {"faultline.replay_command", r.replay_command}};
  out << "    <properties>\n";
  for (const auto& [name, value] : properties) {
    out << "      <property name=\"" << name << "\" value=\"" << attr(value) << "\"/>\n";
  }
  out << "    </properties>\n";
}

}  // namespace

std::string renderJunitReport(const Report& r) {
  const std::string suite = r.connector.name + "." + r.scenario.name;
  const std::vector<Check> checks = buildChecks(r, suite);
  std::ostringstream cases;
  Counts counts;
  for (const auto& c : checks) writeCheck(cases, c, counts);
  std::ostringstream props;
  writeProperties(props, r);

  std::ostringstream totals;
  totals << " tests=\"" << counts.tests << "\" failures=\"" << counts.failures
         << "\" errors=\"0\" skipped=\"" << counts.skipped << "\" time=\"" << seconds(r.duration_ms)
         << "\"";
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"faultline\"" << totals.str() << ">\n";
  out << "  <testsuite name=\"" << attr(suite) << "\"" << totals.str();
  if (!r.started_at.empty()) out << " timestamp=\"" << attr(r.started_at) << "\"";
  out << ">\n" << props.str() << cases.str();
  out << "    <system-out>"
      << text(std::string("verdict: ") + verdictName(r.verdict) + " (" + r.verdict_reason + ")\n" +
              (exemptionBanner(r).empty() ? "" : exemptionBanner(r) + "\n") +
              (r.failure_classes.empty() ? ""
                                         : "broken: " + joined(r.failure_classes, ", ") + "\n") +
              "judged by " + policyLine(r.policy) + "\nreplay: " + r.replay_command + "\n")
      << "</system-out>\n";
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace faultline::reports
