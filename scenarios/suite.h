#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace faultline::scenarios {

// What a suite asks for one scenario beyond the suite's own settings.
struct SuiteOverride {
  std::vector<std::uint64_t> seeds;  // empty: the suite's seeds
  std::string skip_reason;           // non-empty: the scenario is not run, for this reason
};

// A loaded, validated suite file (docs/suite-format.md): which connectors,
// which scenarios, which seeds, judged by which policy. Paths are resolved
// against the suite file's folder; scenario names and globs are expanded to
// files, each once, in the order first named. Read-only after loading.
struct Suite {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> connectors;      // manifest paths
  std::vector<std::string> scenario_files;  // every scenario, loaded once to check it
  std::vector<std::string> scenario_names;  // parallel to scenario_files
  std::vector<std::uint64_t> seeds;         // empty: each scenario's own seed
  std::string policy;                       // "" for none
  std::map<std::string, SuiteOverride> overrides;  // by scenario name
};

inline constexpr int kSuiteFormatVersion = 1;

// Loads and validates `path`. A scenario named by its name (not a file) is
// looked for in the suite's `scenario_dir` if it sets one, else in
// `name_folders` in order. Throws ConfigError listing every problem, each at
// its JSON pointer; a scenario file that does not load throws its own
// ConfigError.
Suite loadSuite(const std::string& path, const std::vector<std::string>& name_folders);

}  // namespace faultline::scenarios
