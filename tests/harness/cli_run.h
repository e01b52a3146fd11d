#pragma once

// Runs the CLI in the test's own process and keeps what it printed.

#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"

namespace faultline::harness::testing {

struct CliRun {
  int code;
  std::string out, err;
};

inline CliRun cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = runCli(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace faultline::harness::testing
