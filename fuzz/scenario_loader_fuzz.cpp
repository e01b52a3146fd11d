// libFuzzer target: the scenario loader and the connector manifest loader
// take files written by people; any input must end in a Scenario or a
// ConfigError, never a crash, hang or other exception.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_oracle.h"
#include "harness/manifest.h"
#include "scenarios/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto scenario = faultline::scenarios::parseScenario(text, "fuzz.json");
    if (scenario.operations.empty()) std::abort();  // the loader promised at least one
    if (!faultline::scenarios::isSafeScenarioName(scenario.name)) std::abort();
  } catch (const faultline::scenarios::ConfigError& e) {
    faultline::fuzz::checkConfigError(e, "fuzz.json");
  }
  try {
    faultline::harness::parseManifest(text, "fuzz.json", "/nonexistent");
  } catch (const faultline::scenarios::ConfigError& e) {
    faultline::fuzz::checkConfigError(e, "fuzz.json");
  }
  return 0;
}
