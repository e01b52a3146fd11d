#include "mocks/oauth_dialect.h"

#include <cctype>

#include "mocks/json_writer.h"

namespace faultline::mocks {
namespace {

// RFC 6749 §5.2 allows only printable ASCII without '"' and '\\' in an
// error_description, and descriptions echo what a client sent.
std::string describable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '"') {
      out.push_back('\'');
    } else if (c == '\\' || c < 0x20 || c > 0x7e) {
      out.push_back('?');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

MockResponse oauthError(int status, const std::string& error, const std::string& description) {
  MockResponse r;
  r.status = status;
  JsonWriter w(r.body);
  w.beginObject().field("error", error).field("error_description", describable(description));
  w.endObject();
  r.headers.emplace_back("Cache-Control", "no-store");
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"faultline\"");
  return r;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 7235 §2.1: the auth-scheme name is case-insensitive.
bool isBasicScheme(std::string_view authorization) {
  constexpr std::string_view kScheme = "basic ";
  if (authorization.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  }
  return true;
}

const std::string* field(const std::vector<std::pair<std::string, std::string>>& form,
                         std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return &v;
  }
  return nullptr;
}

// RFC 6749 §3.2: a parameter sent more than once makes the request invalid.
const std::string* repeatedField(const std::vector<std::pair<std::string, std::string>>& form) {
  for (std::size_t i = 0; i < form.size(); ++i) {
    for (std::size_t j = i + 1; j < form.size(); ++j) {
      if (form[i].first == form[j].first) return &form[i].first;
    }
  }
  return nullptr;
}

bool isFormContent(std::string_view content_type) {
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  if (content_type.size() < kForm.size()) return false;
  for (std::size_t i = 0; i < kForm.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(content_type[i])) != kForm[i]) return false;
  }
  return content_type.size() == kForm.size() || content_type[kForm.size()] == ';' ||
         content_type[kForm.size()] == ' ';
}

}  // namespace

std::string percentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
               hexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parseForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    out.emplace_back(percentDecode(pair.substr(0, eq), true),
                     eq == std::string_view::npos ? "" : percentDecode(pair.substr(eq + 1), true));
  }
  return out;
}

std::optional<std::string> decodeBase64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

OAuthDialect::OAuthDialect(TokenIssuer& issuer, std::string token_path)
    : issuer_(issuer), token_path_(std::move(token_path)) {}

std::vector<Route> OAuthDialect::routes() {
  std::vector<Route> out = {
      {"POST", token_path_, AuthMode::None, [this](const MockRequest& r) { return token(r); }}};
  // The token endpoint is POST only (RFC 6749 §3.2); any other method gets
  // 405 in the endpoint's own error format rather than the API's 404.
  for (const char* method : {"GET", "PUT", "PATCH", "DELETE"}) {
    out.push_back({method, token_path_, AuthMode::None, [](const MockRequest& r) {
                     MockResponse e =
                         oauthError(405, "invalid_request", r.method + " is not allowed; use POST");
                     e.headers.emplace_back("Allow", "POST");
                     return e;
                   }});
  }
  return out;
}

MockResponse OAuthDialect::unauthorized(const std::string& description, bool) const {
  return oauthError(401, "invalid_client", description);
}

RequestTarget OAuthDialect::classify(const MockRequest& request) const {
  RequestTarget target;
  target.kind = scenarios::kToken;
  if (request.path == token_path_) target.resource = "token";
  return target;
}

MockResponse OAuthDialect::error(ErrorMeaning meaning, int status,
                                 const std::string& detail) const {
  // RFC 6749 §5.2 error codes; a refused client's code is the fault's own.
  if (meaning == ErrorMeaning::TokenRefused) {
    return oauthError(status, detail, "injected by faultline");
  }
  return oauthError(status, status >= 500 ? "server_error" : "invalid_request", detail);
}

MockResponse OAuthDialect::notFound(const std::string& path) const {
  return oauthError(404, "invalid_request", "no such endpoint: " + path);
}

MockResponse OAuthDialect::refused(int status, const std::string& detail) const {
  return oauthError(status, "invalid_request", detail);
}

MockResponse OAuthDialect::internalError(const std::string& detail) const {
  return oauthError(500, "server_error", "faultline harness bug: " + detail);
}

MockResponse OAuthDialect::token(const MockRequest& request) const {
  const std::string content_type = request.header("Content-Type");
  if (!request.body.empty() && !isFormContent(content_type)) {
    return oauthError(
        400, "invalid_request",
        "the body must be application/x-www-form-urlencoded, got \"" + content_type + "\"");
  }
  const auto form = parseForm(request.body);
  if (const std::string* name = repeatedField(form))
    return oauthError(400, "invalid_request", *name + " is given more than once");
  const std::string* grant = field(form, "grant_type");
  if (grant == nullptr) return oauthError(400, "invalid_request", "grant_type is required");
  if (*grant != "client_credentials") {
    return oauthError(400, "unsupported_grant_type", "only client_credentials is supported");
  }
  std::string id, secret;
  const std::string authorization = request.header("Authorization");
  // RFC 6749 §2.3: a client uses one authentication method per request.
  if (isBasicScheme(authorization) && field(form, "client_secret") != nullptr) {
    return oauthError(400, "invalid_request",
                      "client credentials are given both in the Authorization header and the body");
  }
  if (isBasicScheme(authorization)) {
    const auto decoded = decodeBase64(authorization.substr(6));
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos)
      return oauthError(401, "invalid_client", "malformed Basic credentials");
    // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    id = percentDecode(decoded->substr(0, colon), true);
    secret = percentDecode(decoded->substr(colon + 1), true);
  } else if (const auto* fid = field(form, "client_id"); fid != nullptr) {
    id = *fid;
    if (const auto* fs = field(form, "client_secret")) secret = *fs;
  }
  if (!issuer_.authenticates(id, secret))
    return oauthError(401, "invalid_client", "client authentication failed");
  const IssuedToken t = issuer_.issue();
  MockResponse r;
  JsonWriter w(r.body);
  w.beginObject().field("access_token", t.token).field("token_type", "Bearer");
  w.field("expires_in", t.expires_in_s).endObject();
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Pragma", "no-cache");
  r.note = "issued " + t.id;
  return r;
}

}  // namespace faultline::mocks
