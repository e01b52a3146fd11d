#pragma once

// Runs the CLI in the test's own process and keeps what it printed.

#include <filesystem>
#include <fstream>
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

// An empty folder for one test under the build's test-out/, made anew.
inline std::string freshDir(const std::string& name) {
  const auto dir = std::filesystem::path(FAULTLINE_BINARY_DIR) / "test-out" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline std::string writeFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace faultline::harness::testing
