#include "reports/junit_report.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sstream>
#include <string_view>
#include <vector>

#include "reports/printable_text.h"

namespace faultline::reports {
namespace {

// One test case: a check the drill made and the findings that bear on it.
struct Check {
  std::string classname;
  std::string name;
  std::int64_t time_ms = 0;
  std::string skipped;                         // why the check proved nothing; "" when it did
  std::function<bool(const Finding&)> claims;  // empty for checks made up for stray findings
  std::vector<const Finding*> findings;
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

Check metricCheck(const std::string& classname, const std::string& label, const std::string& metric,
                  std::int64_t time_ms = 0) {
  Check c{classname, metric, time_ms};
  c.claims = [label, metric](const Finding& f) {
    return f.operation == label && f.metric == metric;
  };
  return c;
}

// Revocation findings carry no action id of their own; their titles start
// "<action> <action id> " (harness/findings.cpp). Should that wording change,
// the findings still fail the operation's catch-all "revocation" check.
Check revocationCheck(const std::string& classname, const std::string& label,
                      const RevocationOutcome& r) {
  Check c{classname, "revocation " + r.action_id + ": " + r.action + " " + r.account +
                         (r.target.empty() ? "" : " " + r.target)};
  c.claims = [label, prefix = r.action + " " + r.action_id + " "](const Finding& f) {
    return f.operation == label && f.metric == "revocation" && f.title.rfind(prefix, 0) == 0;
  };
  return c;
}

// The operation's checks in a fixed order, so that a test keeps its name and
// place from run to run and CI can track its history.
void addOperationChecks(const std::string& suite, const OperationReport& o,
                        std::vector<Check>& checks) {
  const std::string cls = suite + "." + o.label;
  if (o.kind == "sync") {
    for (const auto& t : o.completeness)
      checks.push_back(metricCheck(cls, o.label, "completeness." + t.type + "s"));
    for (const char* metric : {"completeness.attributes", "completeness.references", "honesty"})
      checks.push_back(metricCheck(cls, o.label, metric));
  }
  for (const auto& r : o.revocations) checks.push_back(revocationCheck(cls, o.label, r));
  // The process check carries the operation's time, so test times add up to
  // the time spent running the connector.
  checks.push_back(metricCheck(cls, o.label, "process", o.duration_ms));
  for (const char* metric : {"protocol", "behaviour.retry_after", "behaviour.secret_hygiene"})
    checks.push_back(metricCheck(cls, o.label, metric));
}

void addFaultCheck(const std::string& suite, const FaultFiring& fault, std::vector<Check>& checks) {
  Check c{suite + ".faults", "fault " + fault.id + " fired >= " + std::to_string(fault.min_fires)};
  if (fault.fired < fault.min_fires) {
    c.skipped = "fault " + fault.id + " (" + fault.kind + ") fired " + std::to_string(fault.fired) +
                " time(s); " + std::to_string(fault.min_fires) +
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
  const bool of_operation =
      std::any_of(r.operations.begin(), r.operations.end(),
                  [&](const OperationReport& o) { return o.label == f.operation; });
  const std::string cls = suite + "." + (of_operation ? f.operation : "drill");
  const std::string name = f.metric.empty() ? "findings" : f.metric;
  for (auto& c : checks) {
    if (!c.claims && c.classname == cls && c.name == name) return c;
  }
  checks.push_back(Check{cls, name});
  return checks.back();
}

std::vector<Check> buildChecks(const Report& r, const std::string& suite) {
  std::vector<Check> checks;
  for (const auto& o : r.operations) addOperationChecks(suite, o, checks);
  for (const auto& fault : r.faults) addFaultCheck(suite, fault, checks);
  for (const auto& f : r.findings) checkFor(r, suite, f, checks).findings.push_back(&f);
  return checks;
}

// "[severity] id: title", the detail, then the evidence, one finding after another.
std::string describe(const std::vector<const Finding*>& findings) {
  std::string out;
  for (const Finding* f : findings) {
    if (!out.empty()) out += "\n";
    out += std::string("[") + severityName(f->severity) + "] " + f->id + ": " + f->title + "\n";
    if (!f->detail.empty()) out += f->detail + "\n";
    if (!f->evidence.journal.empty()) out += "journal:\n";
    for (const auto& line : f->evidence.journal) out += "  " + printableLine(line) + "\n";
    if (!f->evidence.connector_output.empty()) out += "connector output:\n";
    for (const auto& line : f->evidence.connector_output) out += "  " + printableLine(line) + "\n";
  }
  return out;
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
        << "\">" << text(describe(failing)) << "</failure>\n";
  } else if (!c.skipped.empty()) {
    ++counts.skipped;
    out << "      <skipped message=\"" << attr(c.skipped) << "\"/>\n";
  }
  if (!notes.empty()) out << "      <system-out>" << text(describe(notes)) << "</system-out>\n";
  out << "    </testcase>\n";
}

void writeProperties(std::ostringstream& out, const Report& r) {
  const std::pair<const char*, std::string> properties[] = {
      {"faultline.verdict", verdictName(r.verdict)},
      {"faultline.verdict_reason", r.verdict_reason},
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
      << text(std::string("verdict: ") + verdictName(r.verdict) + " (" + r.verdict_reason +
              ")\nreplay: " + r.replay_command + "\n")
      << "</system-out>\n";
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace faultline::reports
