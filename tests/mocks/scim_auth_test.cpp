// SCIM over loopback HTTP: bearer auth, the OAuth token endpoint and the journal.
#include "mocks/scim_dialect.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/journal.h"
#include "mocks/tenant.h"
#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

// Standard base64 (RFC 4648 §4), for hand-made Basic credentials.
std::string base64(const std::string& text) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    const auto n = static_cast<unsigned>(static_cast<unsigned char>(text[i])) << 16 |
                   static_cast<unsigned>(static_cast<unsigned char>(text[i + 1])) << 8 |
                   static_cast<unsigned char>(text[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (const std::size_t rest = text.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(text[i])) << 16;
    if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(text[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// --- bearer auth (RFC 6750 §3) ----------------------------------------------

TEST_F(ScimDialectTest, RequestWithoutATokenIs401WithABearerChallenge) {
  Reply r = toReply(client()->Get(base_ + "/Users"));

  expectScimError(r, 401, "", "No bearer token");
  // RFC 6750 §3.1: no credentials, so a challenge without an error code.
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer realm=\"faultline\"");
}

TEST_F(ScimDialectTest, UnknownTokenIs401) {
  Reply r =
      toReply(client()->Get(base_ + "/Users", {{"Authorization", "Bearer not-a-real-token"}}));

  expectScimError(r, 401, "", "The access token is not recognised");
  EXPECT_NE(r.header("WWW-Authenticate").find("error=\"invalid_token\""), std::string::npos);
}

TEST_F(ScimDialectTest, OtherAuthorizationSchemeIs401) {
  Reply r = toReply(client()->Get(base_ + "/Users", {{"Authorization", "Basic " + token_}}));

  expectScimError(r, 401, "", "No bearer token");
}

TEST_F(ScimDialectTest, TokenIsValidUntilItsTtlThenExpires) {
  clock_.advanceMs(kTokenTtlSeconds * 1000 - 1);
  EXPECT_EQ(get("/Users?count=0").status, 200);

  clock_.advanceMs(1);
  Reply r = get("/Users?count=0");
  expectScimError(r, 401, "", "The access token expired");
  EXPECT_EQ(r.header("WWW-Authenticate"),
            "Bearer realm=\"faultline\", error=\"invalid_token\", "
            "error_description=\"The access token expired\"");
}

TEST_F(ScimDialectTest, RevokedTokenIs401) {
  target_.issuer().revoke("tok-1");
  expectScimError(get("/Users"), 401, "", "The access token was revoked");
}

TEST_F(ScimDialectTest, SchemeNameIsCaseInsensitive) {
  Reply r =
      toReply(client()->Get(base_ + "/Users?count=0", {{"Authorization", "bearer " + token_}}));
  EXPECT_EQ(r.status, 200) << r.text;
}

// --- token endpoint (RFC 6749 §4.4, §5.2) -----------------------------------

TEST_F(ScimDialectTest, TokenEndpointIssuesABearerTokenForTheTtl) {
  Reply r = requestToken("grant_type=client_credentials", target_.client().client_id,
                         target_.client().client_secret);

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["token_type"], "Bearer");
  EXPECT_EQ(r.body["expires_in"], kTokenTtlSeconds);
  EXPECT_FALSE(r.body.contains("refresh_token"));
  EXPECT_NE(r.body["access_token"], token_);
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
}

TEST_F(ScimDialectTest, TokenEndpointAcceptsClientCredentialsInTheForm) {
  Reply r =
      requestToken("grant_type=client_credentials&client_id=" + encode(target_.client().client_id) +
                       "&client_secret=" + encode(target_.client().client_secret),
                   "", "");
  EXPECT_EQ(r.status, 200) << r.text;
}

TEST_F(ScimDialectTest, TokenEndpointAcceptsTheBasicSchemeInAnyCase) {
  // RFC 7235 §2.1: auth-scheme names are case-insensitive.
  const std::string credentials =
      base64(target_.client().client_id + ":" + target_.client().client_secret);
  for (const std::string scheme : {"Basic", "basic", "BASIC"}) {
    Reply r = toReply(client()->Post(token_path_, {{"Authorization", scheme + " " + credentials}},
                                     "grant_type=client_credentials",
                                     "application/x-www-form-urlencoded"));
    EXPECT_EQ(r.status, 200) << scheme << ": " << r.text;
  }
}

TEST_F(ScimDialectTest, TokenEndpointRejectsBadRequests) {
  const std::string id = target_.client().client_id;
  const std::string secret = target_.client().client_secret;

  Reply wrong_secret = requestToken("grant_type=client_credentials", id, "wrong");
  EXPECT_EQ(wrong_secret.status, 401);
  EXPECT_EQ(wrong_secret.body["error"], "invalid_client");
  EXPECT_EQ(wrong_secret.body["error_description"], "client authentication failed");
  EXPECT_EQ(wrong_secret.header("WWW-Authenticate"), "Basic realm=\"faultline\"");

  Reply wrong_id = requestToken("grant_type=client_credentials", "someone-else", secret);
  EXPECT_EQ(wrong_id.status, 401);
  EXPECT_EQ(wrong_id.body["error"], "invalid_client");

  Reply no_client = requestToken("grant_type=client_credentials", "", "");
  EXPECT_EQ(no_client.status, 401);
  EXPECT_EQ(no_client.body["error"], "invalid_client");

  Reply wrong_grant = requestToken("grant_type=password", id, secret);
  EXPECT_EQ(wrong_grant.status, 400);
  EXPECT_EQ(wrong_grant.body["error"], "unsupported_grant_type");
  EXPECT_EQ(wrong_grant.body["error_description"], "only client_credentials is supported");

  Reply no_grant = requestToken("scope=all", id, secret);
  EXPECT_EQ(no_grant.status, 400);
  EXPECT_EQ(no_grant.body["error"], "invalid_request");
  EXPECT_EQ(no_grant.body["error_description"], "grant_type is required");

  EXPECT_EQ(target_.issuer().issuedTokens().size(), 1u);
}

// --- journal ----------------------------------------------------------------

TEST_F(ScimDialectTest, JournalRecordsEachRequestButNeverTheToken) {
  clock_.setMs(1'234);
  Reply page = get("/Users?count=2");
  Reply missing = get("/Users/no-such-id");
  Reply anonymous = toReply(client()->Get(base_ + "/Groups"));

  const std::vector<JournalEntry> entries = target_.journal().entries();
  ASSERT_EQ(entries.size(), 4u);
  const JournalEntry& issue = entries[0];
  EXPECT_EQ(issue.seq, 1u);
  EXPECT_EQ(issue.dialect, "oauth");
  EXPECT_EQ(issue.method, "POST");
  EXPECT_EQ(issue.path, token_path_);
  EXPECT_EQ(issue.status, 200);
  EXPECT_EQ(issue.bytes_in, std::string("grant_type=client_credentials").size());
  EXPECT_EQ(issue.note, "issued tok-1");

  const JournalEntry& listed = entries[1];
  EXPECT_EQ(listed.seq, 2u);
  EXPECT_EQ(listed.dialect, "scim");
  EXPECT_EQ(listed.method, "GET");
  EXPECT_EQ(listed.path, base_ + "/Users");
  EXPECT_EQ(listed.query, "count=2");
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.bytes_in, 0u);
  EXPECT_EQ(listed.bytes_out, page.text.size());
  EXPECT_EQ(listed.token_id, "tok-1");
  EXPECT_EQ(listed.t_ms, 1'234);

  EXPECT_EQ(entries[2].status, 404);
  EXPECT_EQ(entries[2].bytes_out, missing.text.size());
  EXPECT_EQ(entries[2].token_id, "tok-1");
  EXPECT_EQ(entries[3].status, 401);
  EXPECT_EQ(entries[3].token_id, "");
  EXPECT_EQ(entries[3].bytes_out, anonymous.text.size());

  for (const auto& e : entries) {
    for (const std::string* field :
         {&e.dialect, &e.method, &e.path, &e.query, &e.token_id, &e.note}) {
      EXPECT_EQ(field->find(token_), std::string::npos) << e.seq;
      EXPECT_EQ(field->find(target_.client().client_secret), std::string::npos) << e.seq;
    }
  }
}

TEST_F(ScimDialectTest, JournalRedactsCredentialsSentInTheQuery) {
  // RFC 6750 §2.3 lets clients put the token in the query; the mock does not
  // accept it there, but the journal must not keep it either.
  Reply r = toReply(client()->Get(base_ + "/Users?count=1&access_token=" + token_ +
                                  "&client_secret=" + target_.client().client_secret));
  EXPECT_EQ(r.status, 401);

  const JournalEntry last = target_.journal().entries().back();
  EXPECT_EQ(last.query, "count=1&access_token=REDACTED&client_secret=REDACTED");
}

TEST_F(ScimDialectTest, UnknownPathIsJournaledAsAScimNotFound) {
  Reply r = get("/Widgets");

  expectScimError(r, 404, "", "no such endpoint: " + base_ + "/Widgets");
  const JournalEntry last = target_.journal().entries().back();
  EXPECT_EQ(last.path, base_ + "/Widgets");
  EXPECT_EQ(last.status, 404);
}

TEST_F(ScimDialectTest, JournalNamesTheTokenOfAnExpiredRequest) {
  clock_.advanceMs(kTokenTtlSeconds * 1000);
  get("/Users");

  const JournalEntry last = target_.journal().entries().back();
  EXPECT_EQ(last.status, 401);
  EXPECT_EQ(last.token_id, "tok-1");
}

TEST_F(ScimDialectTest, JournalFingerprintsTheBodyOfWritesOnly) {
  const Account a = state().accounts[0];
  const json rename = json::array({{{"op", "replace"}, {"path", "displayName"}, {"value", "x"}}});
  patch("/Users/" + a.id, rename);
  patch("/Users/" + a.id, rename);
  patch("/Users/" + a.id,
        json::array({{{"op", "replace"}, {"path", "displayName"}, {"value", "y"}}}));
  get("/Users/" + a.id);

  const std::vector<JournalEntry> entries = target_.journal().entries();
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].body_hash, "") << "the token request's body may hold the client secret";
  EXPECT_EQ(entries[1].body_hash.size(), 16u);
  EXPECT_EQ(entries[1].body_hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(entries[2].body_hash, entries[1].body_hash);
  EXPECT_NE(entries[3].body_hash, entries[1].body_hash);
  EXPECT_EQ(entries[4].body_hash, "");
}

TEST_F(ScimDialectTest, WritesNameTheJournalEntryThatCausedThem) {
  const Account a = state().accounts[0];
  Reply r =
      patch("/Users/" + a.id,
            json::array({{{"op", "replace"}, {"path", "displayName"}, {"value", "changed"}}}));
  ASSERT_EQ(r.status, 200) << r.text;

  const JournalEntry entry = target_.journal().entries().back();
  EXPECT_EQ(entry.method, "PATCH");
  const Change change = target_.tenant().changes().back();
  EXPECT_EQ(change.kind, "account.updated");
  EXPECT_EQ(change.cause, "request #" + std::to_string(entry.seq));
}

}  // namespace
}  // namespace faultline::mocks
