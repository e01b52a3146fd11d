// libFuzzer target for the connector manifest loader: manifests are written
// by connector authors and name the process faultline starts. Any input ends
// in a Manifest or a ConfigError (anything else escapes and is reported), and
// a manifest that loads can be started: a command, at least one operation,
// and no NUL byte in anything handed to the process.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_oracle.h"
#include "harness/manifest.h"

namespace {

bool hasNul(const std::string& s) {
  return s.find('\0') != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto m = faultline::harness::parseManifest(text, "m.json", "/nonexistent");
    if (m.command.empty() || hasNul(m.command) || m.operations.empty()) __builtin_trap();
    for (const auto& op : m.operations) {
      if (op != "sync" && op != "revoke") __builtin_trap();
    }
    for (const auto& arg : m.args) {
      if (hasNul(arg)) __builtin_trap();
    }
    for (const auto& [key, value] : m.env) {
      if (key.empty() || hasNul(key) || hasNul(value)) __builtin_trap();
    }
    if (m.timeout_seconds < 1 || m.max_stdout_mib < 1) __builtin_trap();
  } catch (const faultline::scenarios::ConfigError& e) {
    faultline::fuzz::checkConfigError(e, "m.json");
  }
  return 0;
}
