#include "mocks/token_issuer.h"

#include <cstdio>
#include <vector>

#include "mocks/seeded_rng.h"

namespace faultline::mocks {
namespace {

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Constant-time comparison: the secret check should not leak by timing even
// in a mock, since connectors are sometimes pointed at it by hand.
bool sameSecret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

TokenIssuer::TokenIssuer(std::uint64_t seed, const Clock& clock, int ttl_seconds)
    : clock_(clock), seed_(seed), ttl_seconds_(ttl_seconds) {
  client_.client_id = "faultline-" + hex64(mix64(seed ^ 0x636c69656e74ULL)).substr(0, 8);
  client_.client_secret =
      "fls_" + hex64(mix64(seed ^ 0x736563726574ULL)) + hex64(mix64(seed + 0x5ec7));
}

bool TokenIssuer::authenticates(const std::string& client_id,
                                const std::string& client_secret) const {
  return client_id == client_.client_id && sameSecret(client_secret, client_.client_secret);
}

IssuedToken TokenIssuer::issue() {
  std::lock_guard lock(mutex_);
  const std::uint64_t n = ++issued_;
  IssuedToken t;
  // After a reset the counter starts again; the salt keeps a string that
  // was revoked or forgotten from ever becoming valid again.
  const std::uint64_t salt = resets_ == 0 ? 0 : mix64(resets_ ^ 0x7265736574ULL);
  t.token = "flt_" + hex64(mix64(seed_ ^ (n * 0x9e37ULL) ^ salt)) + hex64(mix64(seed_ + n + salt));
  t.id = "tok-" + std::to_string(n);
  t.expires_in_s = ttl_seconds_;
  t.expires_at_ms = clock_.nowMs() + static_cast<std::int64_t>(ttl_seconds_) * 1000;
  tokens_[t.token] = {t.id, t.expires_at_ms, false};
  return t;
}

TokenVerdict TokenIssuer::check(const std::string& token) const {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return {TokenCheck::Unknown, ""};
  if (it->second.revoked) return {TokenCheck::Revoked, it->second.id};
  if (clock_.nowMs() >= it->second.expires_at_ms) return {TokenCheck::Expired, it->second.id};
  return {TokenCheck::Valid, it->second.id};
}

void TokenIssuer::revoke(const std::string& token_id) {
  std::lock_guard lock(mutex_);
  for (auto& [token, record] : tokens_) {
    if (record.id == token_id) record.revoked = true;
  }
}

void TokenIssuer::reset() {
  std::lock_guard lock(mutex_);
  tokens_.clear();
  issued_ = 0;
  ++resets_;
}

std::vector<std::string> TokenIssuer::issuedTokens() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [token, record] : tokens_) out.push_back(token);
  return out;
}

}  // namespace faultline::mocks
