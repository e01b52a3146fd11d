#include "reports/json_report.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "reports/triage.h"
#include "reports/wording.h"

namespace faultline::reports {
namespace {

using nlohmann::json;

json toJson(const Evidence& e) {
  return {{"journal", e.journal}, {"connector_output", e.connector_output}};
}

json toJson(const Measure& m) {
  return {{"name", m.name},
          {"value", m.value},
          {"limit", m.limit ? json(*m.limit) : json(nullptr)},
          {"unit", m.unit}};
}

json toJson(const Finding& f) {
  json out = {{"id", f.id},
              {"severity", severityName(f.severity)},
              {"metric", f.metric},
              {"operation", f.operation},
              {"title", f.title},
              {"detail", f.detail},
              {"evidence", toJson(f.evidence)},
              {"policy", f.policy}};
  // Omitted when empty: a finding with nothing measured reads as it did
  // before measures existed.
  if (!f.measures.empty()) {
    json measures = json::array();
    for (const auto& m : f.measures) measures.push_back(toJson(m));
    out["measures"] = std::move(measures);
  }
  return out;
}

json toJson(const TypeScore& t) {
  return {{"type", t.type},
          {"expected", t.expected},
          {"returned", t.returned},
          {"matched", t.matched},
          {"duplicates", t.duplicates},
          {"attribute_mismatches", t.attribute_mismatches},
          {"recall", t.recall},
          {"precision", t.precision},
          {"missing_total", t.missing_total},
          {"missing", t.missing},
          {"phantom_total", t.phantom_total},
          {"phantom", t.phantom}};
}

json toJson(const ProcessSummary& p) {
  return {{"started", p.started},
          {"start_error", p.start_error},
          {"exit_code", p.exit_code ? json(*p.exit_code) : json(nullptr)},
          {"signal", p.signal ? json(*p.signal) : json(nullptr)},
          {"timed_out", p.timed_out},
          {"needed_kill", p.needed_kill},
          {"left_processes", p.left_processes},
          {"duration_ms", p.duration_ms},
          {"stdout_bytes", p.stdout_bytes},
          {"stderr_bytes", p.stderr_bytes},
          {"stdout_truncated", p.stdout_truncated},
          {"stderr_truncated", p.stderr_truncated},
          {"stderr_tail", p.stderr_tail}};
}

json toJson(const RevocationOutcome& r) {
  return {{"action_id", r.action_id},
          {"action", r.action},
          {"account", r.account},
          {"target", r.target},
          {"privileged", r.privileged},
          {"non_human", r.non_human},
          {"claimed", r.claimed},
          {"applied", r.applied},
          {"applied_at_exit", r.applied_at_exit},
          {"remaining", r.remaining},
          {"outcome", r.outcome},
          {"detail", r.detail},
          {"result_ms", r.result_ms ? json(*r.result_ms) : json(nullptr)},
          {"read_back", r.read_back},
          {"claimed_before_restart", r.claimed_before_restart}};
}

json toJson(const RoundReport& r) {
  json out = {{"round", r.round},
              {"drill_round", r.drill_round},
              {"started_ms", r.started_ms},
              {"duration_ms", r.duration_ms},
              {"requests", r.requests},
              {"declared_status", r.declared_status},
              {"declared_reason", r.declared_reason},
              {"stale_since", r.stale_since},
              {"recall", r.recall},
              {"stale_records", r.stale_records}};
  // Written only when the connector sent it: absent and [] differ.
  if (r.declared_incomplete) out["declared_incomplete"] = *r.declared_incomplete;
  return out;
}

template <typename T>
json orNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json toJson(const FreshnessSummary& s) {
  json events = json::array();
  for (const auto& e : s.events) {
    events.push_back({{"index", e.index},
                      {"kind", e.kind},
                      {"applied", e.applied},
                      {"subjects", e.subjects},
                      {"detail", e.detail},
                      {"after_request", e.after_request},
                      {"applied_ms", orNull(e.applied_ms)},
                      {"reflected_round", e.reflected_round},
                      {"lag_rounds", orNull(e.lag_rounds)},
                      {"lag_ms", orNull(e.lag_ms)}});
  }
  return {{"events", events},
          {"p50_lag_ms", orNull(s.p50_lag_ms)},
          {"p95_lag_ms", orNull(s.p95_lag_ms)},
          {"max_lag_ms", orNull(s.max_lag_ms)},
          {"never_reflected", s.never_reflected},
          {"stale_records_at_end", s.stale_records_at_end}};
}

json toJson(const OperationReport& o) {
  json rounds = json::array();
  for (const auto& r : o.rounds) rounds.push_back(toJson(r));
  json completeness = json::array();
  for (const auto& t : o.completeness) completeness.push_back(toJson(t));
  json revocations = json::array();
  for (const auto& r : o.revocations) revocations.push_back(toJson(r));
  json out = {{"label", o.label},
              {"kind", o.kind},
              {"started_ms", o.started_ms},
              {"duration_ms", o.duration_ms},
              {"requests", o.requests},
              {"process", toJson(o.process)},
              {"declared_status", o.declared_status},
              {"declared_reason", o.declared_reason},
              {"completeness", completeness},
              {"dangling_references", o.dangling_references},
              {"dangling", o.dangling},
              {"revocations", revocations},
              {"protocol_violations", o.protocol_violations},
              {"auth_trouble", o.auth_trouble},
              {"amplification", o.amplification},
              {"minimum_requests", o.minimum_requests},
              {"rounds", rounds},
              {"restarts", o.restarts}};
  if (o.declared_incomplete) out["declared_incomplete"] = *o.declared_incomplete;
  return out;
}

// "time to confirmation: p50 120 ms, max 340 ms over 2 confirmed actions",
// with nearest-rank p50 over the actions the connector said were confirmed;
// "" when none has a timed result line.
std::string confirmationTimes(const OperationReport& o) {
  std::vector<std::int64_t> ms;
  for (const auto& r : o.revocations) {
    if (r.claimed == "confirmed" && r.result_ms) ms.push_back(*r.result_ms);
  }
  if (ms.empty()) return "";
  std::sort(ms.begin(), ms.end());
  const std::size_t p50 = (ms.size() + 1) / 2;  // rank ceil(n / 2), 1-based
  return "time to confirmation: p50 " + std::to_string(ms[p50 - 1]) + " ms, max " +
         std::to_string(ms.back()) + " ms over " + counted(ms.size(), "confirmed action");
}

json toJson(const std::vector<Exemption>& exemptions) {
  json out = json::array();
  for (const auto& e : exemptions) {
    out.push_back({{"rule", e.rule},
                   {"text", e.text},
                   {"source", e.source},
                   {"reason", e.reason},
                   {"findings", e.findings}});
  }
  return out;
}

json toJson(const std::map<std::string, Identity>& identities) {
  json out = json::object();
  for (const auto& [id, i] : identities) {
    json entry = {{"kind", i.kind},
                  {"name", i.name},
                  {"privileged", i.privileged},
                  {"non_human", i.non_human}};
    if (!i.owner.empty()) entry["owner"] = i.owner;
    out[id] = std::move(entry);
  }
  return out;
}

}  // namespace

json reportToJson(const Report& r) {
  json operations = json::array();
  for (const auto& o : r.operations) operations.push_back(toJson(o));
  json findings = json::array();
  for (const auto& f : r.findings) findings.push_back(toJson(f));
  json faults = json::array();
  for (const auto& f : r.faults) {
    faults.push_back(
        {{"id", f.id}, {"kind", f.kind}, {"min_fires", f.min_fires}, {"fired", f.fired}});
  }
  return {{"faultline_report", r.format_version},
          {"format_minor", kReportFormatMinor},
          {"tool_version", r.tool_version},
          {"drill_id", r.drill_id},
          {"seed", r.seed},
          {"started_at", r.started_at},
          {"duration_ms", r.duration_ms},
          {"scenario",
           {{"name", r.scenario.name},
            {"file", r.scenario.file},
            {"description", r.scenario.description},
            {"dialect", r.scenario.dialect},
            {"accounts", r.scenario.accounts},
            {"groups", r.scenario.groups},
            {"entitlements", r.scenario.entitlements}}},
          {"connector",
           {{"name", r.connector.name},
            {"version", r.connector.version},
            {"manifest", r.connector.manifest_path},
            {"command", r.connector.command},
            {"args", r.connector.args},
            {"env", r.connector.env}}},
          {"verdict", verdictName(r.verdict)},
          {"verdict_reason", r.verdict_reason},
          {"failure_classes", r.failure_classes},
          {"policy",
           {{"sources", r.policy.sources},
            {"honest_partial", r.policy.accept_honest_partial ? "accept" : "fail"},
            {"inconclusive", r.policy.pass_inconclusive ? "pass" : "fail"},
            {"min_recall", r.policy.min_recall},
            {"min_precision", r.policy.min_precision},
            {"max_retry_after_violations", r.policy.max_retry_after_violations},
            {"max_amplification", r.policy.max_amplification},
            {"severity", r.policy.severity},
            {"reasons", r.policy.reasons}}},
          {"exemptions", toJson(r.exemptions)},
          {"identities", toJson(r.identities)},
          {"operations", operations},
          {"findings", findings},
          {"faults", faults},
          {"freshness", toJson(r.freshness)},
          {"journal_requests", r.journal_requests},
          {"replay_command", r.replay_command},
          {"journal_file", r.journal_file}};
}

std::string renderJsonReport(const Report& report) {
  // Evidence quotes connector output verbatim and cut to a byte limit, so it
  // may hold bytes that are not UTF-8; they become U+FFFD rather than a throw.
  return reportToJson(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

// A detail that lists ids ("missing account ids: a, b ... (150 in all)",
// then perhaps the connector's reason in parentheses) as its counts and the
// reason; "" for any other detail.
std::string countedIdList(const std::string& detail) {
  const auto head = detail.find("ids: ");
  if (head == std::string::npos) return "";
  const auto start = head + 5;
  std::string reason;
  auto end = detail.size();
  for (const char* tail : {" (reason given: ", " (no status line)"}) {
    if (const auto at = detail.find(tail, start); at != std::string::npos && at < end) end = at;
  }
  if (end < detail.size()) reason = detail.substr(end);
  std::string list = detail.substr(start, end - start);
  std::size_t total = 0;
  if (const auto all = list.rfind(" ... ("); all != std::string::npos) {
    total = std::strtoull(list.c_str() + all + 6, nullptr, 10);
    list.resize(all);
  }
  if (list.empty()) return "";
  std::size_t listed = 1;
  for (auto at = list.find(", "); at != std::string::npos; at = list.find(", ", at + 2)) ++listed;
  const std::string what = detail.substr(0, head + 3);
  return what + ": " +
         (total > listed ? std::to_string(listed) + " of " + std::to_string(total) + " listed"
                         : std::to_string(listed) + " listed") +
         " in the JSON report" + reason;
}

}  // namespace

std::string renderSummary(const Report& r) {
  std::ostringstream out;
  out << "verdict: " << verdictName(r.verdict) << " (" << r.verdict_reason << ")\n";
  if (const std::string banner = exemptionBanner(r); !banner.empty()) out << banner << "\n";
  if (!r.failure_classes.empty()) {
    out << "broken:";
    for (const auto& c : r.failure_classes) out << " " << c;
    out << "\n";
  }
  out << "scenario " << r.scenario.name << ", connector " << r.connector.name << ", seed " << r.seed
      << ", " << r.journal_requests << " requests, " << r.duration_ms << " ms\n";
  for (const auto& o : r.operations) {
    out << "  " << o.label << " [" << o.kind << "] declared " << o.declared_status;
    if (!o.declared_reason.empty()) out << " (" << o.declared_reason << ")";
    if (o.declared_incomplete) out << "; " << declaredIncompleteText(o.declared_incomplete);
    out << "\n";
    for (const auto& t : o.completeness) {
      char line[200];
      std::snprintf(
          line, sizeof line,
          "    %-12s recall %.3f  precision %.3f  (%zu of %zu, %zu missing, %zu phantom)\n",
          t.type.c_str(), t.recall, t.precision, t.matched, t.expected, t.missing_total,
          t.phantom_total);
      out << line;
    }
    for (const auto& rv : o.revocations) {
      out << "    " << rv.action_id << " " << actionText(r, rv) << ": claimed " << rv.claimed
          << ", " << (rv.applied ? "applied" : "NOT applied") << " -> " << rv.outcome << "\n";
    }
    if (const std::string times = confirmationTimes(o); !times.empty())
      out << "    " << times << "\n";
  }
  for (const auto& f : r.faults) {
    out << "  fault " << f.id << " (" << f.kind << "): fired "
        << counted(static_cast<std::size_t>(f.fired), "time");
    if (f.min_fires > 0) out << ", required " << f.min_fires;
    out << "\n";
  }
  if (!r.findings.empty()) out << "findings, what to fix first:\n";
  for (const Finding* f : fixFirstOrder(r)) {
    out << "  [" << severityName(f->severity) << "] " << f->id << " (" << f->operation
        << "): " << f->title << "\n";
    // Without names from the tenant the detail already lists the ids; with
    // them, the who line says it in names and the list is left to the report.
    const std::string who = r.identities.empty() ? "" : involvedNames(r, *f);
    if (!who.empty()) out << "      who: " << who << "\n";
    const std::string counts = who.empty() ? "" : countedIdList(f->detail);
    if (!counts.empty())
      out << "      " << counts << "\n";
    else if (!f->detail.empty())
      out << "      " << cutWithEllipsis(f->detail, 400) << "\n";
  }
  out << "replay: " << r.replay_command << "\n";
  return out.str();
}

void writeFileAtomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) throw std::runtime_error(path + ": cannot create folder: " + ec.message());
  std::string temp =
      (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0)
    throw std::runtime_error(path + ": cannot create temporary file: " + std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  const bool ok = written == content.size() && ::fsync(fd) == 0 && ::fchmod(fd, 0644) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = ok ? errno : saved;
    ::unlink(temp.c_str());
    throw std::runtime_error(path + ": cannot write report: " + std::strerror(err));
  }
}

}  // namespace faultline::reports
