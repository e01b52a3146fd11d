#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace faultline::scenarios {

// One problem in a configuration file, located by an RFC 6901 JSON pointer.
struct ConfigIssue {
  std::string pointer;  // "" for the whole document; "/tenant/accounts" for a field
  std::string message;
};

// Every problem found in one file. Loading collects all issues before it
// throws, so one run shows the author everything that is wrong. what() prints
// one issue per line as `file:pointer: message`, or `file: message` for a
// problem with the whole file (empty pointer).
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, std::vector<ConfigIssue> issues);

  const std::string& file() const { return file_; }
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::string file_;
  std::vector<ConfigIssue> issues_;
};

// Escapes one reference token for a JSON pointer (RFC 6901 §3).
std::string escapePointerToken(const std::string& token);

}  // namespace faultline::scenarios
