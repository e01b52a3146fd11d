#include "reports/suite_summary.h"

#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "reports/printable_text.h"

namespace faultline::reports {
namespace {

bool isBad(const std::string& verdict) {
  return verdict == "failed" || verdict == "inconclusive" || verdict == "error" ||
         verdict == "not-run";
}

std::string seconds(std::int64_t ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(ms) / 1000.0);
  return buffer;
}

// A Markdown table cell: one line, pipes escaped.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : printableLine(s)) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

bool SuiteSummary::passed() const {
  if (!complete) return false;
  for (const auto& d : drills) {
    if (isBad(d.verdict)) return false;
  }
  return true;
}

std::string renderSuiteJson(const SuiteSummary& s) {
  nlohmann::ordered_json j;
  j["faultline_suite_summary"] = kSuiteSummaryVersion;
  j["suite"] = s.suite;
  j["suite_file"] = s.suite_file;
  j["tool_version"] = s.tool_version;
  j["started_at"] = s.started_at;
  j["duration_ms"] = s.duration_ms;
  j["jobs"] = s.jobs;
  j["shard"] = {{"index", s.shard_index}, {"count", s.shard_count}};
  j["total_drills"] = s.total_drills;
  j["complete"] = s.complete;
  if (!s.complete) j["stopped_by"] = s.stopped_by;
  j["passed"] = s.passed();
  std::map<std::string, int> totals;
  for (const auto& d : s.drills) ++totals[d.verdict];
  j["totals"] = totals;
  auto& drills = j["drills"] = nlohmann::ordered_json::array();
  for (const auto& d : s.drills) {
    drills.push_back({{"index", d.index},
                      {"connector", d.connector},
                      {"scenario", d.scenario},
                      {"seed", d.seed},
                      {"verdict", d.verdict},
                      {"reason", d.reason},
                      {"report", d.report},
                      {"worst_finding", d.worst},
                      {"findings", {{"critical", d.critical}, {"error", d.errors},
                                    {"warning", d.warnings}}},
                      {"duration_ms", d.duration_ms}});
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string renderSuiteMarkdown(const SuiteSummary& s) {
  std::ostringstream out;
  std::map<std::string, int> totals;
  for (const auto& d : s.drills) ++totals[d.verdict];
  out << "## faultline suite " << cell(s.suite) << ": " << (s.passed() ? "passed" : "failed")
      << "\n\n";
  if (!s.complete) out << "**Incomplete:** stopped by " << s.stopped_by << " before every drill ran.\n\n";
  out << s.drills.size() << " drill(s)";
  for (const auto& [verdict, n] : totals) out << ", " << n << " " << verdict;
  out << "; " << seconds(s.duration_ms) << " s with " << s.jobs << " job(s)";
  if (s.shard_count > 1) out << ", shard " << s.shard_index << " of " << s.shard_count;
  out << ".\n\n| connector | scenario | seed | verdict | worst finding | report |\n"
      << "| --- | --- | --- | --- | --- | --- |\n";
  for (const auto& d : s.drills) {
    const std::string why = d.worst.empty() ? d.reason : d.worst;
    out << "| " << cell(d.connector) << " | " << cell(d.scenario) << " | " << d.seed << " | "
        << (isBad(d.verdict) ? "**" + d.verdict + "**" : d.verdict) << " | " << cell(why)
        << " | " << (d.report.empty() ? "" : "[json](" + d.report + ")") << " |\n";
  }
  return out.str();
}

std::string renderSuiteJunit(const SuiteSummary& s) {
  std::map<std::string, std::vector<const SuiteDrill*>> by_scenario;
  for (const auto& d : s.drills) by_scenario[d.scenario].push_back(&d);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\""
      << escapeMarkup("faultline suite " + s.suite, true) << "\" tests=\"" << s.drills.size()
      << "\" time=\"" << seconds(s.duration_ms) << "\">\n";
  for (const auto& [scenario, drills] : by_scenario) {
    int failures = 0, errors = 0, skipped = 0;
    std::int64_t ms = 0;
    for (const auto* d : drills) {
      failures += d->verdict == "failed" || d->verdict == "inconclusive";
      errors += d->verdict == "error" || d->verdict == "not-run";
      skipped += d->verdict == "not-applicable" || d->verdict == "skipped";
      ms += d->duration_ms;
    }
    out << "  <testsuite name=\"" << escapeMarkup(scenario, true) << "\" tests=\"" << drills.size()
        << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped
        << "\" time=\"" << seconds(ms) << "\">\n";
    for (const auto* d : drills) {
      out << "    <testcase classname=\"" << escapeMarkup(scenario, true) << "\" name=\""
          << escapeMarkup(d->connector + " seed " + std::to_string(d->seed), true)
          << "\" time=\"" << seconds(d->duration_ms) << "\">";
      const std::string message = d->worst.empty() ? d->reason : d->worst;
      if (d->verdict == "failed" || d->verdict == "inconclusive") {
        out << "\n      <failure message=\"" << escapeMarkup(message, true) << "\" type=\""
            << d->verdict << "\">" << escapeMarkup(d->reason, false) << "</failure>\n    ";
      } else if (d->verdict == "error" || d->verdict == "not-run") {
        out << "\n      <error message=\"" << escapeMarkup(message, true) << "\" type=\""
            << d->verdict << "\"/>\n    ";
      } else if (d->verdict == "not-applicable" || d->verdict == "skipped") {
        out << "\n      <skipped message=\"" << escapeMarkup(d->reason, true) << "\"/>\n    ";
      }
      out << "</testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace faultline::reports
