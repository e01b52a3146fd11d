#include "mocks/id_format.h"

#include <cctype>

namespace faultline::mocks {
namespace {

constexpr std::string_view kCompactPrefix = "00u";
constexpr std::size_t kUuidLength = 36;
constexpr std::size_t kHexDigits = 32;

bool isHex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool isDash(std::size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

// "00u" + 32 lowercase hex digits at `at`, not followed by another hex digit.
bool compactAt(std::string_view text, std::size_t at) {
  if (text.substr(at, kCompactPrefix.size()) != kCompactPrefix) return false;
  const std::size_t digits = at + kCompactPrefix.size();
  if (text.size() < digits + kHexDigits) return false;
  for (std::size_t i = 0; i < kHexDigits; ++i) {
    const char c = text[digits + i];
    if (!isHex(c) || std::isupper(static_cast<unsigned char>(c)) != 0) return false;
  }
  return text.size() == digits + kHexDigits || !isHex(text[digits + kHexDigits]);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool isUuid(std::string_view text) {
  if (text.size() != kUuidLength) return false;
  for (std::size_t i = 0; i < kUuidLength; ++i) {
    if (isDash(i) ? text[i] != '-' : !isHex(text[i])) return false;
  }
  return true;
}

std::string formatId(std::string_view uuid, std::string_view style) {
  std::string out;
  if (style == "uppercase") {
    for (char c : uuid)
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return out;
  }
  out = kCompactPrefix;
  for (char c : uuid) {
    if (c != '-') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::size_t reformatIds(nlohmann::ordered_json& doc, std::string_view style) {
  std::size_t changed = 0;
  if (doc.is_object() || doc.is_array()) {
    for (auto& child : doc) changed += reformatIds(child, style);
    return changed;
  }
  if (!doc.is_string()) return 0;
  const std::string& text = doc.get_ref<const std::string&>();
  if (isUuid(text)) {
    doc = formatId(text, style);
    return 1;
  }
  // A location or $ref: ".../Users/<uuid>".
  if (text.size() > kUuidLength && text[text.size() - kUuidLength - 1] == '/' &&
      isUuid(std::string_view(text).substr(text.size() - kUuidLength))) {
    doc = text.substr(0, text.size() - kUuidLength) +
          formatId(std::string_view(text).substr(text.size() - kUuidLength), style);
    return 1;
  }
  return 0;
}

std::string canonicalIds(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (compactAt(text, i)) {
      const std::string_view hex = text.substr(i + kCompactPrefix.size(), kHexDigits);
      out.append(hex.substr(0, 8)).append("-").append(hex.substr(8, 4)).append("-");
      out.append(hex.substr(12, 4)).append("-").append(hex.substr(16, 4)).append("-");
      out.append(hex.substr(20));
      i += kCompactPrefix.size() + kHexDigits;
      continue;
    }
    if (i + kUuidLength <= text.size() && isUuid(text.substr(i, kUuidLength))) {
      out += lower(text.substr(i, kUuidLength));
      i += kUuidLength;
      continue;
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

}  // namespace faultline::mocks
