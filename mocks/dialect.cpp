#include "mocks/dialect.h"

#include <algorithm>
#include <cctype>

#include "mocks/json_writer.h"

namespace faultline::mocks {

std::vector<std::pair<std::string, std::string>> Dialect::rateLimitHeaders(
    std::int64_t limit, std::int64_t remaining, std::optional<std::int64_t> reset_epoch_s) const {
  // The de facto convention many APIs share; a dialect with its own
  // spelling overrides this.
  std::vector<std::pair<std::string, std::string>> headers = {
      {"X-Rate-Limit-Limit", std::to_string(limit)},
      {"X-Rate-Limit-Remaining", std::to_string(remaining)}};
  if (reset_epoch_s) headers.emplace_back("X-Rate-Limit-Reset", std::to_string(*reset_epoch_s));
  return headers;
}

MockResponse Dialect::error(ErrorMeaning meaning, int status, const std::string& detail) const {
  static constexpr const char* kCodes[] = {
      "invalid_token", "insufficient_scope", "rate_limited",   "not_found",      "conflict",
      "server_error",  "invalid_value",      "invalid_cursor", "expired_cursor", "token_refused"};
  MockResponse r;
  r.status = status;
  r.content_type = contentType();
  JsonWriter w(r.body);
  w.beginObject();
  w.key("error").value(kCodes[static_cast<int>(meaning)]);
  w.key("detail").value(detail);
  w.endObject();
  return r;
}

nlohmann::ordered_json* Dialect::listItems(nlohmann::ordered_json& body) const {
  return body.is_array() ? &body : nullptr;
}

bool Dialect::announceDrift(scenarios::FaultKind, const std::string&, const std::string&,
                            const std::string&, const std::string&, nlohmann::ordered_json&) const {
  return false;
}

std::string MockRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](unsigned char a, unsigned char b) {
          return std::tolower(a) == std::tolower(b);
        }))
      return v;
  }
  return "";
}

const std::string* MockRequest::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return &v;
  }
  return nullptr;
}

}  // namespace faultline::mocks
