#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace faultline::harness {

// Exit codes, documented in `faultline --help`.
inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;  // a drill failed acceptance or was inconclusive
inline constexpr int kExitUsage = 2;   // bad command line, scenario, manifest or connector path

// Runs the command line (without argv[0]). All output goes to out/err.
int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace faultline::harness
