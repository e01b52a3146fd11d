#pragma once

// Runs the external validators the report tests rely on: xmllint against
// reports/junit.xsd and tests/reports/validate_json.py (python3-jsonschema)
// against reports/report.schema.json. Both are installed by setup.sh; a test
// that needs a missing one fails and says what to install.

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace faultline::reports::checks {

inline const std::string kSourceDir = FAULTLINE_SOURCE_DIR;

inline std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void writeWholeFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

// A fresh, empty folder under the build tree for one test.
inline std::string freshTestDir(const std::string& name) {
  namespace fs = std::filesystem;
  const auto dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

struct CommandResult {
  int code = -1;       // exit status; -1 when the command did not exit normally
  std::string output;  // stdout and stderr together
};

inline CommandResult runCommand(const std::string& command) {
  namespace fs = std::filesystem;
  const auto dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out";
  fs::create_directories(dir);
  std::string capture = (dir / "command-output.XXXXXX").string();
  const int fd = ::mkstemp(capture.data());
  if (fd < 0) return {};
  ::close(fd);
  const int status =
      std::system((command + " >" + shellQuote(capture) + " 2>&1 </dev/null").c_str());
  CommandResult result;
  result.output = readWholeFile(capture);
  fs::remove(capture);
  if (status != -1 && WIFEXITED(status)) result.code = WEXITSTATUS(status);
  return result;
}

// Debian's python3-jsonschema installs into the system Python, which a
// python3 earlier on PATH (pyenv, a virtualenv) may not see; so the first of
// $FAULTLINE_PYTHON, python3 and /usr/bin/python3 that can load a draft
// 2020-12 validator is used. "" when none can.
inline const std::string& pythonWithJsonschema() {
  static const std::string found = [] {
    std::vector<std::string> candidates;
    if (const char* p = std::getenv("FAULTLINE_PYTHON")) candidates.emplace_back(p);
    candidates.emplace_back("python3");
    candidates.emplace_back("/usr/bin/python3");
    for (const auto& python : candidates) {
      if (runCommand(shellQuote(python) +
                     " -c 'import jsonschema; jsonschema.Draft202012Validator'")
              .code == 0) {
        return python;
      }
    }
    return std::string();
  }();
  return found;
}

// Exit 0 when every file is valid against reports/report.schema.json, 1 with
// one "FILE:/pointer: message" line per problem otherwise.
inline CommandResult validateJsonReports(const std::vector<std::string>& files) {
  if (pythonWithJsonschema().empty()) {
    return {-1, "no python3 with the jsonschema module; install python3-jsonschema (setup.sh)"};
  }
  std::string command = shellQuote(pythonWithJsonschema()) + " " +
                        shellQuote(kSourceDir + "/tests/reports/validate_json.py") + " " +
                        shellQuote(kSourceDir + "/reports/report.schema.json");
  for (const auto& f : files) command += " " + shellQuote(f);
  return runCommand(command);
}

// Exit 0 when `file` is valid against reports/junit.xsd.
inline CommandResult validateJunitXml(const std::string& file) {
  return runCommand("xmllint --noout --schema " + shellQuote(kSourceDir + "/reports/junit.xsd") +
                    " " + shellQuote(file));
}

// The string value of an XPath expression over `file`, as xmllint prints it.
inline CommandResult xpathString(const std::string& file, const std::string& xpath) {
  return runCommand("xmllint --xpath " + shellQuote("string(" + xpath + ")") + " " +
                    shellQuote(file));
}

}  // namespace faultline::reports::checks
