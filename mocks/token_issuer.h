#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mocks/clock.h"

namespace faultline::mocks {

// The client a drill hands to the connector. The secret never leaves the
// harness except through the connector's environment.
struct ClientCredentials {
  std::string client_id;
  std::string client_secret;
};

struct IssuedToken {
  std::string token;
  std::string id;  // "tok-1": the handle journals and reports use
  std::int64_t expires_at_ms = 0;
  int expires_in_s = 0;
};

enum class TokenCheck { Valid, Expired, Revoked, Unknown };

struct TokenVerdict {
  TokenCheck check = TokenCheck::Unknown;
  std::string id;  // set unless Unknown
};

// OAuth 2.0 client-credentials token issuer (RFC 6749 §4.4) over the drill
// clock. Token strings are derived from the seed and a counter, so a replay
// issues the same tokens. Thread-safe.
class TokenIssuer {
 public:
  TokenIssuer(std::uint64_t seed, const Clock& clock, int ttl_seconds);

  const ClientCredentials& client() const { return client_; }
  bool authenticates(const std::string& client_id, const std::string& client_secret) const;
  IssuedToken issue();
  TokenVerdict check(const std::string& token) const;
  void revoke(const std::string& token_id);
  // Forgets every token issued: they are refused from now on, and the next
  // one is tok-1 again, with a string no earlier token had.
  void reset();
  // Every token string issued so far, for secret-hygiene checks on output.
  std::vector<std::string> issuedTokens() const;

 private:
  struct Record {
    std::string id;
    std::int64_t expires_at_ms;
    bool revoked;
  };
  const Clock& clock_;
  const std::uint64_t seed_;
  const int ttl_seconds_;
  ClientCredentials client_;
  mutable std::mutex mutex_;
  std::uint64_t issued_ = 0;                        // guarded by mutex_
  std::uint64_t resets_ = 0;                        // guarded by mutex_
  std::unordered_map<std::string, Record> tokens_;  // guarded by mutex_
};

}  // namespace faultline::mocks
