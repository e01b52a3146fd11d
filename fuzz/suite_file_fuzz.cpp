// libFuzzer target for the suite file loader: a suite names connectors,
// scenarios, seeds and a policy, and is shared between teams. Any input ends
// in a Suite or a ConfigError that says what is wrong and where.
//
// The loader resolves the paths a suite names against the suite's folder,
// so each input is written to suite.json in a scratch folder that also holds
// one scenario (the source tree's baseline), one manifest and one policy file
// for it to find (the names are in suite_file.dict). The folder is made once
// per process and left for the system's temporary-file cleaning.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz/fuzz_oracle.h"
#include "scenarios/config_error.h"
#include "scenarios/suite.h"

namespace {

namespace fs = std::filesystem;

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

const fs::path& scratch() {
  static const fs::path dir = [] {
    const fs::path d =
        fs::temp_directory_path() / ("faultline-suite-fuzz." + std::to_string(::getpid()));
    fs::create_directories(d / "scenarios");
    fs::copy_file(fs::path(FAULTLINE_SOURCE_DIR) / "scenarios" / "baseline.json",
                  d / "scenarios" / "baseline.json", fs::copy_options::overwrite_existing);
    writeFile(d / "m.json", R"({"faultline_manifest":1,"name":"m","command":"true"})");
    writeFile(d / "policy.json", "{}");
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path file = scratch() / "suite.json";
  writeFile(file, std::string(reinterpret_cast<const char*>(data), size));
  faultline::scenarios::Suite suite;
  try {
    suite = faultline::scenarios::loadSuite(file.string(), {(scratch() / "scenarios").string()});
  } catch (const faultline::scenarios::ConfigError& e) {
    // The suite's own problems name the suite; a scenario it names that
    // does not load throws that scenario's.
    if (e.file() == file.string()) faultline::fuzz::checkConfigError(e, file.string());
    return 0;
  }
  if (suite.connectors.empty() || suite.scenario_files.empty()) __builtin_trap();
  if (suite.scenario_files.size() != suite.scenario_names.size()) __builtin_trap();
  return 0;
}
