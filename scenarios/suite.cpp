#include "scenarios/suite.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "scenarios/config_error.h"
#include "scenarios/json_reader.h"
#include "scenarios/scenario.h"

namespace faultline::scenarios {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::uint64_t kMaxSeedCount = 100000;

bool isGlob(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

bool looksLikeFile(const std::string& s) {
  return s.find('/') != std::string::npos || fs::path(s).extension() == ".json";
}

std::string relativeTo(const fs::path& base, const std::string& path) {
  const fs::path p(path);
  return (p.is_absolute() ? p : base / p).lexically_normal().string();
}

// Files matching a pattern whose last component may hold *, ? and [...].
std::vector<std::string> expandGlob(const fs::path& pattern) {
  std::vector<std::string> out;
  std::error_code ec;
  const std::string leaf = pattern.filename().string();
  for (fs::directory_iterator it(pattern.parent_path(), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec) && ::fnmatch(leaf.c_str(), it->path().filename().c_str(), 0) == 0)
      out.push_back(it->path().lexically_normal().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The scenario file in `folders` whose name is `name`, spelt as --scenario
// takes it; the first folder that has one wins.
std::string findByName(const std::string& name, const std::vector<std::string>& folders) {
  for (const auto& folder : folders) {
    for (const auto& file : expandGlob(fs::path(folder) / "*.json")) {
      try {
        if (nameKey(loadScenario(file).name) == nameKey(name)) return file;
      } catch (const ConfigError&) {
        // A broken scenario is not the one asked for.
      }
    }
  }
  return "";
}

std::vector<std::uint64_t> readSeedList(const json& node, const std::string& pointer,
                                        std::vector<ConfigIssue>& issues) {
  std::vector<std::uint64_t> seeds;
  if (node.is_number_unsigned()) {
    const auto count = node.get<std::uint64_t>();
    if (count < 1 || count > kMaxSeedCount) {
      issues.push_back({pointer, "a seed count must be 1 to " + std::to_string(kMaxSeedCount)});
      return {};
    }
    for (std::uint64_t s = 1; s <= count; ++s) seeds.push_back(s);
    return seeds;
  }
  if (!node.is_array() || node.empty()) {
    issues.push_back({pointer, "must be a non-empty array of seeds or a seed count, got " +
                                   describeJsonType(node)});
    return {};
  }
  std::set<std::uint64_t> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string p = pointer + "/" + std::to_string(i);
    if (!node[i].is_number_unsigned()) {
      issues.push_back({p, "must be an unsigned integer, got " + describeJsonType(node[i])});
    } else if (!seen.insert(node[i].get<std::uint64_t>()).second) {
      issues.push_back({p, "repeats seed " + std::to_string(node[i].get<std::uint64_t>())});
    } else {
      seeds.push_back(node[i].get<std::uint64_t>());
    }
  }
  return seeds;
}

}  // namespace

Suite loadSuite(const std::string& path, const std::vector<std::string>& name_folders) {
  const json doc = parseJsonDocument(readFileOrThrow(path), path);
  std::vector<ConfigIssue> issues;
  if (!doc.is_object()) throw ConfigError(path, {{"", "a suite must be a JSON object"}});
  const fs::path base = fs::absolute(path).parent_path();
  Suite suite;
  suite.file = path;
  ObjectReader r(doc, "", issues);
  r.formatVersion("faultline_suite", kSuiteFormatVersion, "suite");
  // The schema editors validate against (docs/schemas); typed, otherwise unread.
  r.string("$schema", false);
  if (auto name = r.string("name", true)) suite.name = *name;
  suite.description = r.string("description", std::string());
  std::vector<std::string> folders = name_folders;
  if (auto dir = r.string("scenario_dir", false)) folders = {relativeTo(base, *dir)};

  if (const json* connectors = r.child("connectors", json::value_t::array, true)) {
    if (connectors->empty()) issues.push_back({"/connectors", "must name at least one manifest"});
    for (std::size_t i = 0; i < connectors->size(); ++i) {
      const std::string p = "/connectors/" + std::to_string(i);
      const json& c = (*connectors)[i];
      if (!c.is_string()) {
        issues.push_back({p, "must be a string, got " + describeJsonType(c)});
        continue;
      }
      const std::string file = relativeTo(base, c.get<std::string>());
      std::error_code ec;
      if (!fs::is_regular_file(file, ec)) {
        issues.push_back({p, "no manifest file at " + file});
        continue;
      }
      suite.connectors.push_back(file);
    }
  }

  std::set<std::string> seen_files;
  if (const json* scenarios = r.child("scenarios", json::value_t::array, true)) {
    if (scenarios->empty()) issues.push_back({"/scenarios", "must name at least one scenario"});
    for (std::size_t i = 0; i < scenarios->size(); ++i) {
      const std::string p = "/scenarios/" + std::to_string(i);
      const json& s = (*scenarios)[i];
      if (!s.is_string() || s.get<std::string>().empty()) {
        issues.push_back({p, "must be a scenario name, file or glob, got " + describeJsonType(s)});
        continue;
      }
      const std::string spec = s.get<std::string>();
      std::vector<std::string> files;
      if (isGlob(spec)) {
        files = expandGlob(relativeTo(base, spec));
        if (files.empty()) issues.push_back({p, "the glob " + spec + " matches no file"});
      } else if (looksLikeFile(spec)) {
        const std::string file = relativeTo(base, spec);
        std::error_code ec;
        if (fs::is_regular_file(file, ec)) {
          files.push_back(file);
        } else {
          issues.push_back({p, "no scenario file at " + file});
        }
      } else if (const std::string file = findByName(spec, folders); !file.empty()) {
        files.push_back(file);
      } else {
        std::string looked;
        for (const auto& f : folders) looked += (looked.empty() ? "" : ", ") + f + "/";
        issues.push_back({p, "no scenario named \"" + spec + "\" in " +
                                 (looked.empty() ? std::string("any folder") : looked)});
      }
      for (const auto& file : files) {
        if (!seen_files.insert(fs::weakly_canonical(file).string()).second) continue;
        // A scenario that does not load stops the suite before any drill, with its own errors.
        suite.scenario_names.push_back(loadScenario(file).name);
        suite.scenario_files.push_back(file);
      }
    }
  }

  if (const json* seeds = r.anyValue("seeds"); seeds != nullptr)
    suite.seeds = readSeedList(*seeds, "/seeds", issues);
  if (auto policy = r.string("policy", false)) {
    suite.policy = relativeTo(base, *policy);
    std::error_code ec;
    if (!fs::is_regular_file(suite.policy, ec))
      issues.push_back({"/policy", "no policy file at " + suite.policy});
  }
  if (const json* overrides = r.child("overrides", json::value_t::object, false)) {
    for (const auto& [name, node] : overrides->items()) {
      const std::string p = "/overrides/" + escapePointerToken(name);
      if (std::find(suite.scenario_names.begin(), suite.scenario_names.end(), name) ==
          suite.scenario_names.end()) {
        const std::string hint = closestName(name, suite.scenario_names);
        issues.push_back(
            {p, "names no scenario of this suite" +
                    (hint.empty() ? std::string() : "; did you mean \"" + hint + "\"?")});
        continue;
      }
      if (!node.is_object()) {
        issues.push_back({p, "must be an object, got " + describeJsonType(node)});
        continue;
      }
      ObjectReader o(node, p, issues);
      SuiteOverride entry;
      if (const json* seeds = o.anyValue("seeds"); seeds != nullptr)
        entry.seeds = readSeedList(*seeds, p + "/seeds", issues);
      if (auto skip = o.string("skip", false)) {
        if (skip->empty()) o.fail("skip", "must give the reason the scenario is skipped");
        entry.skip_reason = *skip;
      }
      o.finish();
      suite.overrides[name] = std::move(entry);
    }
  }
  r.finish();
  if (!issues.empty()) throw ConfigError(path, std::move(issues));
  return suite;
}

}  // namespace faultline::scenarios
