#pragma once
// Shared checks for the config loaders' fuzz targets: a loader either
// returns a value or throws ConfigError, and a ConfigError always says what
// is wrong and where.
#include <string_view>

#include "scenarios/config_error.h"

namespace faultline::fuzz {

// Traps unless `e` names `file`, holds at least one issue, and every issue
// has a message and a pointer that is empty or an RFC 6901 pointer.
inline void checkConfigError(const scenarios::ConfigError& e, std::string_view file) {
  if (e.issues().empty() || e.file() != file) __builtin_trap();
  for (const auto& issue : e.issues()) {
    if (issue.message.empty()) __builtin_trap();
    if (!issue.pointer.empty() && issue.pointer[0] != '/') __builtin_trap();
  }
}

}  // namespace faultline::fuzz
