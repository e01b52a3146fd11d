// Running a whole drill from a test: a connector manifest against a shipped
// scenario, each test in its own output folder (ctest runs tests in parallel).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "harness/drill.h"
#include "harness/manifest.h"
#include "reports/report.h"
#include "scenarios/scenario.h"

namespace faultline::harness::testing {

inline const std::string kSource = FAULTLINE_SOURCE_DIR;
inline const std::string kReference = "examples/connectors/reference/manifest.json";

// The folder a test named NAME writes to; each test names its own, since
// ctest runs tests in parallel.
inline std::filesystem::path testOutDir(const std::string& name) {
  return std::filesystem::path(FAULTLINE_BINARY_DIR) / "test-out" / name;
}

// `manifest_file` is a path as given (absolute, or relative to the working
// directory); the report's journal is written to test-out/NAME/journal.jsonl.
inline reports::Report runManifestDrill(const std::string& manifest_file,
                                        const scenarios::Scenario& s, std::uint64_t seed,
                                        const std::string& name) {
  const auto dir = testOutDir(name);
  std::filesystem::remove_all(dir);
  DrillOptions options;
  options.seed = seed;
  options.out_dir = dir.string();
  options.connector_path = manifest_file;
  options.journal_path = (dir / "journal.jsonl").string();
  return runDrill(s, loadManifest(manifest_file), options);
}

// `manifest` is relative to the source tree.
inline reports::Report runFixtureDrill(const std::string& manifest, const scenarios::Scenario& s,
                                       std::uint64_t seed, const std::string& name) {
  return runManifestDrill(kSource + "/" + manifest, s, seed, name);
}

// `scenario` is relative to the source tree, e.g. "scenarios/baseline.json".
inline reports::Report runFixtureDrill(const std::string& manifest, const std::string& scenario,
                                       std::uint64_t seed, const std::string& name) {
  return runFixtureDrill(manifest, scenarios::loadScenario(kSource + "/" + scenario), seed, name);
}

// One line per finding, "severity id [metric] (operation): title", for
// assertion messages.
inline std::string describeFindings(const reports::Report& r) {
  std::string out;
  for (const auto& f : r.findings)
    out += std::string(reports::severityName(f.severity)) + " " + f.id + " [" + f.metric + "] (" +
           f.operation + "): " + f.title + "\n";
  return out;
}

}  // namespace faultline::harness::testing
