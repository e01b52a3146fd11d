#include "scenarios/json_reader.h"

#include <fstream>
#include <sstream>

namespace faultline::scenarios {

using nlohmann::json;

nlohmann::json parseJsonDocument(std::string_view text, const std::string& file) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // nlohmann's text already says "at line L, column C"; drop its internal
    // "[json.exception.parse_error.N] " prefix so the author sees only that.
    std::string message = e.what();
    if (auto pos = message.find("] "); pos != std::string::npos) message = message.substr(pos + 2);
    throw ConfigError(file, {{"", "invalid JSON: " + message}});
  } catch (const json::exception& e) {
    // A number too large for a double ("1e999") is an out_of_range error,
    // not a parse_error, and carries no position.
    std::string message = e.what();
    if (auto pos = message.find("] "); pos != std::string::npos) message = message.substr(pos + 2);
    throw ConfigError(file, {{"", "invalid JSON: " + message}});
  }
}

std::string readFileOrThrow(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, {{"", "cannot open file"}});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw ConfigError(path, {{"", "cannot read file"}});
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
  const json* value = take(key, false);
  if (value == nullptr) return fallback;
  if (!value->is_number()) {
    fail(key, "must be a number, got " + describeJsonType(*value));
    return fallback;
  }
  const double n = value->get<double>();
  if (!(n >= min && n <= max)) {
    std::ostringstream range;
    range << "must be in [" << min << "," << max << "], got " << value->dump();
    fail(key, range.str());
    return fallback;
  }
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
