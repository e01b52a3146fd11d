#include "scenarios/config_error.h"

namespace faultline::scenarios {
namespace {

std::string render(const std::string& file, const std::vector<ConfigIssue>& issues) {
  std::string out;
  for (const auto& issue : issues) {
    if (!out.empty()) out += '\n';
    // A whole-file problem has no pointer: "file: message", not "file:: message".
    out += file + (issue.pointer.empty() ? "" : ":" + issue.pointer) + ": " + issue.message;
  }
  return out;
}

}  // namespace

ConfigError::ConfigError(std::string file, std::vector<ConfigIssue> issues)
    : std::runtime_error(render(file, issues)),
      file_(std::move(file)),
      issues_(std::move(issues)) {}

std::string escapePointerToken(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace faultline::scenarios
