#include "scenarios/json_reader.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace faultline::scenarios {

using nlohmann::json;

namespace {

// nlohmann's message without its "[json.exception.parse_error.N] " prefix,
// which means nothing to the author of the file.
std::string withoutExceptionId(const std::string& message) {
  const auto pos = message.find("] ");
  return pos == std::string::npos ? message : message.substr(pos + 2);
}

// Thrown from inside the parser's callback to stop at the first level too
// deep; caught before parseUntrustedJson returns.
struct TooDeep {};

// Follows the parser through the document so that a repeated key can be
// named by its pointer, and so that nesting is cut off before a deep tree is
// built: nlohmann parses iteratively, but copying, dumping or comparing the
// result recurses once per level.
class DocumentGuard {
 public:
  bool onEvent(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (frames_.size() >= static_cast<std::size_t>(kMaxJsonDepth)) throw TooDeep{};
        frames_.push_back({event == json::parse_event_t::object_start, 0, {}, {}});
        break;
      case json::parse_event_t::key:
        frames_.back().key = parsed.get<std::string>();
        if (!frames_.back().keys.insert(frames_.back().key).second) {
          issues_.push_back({pointer(), "duplicate key; each key may appear once in an object"});
        }
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        elementDone();
        break;
      case json::parse_event_t::value:
        elementDone();
        break;
    }
    return true;
  }

  std::vector<ConfigIssue>& issues() { return issues_; }

 private:
  struct Frame {
    bool object;
    std::size_t index;  // of the current element, in an array
    std::string key;    // of the current member, in an object
    std::set<std::string> keys;
  };

  void elementDone() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
  }

  std::string pointer() const {
    std::string out;
    for (const auto& f : frames_)
      out += "/" + (f.object ? escapePointerToken(f.key) : std::to_string(f.index));
    return out;
  }

  std::vector<Frame> frames_;
  std::vector<ConfigIssue> issues_;
};

}  // namespace

ParsedJson parseUntrustedJson(std::string_view text) {
  ParsedJson out;
  DocumentGuard guard;
  try {
    out.value = json::parse(text.begin(), text.end(),
                            [&guard](int, json::parse_event_t event, json& parsed) {
                              return guard.onEvent(event, parsed);
                            });
  } catch (const TooDeep&) {
    out.value = json();
    out.issues = {{"", "arrays and objects nested deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels; faultline reads at most " + std::to_string(kMaxJsonDepth)}};
    return out;
  } catch (const json::exception& e) {
    // nlohmann reports where the text stops being JSON only by exception; it
    // is caught here so that no caller has to. A parse_error's text already
    // says "at line L, column C"; a number too large for a double ("1e999")
    // is an out_of_range error without one.
    out.value = json();
    out.issues = {{"", "invalid JSON: " + withoutExceptionId(e.what())}};
    out.syntax_error = true;
    return out;
  }
  out.issues = std::move(guard.issues());
  if (!out.issues.empty()) out.value = json();
  return out;
}

nlohmann::json parseJsonDocument(std::string_view text, const std::string& file) {
  ParsedJson parsed = parseUntrustedJson(text);
  if (!parsed.issues.empty()) throw ConfigError(file, std::move(parsed.issues));
  return std::move(parsed.value);
}

std::string readFileOrThrow(const std::string& path) {
  // A folder opens and reads as empty on Linux, which would be reported as
  // "unexpected end of input" far from the real mistake.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError(path, {{"", "is a directory, not a file"}});
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    throw ConfigError(
        path, {{"", "cannot open file: " + (error != 0 ? std::generic_category().message(error)
                                                       : std::string("unknown error"))}});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    const int error = errno;
    throw ConfigError(path, {{"", "cannot read file: " + std::generic_category().message(error)}});
  }
  return buffer.str();
}

std::string describeJsonType(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::number_float:
      return value.dump();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return value.dump();
    default:
      return "an unsupported value";
  }
}

std::string closestName(const std::string& word, const std::vector<std::string>& names) {
  // Untrusted words can be long; a typo of a short name never is.
  constexpr std::size_t kMaxWord = 64;
  if (word.empty() || word.size() > kMaxWord) return "";
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& name : names) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(name.size() + 1);
    for (std::size_t j = 0; j <= name.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= name.size(); ++j) {
        const std::size_t above = row[j];
        row[j] =
            std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == name[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    if (row[name.size()] < best_distance) {
      best_distance = row[name.size()];
      best = name;
    }
  }
  return best;
}

ObjectReader::ObjectReader(const json& object, std::string pointer,
                           std::vector<ConfigIssue>& issues)
    : object_(object), pointer_(std::move(pointer)), issues_(issues) {
  if (!object_.is_object()) {
    issues_.push_back({pointer_, "must be an object, got " + describeJsonType(object_)});
    valid_ = false;
  }
}

bool ObjectReader::has(const std::string& key) const {
  return valid_ && object_.contains(key);
}

std::string ObjectReader::pointerTo(const std::string& key) const {
  return pointer_ + "/" + escapePointerToken(key);
}

void ObjectReader::fail(const std::string& key, std::string message) {
  issues_.push_back({pointerTo(key), std::move(message)});
}

const json* ObjectReader::take(const std::string& key, bool required) {
  allowed_.insert(key);
  if (!valid_) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end()) {
    if (required) fail(key, "is required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> ObjectReader::string(const std::string& key, bool required) {
  const json* value = take(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    fail(key, "must be a string, got " + describeJsonType(*value));
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::string ObjectReader::string(const std::string& key, std::string fallback) {
  return string(key, false).value_or(std::move(fallback));
}

std::int64_t ObjectReader::integer(const std::string& key, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max, bool required) {
  const json* value = take(key, required);
  if (value == nullptr) return fallback;
  if (!value->is_number_integer()) {
    fail(key, "must be an integer, got " + describeJsonType(*value));
    return fallback;
  }
  if (value->is_number_unsigned() &&
      value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    fail(key, "must be <= " + std::to_string(max) + ", got " + value->dump());
    return fallback;
  }
  const auto n = value->get<std::int64_t>();
  if (n < min || n > max) {
    fail(key,
         (n < min ? "must be >= " + std::to_string(min) : "must be <= " + std::to_string(max)) +
             ", got " + std::to_string(n));
    return fallback;
  }
  return n;
}

std::optional<std::uint64_t> ObjectReader::unsignedInteger(const std::string& key, bool required) {
  const json* value = take(key, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_unsigned()) {
    fail(key, "must be an integer in [0, 2^64), got " + describeJsonType(*value));
    return std::nullopt;
  }
  return value->get<std::uint64_t>();
}

double ObjectReader::number(const std::string& key, double fallback, double min, double max) {
  return optionalNumber(key, min, max).value_or(fallback);
}

std::optional<double> ObjectReader::optionalNumber(const std::string& key, double min, double max) {
  const json* value = take(key, false);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    fail(key, "must be a number, got " + describeJsonType(*value));
    return std::nullopt;
  }
  const double n = value->get<double>();
  if (!(n >= min && n <= max)) {
    std::ostringstream range;
    range << "must be in [" << min << "," << max << "], got " << value->dump();
    fail(key, range.str());
    return std::nullopt;
  }
  return n;
}

std::optional<std::int64_t> ObjectReader::optionalInteger(const std::string& key, std::int64_t min,
                                                          std::int64_t max) {
  if (!has(key)) {
    allowed_.insert(key);
    return std::nullopt;
  }
  const std::size_t before = issues_.size();
  const std::int64_t n = integer(key, min, min, max);
  if (issues_.size() != before) return std::nullopt;
  return n;
}

bool ObjectReader::boolean(const std::string& key, bool fallback) {
  const json* value = take(key, false);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) {
    fail(key, "must be true or false, got " + describeJsonType(*value));
    return fallback;
  }
  return value->get<bool>();
}

const json* ObjectReader::child(const std::string& key, json::value_t type, bool required) {
  const json* value = take(key, required);
  if (value == nullptr) return nullptr;
  if (value->type() != type) {
    const std::string want = type == json::value_t::array ? "an array" : "an object";
    fail(key, "must be " + want + ", got " + describeJsonType(*value));
    return nullptr;
  }
  return value;
}

std::int64_t ObjectReader::formatVersion(const std::string& key, int supported,
                                         const std::string& what) {
  const auto version = integer(key, 0, 1, 1'000'000, true);
  if (version > supported) {
    fail(key, "unsupported " + what + " " + std::to_string(version) +
                  "; this faultline reads version " + std::to_string(supported));
  }
  return version;
}

void ObjectReader::finish() {
  if (!valid_) return;
  for (const auto& [key, value] : object_.items()) {
    if (allowed_.count(key) != 0) continue;
    std::string allowed;
    for (const auto& name : allowed_) allowed += (allowed.empty() ? "" : ", ") + name;
    fail(key, "unknown key; allowed: " + allowed);
  }
}

}  // namespace faultline::scenarios
