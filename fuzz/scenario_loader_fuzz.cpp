// libFuzzer target: the scenario loader and the connector manifest loader
// take files written by people; any input must end in a Scenario or a
// ConfigError, never a crash, hang or other exception.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "harness/manifest.h"
#include "scenarios/config_error.h"
#include "scenarios/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto scenario = faultline::scenarios::parseScenario(text, "fuzz.json");
    if (scenario.operations.empty()) std::abort();  // the loader promised at least one
  } catch (const faultline::scenarios::ConfigError& e) {
    if (e.issues().empty()) std::abort();  // an error must say what is wrong
  }
  try {
    faultline::harness::parseManifest(text, "fuzz.json", "/nonexistent");
  } catch (const faultline::scenarios::ConfigError& e) {
    if (e.issues().empty()) std::abort();
  }
  return 0;
}
