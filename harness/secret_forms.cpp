#include "harness/secret_forms.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace faultline::harness {
namespace {

bool isUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string percentEncode(const std::string& s, bool space_as_plus) {
  std::string out;
  for (const unsigned char c : s) {
    if (isUnreserved(c)) {
      out += static_cast<char>(c);
    } else if (c == ' ' && space_as_plus) {
      out += '+';
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// As a JSON serialiser writes the string, "/" escaped or not.
std::string jsonEscape(const std::string& s, bool escape_slash) {
  std::string out;
  for (const unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '/': out += escape_slash ? "\\/" : "/"; break;
      default:
        if (c < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\u%04x", c);
          out += hex;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string withoutPadding(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

}  // namespace

std::string base64Encode(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::vector<std::string> secretForms(const std::vector<std::string>& secrets,
                                     const std::string& client_id,
                                     const std::string& client_secret) {
  std::set<std::string> forms;
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    // Unpadded base64 is a prefix of the padded form, so it finds and redacts both.
    for (const auto& form : {s, percentEncode(s, false), percentEncode(s, true),
                             jsonEscape(s, false), jsonEscape(s, true),
                             withoutPadding(base64Encode(s))})
      forms.insert(form);
  }
  if (!client_secret.empty()) {
    for (const auto& pair :
         {client_id + ":" + client_secret,
          percentEncode(client_id, true) + ":" + percentEncode(client_secret, true)}) {
      forms.insert(withoutPadding(base64Encode(pair)));
    }
  }
  std::vector<std::string> out(forms.begin(), forms.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

}  // namespace faultline::harness
