#pragma once

#include <string>
#include <vector>

#include "mocks/mock_server.h"
#include "mocks/token_issuer.h"

namespace faultline::mocks {

// OAuth 2.0 token endpoint, client-credentials grant only (RFC 6749 §4.4),
// shared by every API dialect. Client authentication by HTTP Basic or by
// client_id/client_secret form fields (§2.3.1). Thread-safe.
class OAuthDialect final : public Dialect {
 public:
  explicit OAuthDialect(TokenIssuer& issuer, std::string token_path = "/oauth2/token");

  std::string name() const override { return "oauth"; }
  std::vector<Route> routes() override;
  MockResponse unauthorized(const std::string& description, bool token_presented) const override;
  MockResponse notFound(const std::string& path) const override;
  RequestTarget classify(const MockRequest& request) const override;
  MockResponse error(ErrorMeaning meaning, int status, const std::string& detail) const override;
  MockResponse internalError(const std::string& detail) const override;
  MockResponse refused(int status, const std::string& detail) const override;

  MockResponse token(const MockRequest& request) const;
  const std::string& tokenPath() const { return token_path_; }

 private:
  TokenIssuer& issuer_;
  const std::string token_path_;
};

// application/x-www-form-urlencoded, decoded.
std::vector<std::pair<std::string, std::string>> parseForm(std::string_view body);
std::string percentDecode(std::string_view text, bool plus_is_space);
// Standard base64 (RFC 4648 §4); nullopt on malformed input.
std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace faultline::mocks
