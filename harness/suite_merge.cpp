#include "harness/suite_merge.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "scenarios/config_error.h"
#include "scenarios/json_reader.h"

namespace faultline::harness {
namespace {

using nlohmann::json;
using scenarios::ObjectReader;

constexpr std::int64_t kMaxCount = std::numeric_limits<std::int32_t>::max();

reports::SuiteDrill readDrill(const json& node, const std::string& pointer,
                              std::vector<scenarios::ConfigIssue>& issues) {
  reports::SuiteDrill d;
  ObjectReader r(node, pointer, issues);
  d.index = static_cast<std::size_t>(r.integer("index", 0, 0, kMaxCount, true));
  d.connector = r.string("connector", std::string());
  d.scenario = r.string("scenario", std::string());
  d.seed = r.unsignedInteger("seed", true).value_or(0);
  d.verdict = r.string("verdict", std::string());
  static const std::vector<std::string> kVerdicts = {
      "passed", "failed", "inconclusive", "not-applicable", "skipped", "error", "not-run"};
  if (std::find(kVerdicts.begin(), kVerdicts.end(), d.verdict) == kVerdicts.end())
    r.fail("verdict", "unknown verdict \"" + d.verdict + "\"");
  d.reason = r.string("reason", std::string());
  d.report = r.string("report", std::string());
  d.worst = r.string("worst_finding", std::string());
  if (const json* f = r.child("findings", json::value_t::object, false)) {
    ObjectReader counts(*f, r.pointerTo("findings"), issues);
    d.critical = static_cast<int>(counts.integer("critical", 0, 0, kMaxCount));
    d.errors = static_cast<int>(counts.integer("error", 0, 0, kMaxCount));
    d.warnings = static_cast<int>(counts.integer("warning", 0, 0, kMaxCount));
    counts.finish();
  }
  d.duration_ms = r.integer("duration_ms", 0, 0, std::numeric_limits<std::int64_t>::max());
  r.finish();
  return d;
}

}  // namespace

reports::SuiteSummary readSuiteSummary(const std::string& path) {
  return parseSuiteSummary(scenarios::readFileOrThrow(path), path);
}

reports::SuiteSummary parseSuiteSummary(std::string_view text, const std::string& path) {
  const json doc = scenarios::parseJsonDocument(text, path);
  if (!doc.is_object())
    throw scenarios::ConfigError(path, {{"", "a suite summary must be a JSON object"}});
  std::vector<scenarios::ConfigIssue> issues;
  reports::SuiteSummary s;
  ObjectReader r(doc, "", issues);
  r.formatVersion("faultline_suite_summary", reports::kSuiteSummaryVersion, "suite summary");
  s.suite = r.string("suite", std::string());
  s.suite_file = r.string("suite_file", std::string());
  s.tool_version = r.string("tool_version", std::string());
  s.started_at = r.string("started_at", std::string());
  s.duration_ms = r.integer("duration_ms", 0, 0, std::numeric_limits<std::int64_t>::max());
  s.jobs = static_cast<int>(r.integer("jobs", 1, 1, 256));
  if (const json* shard = r.child("shard", json::value_t::object, true)) {
    ObjectReader sr(*shard, "/shard", issues);
    s.shard_count = static_cast<int>(sr.integer("count", 1, 1, 10000, true));
    s.shard_index = static_cast<int>(sr.integer("index", 1, 1, 10000, true));
    if (s.shard_index > s.shard_count) sr.fail("index", "is larger than the shard count");
    sr.finish();
  }
  s.total_drills = static_cast<std::size_t>(r.integer("total_drills", 0, 0, kMaxCount, true));
  s.complete = r.boolean("complete", true);
  s.stopped_by = r.string("stopped_by", std::string());
  r.boolean("passed", false);  // derived again from the drills
  r.anyValue("totals");        // likewise
  if (const json* drills = r.child("drills", json::value_t::array, true)) {
    for (std::size_t i = 0; i < drills->size(); ++i) {
      const std::string p = "/drills/" + std::to_string(i);
      if (!(*drills)[i].is_object()) {
        issues.push_back({p, "must be an object, got " + scenarios::describeJsonType((*drills)[i])});
        continue;
      }
      s.drills.push_back(readDrill((*drills)[i], p, issues));
    }
  }
  r.finish();
  if (!issues.empty()) throw scenarios::ConfigError(path, std::move(issues));
  return s;
}

reports::SuiteSummary mergeSuiteSummaries(std::vector<reports::SuiteSummary> shards) {
  if (shards.empty()) throw std::runtime_error("no shard summaries to merge");
  const reports::SuiteSummary& first = shards.front();
  reports::SuiteSummary merged;
  merged.suite = first.suite;
  merged.suite_file = first.suite_file;
  merged.tool_version = first.tool_version;
  merged.started_at = first.started_at;
  merged.total_drills = first.total_drills;
  merged.jobs = 0;
  std::vector<int> seen_shards(static_cast<std::size_t>(first.shard_count) + 1, 0);
  for (auto& s : shards) {
    if (s.suite != first.suite || s.suite_file != first.suite_file ||
        s.shard_count != first.shard_count || s.total_drills != first.total_drills)
      throw std::runtime_error("shard " + std::to_string(s.shard_index) + " of " +
                               std::to_string(s.shard_count) + " is of suite \"" + s.suite +
                               "\" (" + s.suite_file + "), not of \"" + first.suite + "\" (" +
                               first.suite_file + ") in " + std::to_string(first.shard_count) +
                               " shards");
    if (++seen_shards[static_cast<std::size_t>(s.shard_index)] > 1)
      throw std::runtime_error("shard " + std::to_string(s.shard_index) + " is given twice");
    merged.started_at = std::min(merged.started_at, s.started_at);
    merged.duration_ms = std::max(merged.duration_ms, s.duration_ms);
    merged.jobs += s.jobs;
    if (!s.complete) {
      merged.complete = false;
      merged.stopped_by = s.stopped_by;
    }
    for (auto& d : s.drills) merged.drills.push_back(std::move(d));
  }
  for (int i = 1; i <= first.shard_count; ++i) {
    if (seen_shards[static_cast<std::size_t>(i)] == 0)
      throw std::runtime_error("shard " + std::to_string(i) + " of " +
                               std::to_string(first.shard_count) + " is missing");
  }
  std::sort(merged.drills.begin(), merged.drills.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  for (std::size_t i = 0; i < merged.drills.size(); ++i) {
    if (merged.drills[i].index != i)
      throw std::runtime_error("drill " + std::to_string(i) + " of " +
                               std::to_string(merged.total_drills) +
                               (merged.drills[i].index < i ? " appears twice" : " is missing"));
  }
  if (merged.drills.size() != merged.total_drills)
    throw std::runtime_error("the shards hold " + std::to_string(merged.drills.size()) +
                             " drills; the suite has " + std::to_string(merged.total_drills));
  return merged;
}

}  // namespace faultline::harness
