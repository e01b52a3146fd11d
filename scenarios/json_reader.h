#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/config_error.h"

namespace faultline::scenarios {

// Arrays and objects nested deeper than this are refused: nothing faultline
// reads needs more than a handful of levels, and a deep tree would overflow
// the stack of every recursive walk over it (copy, compare, dump).
inline constexpr int kMaxJsonDepth = 128;

// A document parsed from untrusted text, or why it could not be.
struct ParsedJson {
  nlohmann::json value;             // null unless `issues` is empty
  std::vector<ConfigIssue> issues;  // syntax error, nesting too deep, repeated keys
  bool syntax_error = false;        // the text is not JSON at all
};

// Parses untrusted text without throwing. Refuses, with issues, what
// parseJsonDocument refuses: a syntax error (with line and column), nesting
// deeper than kMaxJsonDepth (both at pointer ""), and every repeated key (at
// the pointer of the repeat). Thread-safe: keeps no state between calls.
ParsedJson parseUntrustedJson(std::string_view text);

// Parses a whole document from an untrusted file. Throws ConfigError naming
// `file` for a syntax error (with line and column), for nesting deeper than
// kMaxJsonDepth, and for every key repeated within one object (each at the
// pointer of the repeat): nlohmann would keep the last silently, so the
// author's first value would be ignored without a word.
nlohmann::json parseJsonDocument(std::string_view text, const std::string& file);

// Reads a file into a string; throws ConfigError naming the file and the
// reason (a folder, or the system's error text) on failure.
std::string readFileOrThrow(const std::string& path);

// Reads the fields of one JSON object into typed values, recording every
// problem (wrong type, out of range, missing, unknown key) as a ConfigIssue
// instead of stopping at the first. Call finish() once all fields are read so
// unknown keys are reported with the list of allowed ones. Not thread-safe;
// used only while loading.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& object, std::string pointer, std::vector<ConfigIssue>& issues);

  bool valid() const { return valid_; }
  bool has(const std::string& key) const;
  std::string pointerTo(const std::string& key) const;

  std::optional<std::string> string(const std::string& key, bool required);
  std::string string(const std::string& key, std::string fallback);
  std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max, bool required = false);
  std::optional<std::uint64_t> unsignedInteger(const std::string& key, bool required);
  double number(const std::string& key, double fallback, double min, double max);
  // Absent, wrong type or out of range: nullopt (the last two recorded).
  std::optional<std::int64_t> optionalInteger(const std::string& key, std::int64_t min,
                                              std::int64_t max);
  std::optional<double> optionalNumber(const std::string& key, double min, double max);
  bool boolean(const std::string& key, bool fallback);
  // The raw child for nested readers; records "missing" when required.
  const nlohmann::json* child(const std::string& key, nlohmann::json::value_t type, bool required);
  // Any JSON value, unchecked; null when absent.
  const nlohmann::json* anyValue(const std::string& key) { return take(key, false); }

  // Reads a contract's required format version (>= 1) and rejects one newer
  // than `supported`, e.g. "unsupported manifest version 2; this faultline
  // reads version 1". `what` names the version in that message.
  std::int64_t formatVersion(const std::string& key, int supported, const std::string& what);

  void finish();
  void fail(const std::string& key, std::string message);

 private:
  const nlohmann::json* take(const std::string& key, bool required);

  const nlohmann::json& object_;
  std::string pointer_;
  std::vector<ConfigIssue>& issues_;
  std::set<std::string> allowed_;
  bool valid_ = true;
};

std::string describeJsonType(const nlohmann::json& value);

// The name in `names` closest to `word` by edit distance, for a "did you
// mean" hint; "" when none is close enough to be a likely typo.
std::string closestName(const std::string& word, const std::vector<std::string>& names);

}  // namespace faultline::scenarios
