// libFuzzer target for the acceptance policy loader: a policy file decides
// which findings fail a CI gate. Any input ends in a PolicyFile or a
// ConfigError, and every value a loaded policy sets is within its documented
// range (docs/scoring.md, "Acceptance policy").
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_oracle.h"
#include "scenarios/acceptance.h"

namespace {

using faultline::scenarios::AcceptanceFragment;

void checkFragment(const AcceptanceFragment& f) {
  if (f.min_recall && !(*f.min_recall >= 0.0 && *f.min_recall <= 1.0)) __builtin_trap();
  if (f.min_precision && !(*f.min_precision >= 0.0 && *f.min_precision <= 1.0)) __builtin_trap();
  if (f.max_amplification && !(*f.max_amplification >= 1.0 && *f.max_amplification <= 1000.0))
    __builtin_trap();
  if (f.max_retry_after_violations && *f.max_retry_after_violations < 0) __builtin_trap();
  for (const auto& [id, level] : f.severity) {
    if (level != "info" && level != "warning" && level != "error" && level != "critical")
      __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto p = faultline::scenarios::parsePolicyFile(text, "p.json");
    checkFragment(p.global);
    for (const auto& [name, fragment] : p.scenarios) checkFragment(fragment);
  } catch (const faultline::scenarios::ConfigError& e) {
    faultline::fuzz::checkConfigError(e, "p.json");
  }
  return 0;
}
