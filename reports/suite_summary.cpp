#include "reports/suite_summary.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "reports/printable_text.h"
#include "reports/wording.h"

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
    drills.push_back(
        {{"index", d.index},
         {"connector", d.connector},
         {"scenario", d.scenario},
         {"seed", d.seed},
         {"verdict", d.verdict},
         {"reason", d.reason},
         {"report", d.report},
         {"worst_finding", d.worst},
         {"findings", {{"critical", d.critical}, {"error", d.errors}, {"warning", d.warnings}}},
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
  if (!s.complete)
    out << "**Incomplete:** stopped by " << s.stopped_by << " before every drill ran.\n\n";
  out << counted(s.drills.size(), "drill");
  for (const auto& [verdict, n] : totals) out << ", " << n << " " << verdict;
  out << "; " << seconds(s.duration_ms) << " s with " << counted(s.jobs, "job");
  if (s.shard_count > 1) out << ", shard " << s.shard_index << " of " << s.shard_count;
  out << ".\n\n| connector | scenario | seed | verdict | worst finding | report |\n"
      << "| --- | --- | --- | --- | --- | --- |\n";
  for (const auto& d : s.drills) {
    const std::string why = d.worst.empty() ? d.reason : d.worst;
    out << "| " << cell(d.connector) << " | " << cell(d.scenario) << " | " << d.seed << " | "
        << (isBad(d.verdict) ? "**" + d.verdict + "**" : d.verdict) << " | " << cell(why) << " | "
        << (d.report.empty() ? "" : "[json](" + d.report + ")") << " |\n";
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
          << escapeMarkup(d->connector + " seed " + std::to_string(d->seed), true) << "\" time=\""
          << seconds(d->duration_ms) << "\">";
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

std::string renderSuiteHtml(const SuiteSummary& s, bool link_html) {
  auto esc = [](const std::string& t) { return escapeMarkup(t, true); };
  std::vector<std::string> scenarios;
  std::vector<std::pair<std::string, std::uint64_t>> columns;
  std::map<std::pair<std::string, std::pair<std::string, std::uint64_t>>, const SuiteDrill*> cells;
  for (const auto& d : s.drills) {
    if (std::find(scenarios.begin(), scenarios.end(), d.scenario) == scenarios.end())
      scenarios.push_back(d.scenario);
    const auto column = std::make_pair(d.connector, d.seed);
    if (std::find(columns.begin(), columns.end(), column) == columns.end())
      columns.push_back(column);
    cells[{d.scenario, column}] = &d;
  }
  std::map<std::string, int> totals;
  for (const auto& d : s.drills) ++totals[d.verdict];
  std::ostringstream out;
  const std::string title =
      "faultline suite " + s.suite + ": " + (s.passed() ? "passed" : "failed");
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>"
      << esc(title)
      << "</title>\n<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1f2328}"
         "table{border-collapse:collapse}th,td{border:1px solid #d1d9e0;padding:.3em .6em}"
         "th{background:#f6f8fa;text-align:left}td "
         "a{color:inherit;text-decoration:none;display:block}"
         ".passed{background:#dafbe1}.failed,.error,.not-run{background:#ffebe9;font-weight:600}"
         ".inconclusive{background:#fff8c5}.not-applicable,.skipped{background:#f6f8fa;color:#"
         "59636e}"
         ".banner{font-size:1.3em;font-weight:700}.banner.ok{color:#1a7f37}.banner.bad{color:#"
         "a40e26}"
         "</style>\n</head>\n<body>\n<h1>"
      << esc(title) << "</h1>\n<p class=\"banner " << (s.passed() ? "ok" : "bad") << "\">"
      << counted(s.drills.size(), "drill");
  for (const auto& [verdict, n] : totals) out << ", " << n << " " << esc(verdict);
  out << "</p>\n<p>" << seconds(s.duration_ms) << " s with " << counted(s.jobs, "job")
      << ", started " << esc(s.started_at);
  if (s.shard_count > 1) out << ", shard " << s.shard_index << " of " << s.shard_count;
  out << ".</p>\n";
  if (!s.complete)
    out << "<p class=\"banner bad\">Incomplete: stopped by " << esc(s.stopped_by)
        << " before every drill ran.</p>\n";
  out << "<table>\n<tr><th>scenario</th>";
  for (const auto& [connector, seed] : columns)
    out << "<th>" << esc(connector) << "<br>seed " << seed << "</th>";
  out << "</tr>\n";
  for (const auto& scenario : scenarios) {
    out << "<tr><th>" << esc(scenario) << "</th>";
    for (const auto& column : columns) {
      const auto it = cells.find({scenario, column});
      if (it == cells.end()) {
        out << "<td></td>";
        continue;
      }
      const SuiteDrill& d = *it->second;
      const std::string why = d.worst.empty() ? d.reason : d.worst;
      out << "<td class=\"" << esc(d.verdict) << "\" title=\"" << esc(why) << "\">";
      std::string link = d.report;
      if (link_html && link.size() > 5 && link.compare(link.size() - 5, 5, ".json") == 0)
        link = link.substr(0, link.size() - 5) + ".html";
      if (!link.empty()) out << "<a href=\"" << esc(link) << "\">";
      out << esc(d.verdict);
      if (!link.empty()) out << "</a>";
      out << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace faultline::reports
