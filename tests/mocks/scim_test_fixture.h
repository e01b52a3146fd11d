// Shared by the SCIM dialect tests (scim_list_test.cpp, scim_read_write_test.cpp,
// scim_auth_test.cpp): the SCIM dialect over real HTTP on loopback, a MockTarget on
// port 0 with a ManualClock, driven by cpp-httplib's client as a connector would drive it.
//
// Not in an anonymous namespace: the TEST_Fs in every file must share one
// ScimDialectTest type, or GoogleTest rejects the suite. Free functions are inline.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/clock.h"
#include "mocks/mock_target.h"
#include "mocks/scim_resources.h"
#include "mocks/tenant.h"
#include "scenarios/scenario.h"

namespace faultline::mocks {

using nlohmann::json;

inline constexpr std::uint64_t kSeed = 20250611;
inline constexpr int kTokenTtlSeconds = 600;
inline constexpr const char* kScimType = "application/scim+json";

inline scenarios::Scenario smallScenario() {
  scenarios::Scenario s;
  s.name = "scim-dialect-test";
  s.seed = kSeed;
  s.tenant.accounts = 23;
  s.tenant.groups = 5;
  s.tenant.entitlements = 6;
  s.tenant.nesting_depth = 2;
  s.tenant.nhi_share = 0.3;
  s.target.default_page_size = 10;
  s.target.max_page_size = 20;
  s.target.token_ttl_seconds = kTokenTtlSeconds;
  return s;
}

// Percent-encodes everything outside RFC 3986's unreserved set.
inline std::string encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

inline std::string patchBody(const json& operations) {
  return json{{"schemas", {kPatchOpSchema}}, {"Operations", operations}}.dump();
}

inline std::vector<std::string> idsOf(const json& list) {
  std::vector<std::string> out;
  for (const auto& r : list.value("Resources", json::array())) out.push_back(r.at("id"));
  return out;
}

struct Reply {
  int status = 0;
  std::string text;
  json body;  // null unless the body parsed as JSON
  httplib::Headers headers;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

inline Reply toReply(const httplib::Result& result) {
  Reply r;
  if (!result) {
    ADD_FAILURE() << "HTTP request failed: " << httplib::to_string(result.error());
    return r;
  }
  r.status = result->status;
  r.text = result->body;
  r.headers = result->headers;
  if (!r.text.empty()) r.body = json::parse(r.text, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  return r;
}

class ScimDialectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    target_.start();
    const std::string token_url = target_.tokenUrl();
    origin_ = token_url.substr(0, token_url.find('/', std::string("http://").size()));
    base_ = target_.apiBaseUrl().substr(origin_.size());
    token_path_ = token_url.substr(origin_.size());
    Reply issued = requestToken("grant_type=client_credentials", target_.client().client_id,
                                target_.client().client_secret);
    ASSERT_EQ(issued.status, 200) << issued.text;
    token_ = issued.body["access_token"].get<std::string>();
  }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>(origin_);
    c->set_keep_alive(false);
    return c;
  }

  Reply requestToken(const std::string& form, const std::string& id,
                     const std::string& secret) const {
    auto c = client();
    if (!id.empty()) c->set_basic_auth(id, secret);
    return toReply(c->Post(token_path_, form, "application/x-www-form-urlencoded"));
  }

  httplib::Headers bearer(httplib::Headers extra = {}) const {
    extra.emplace("Authorization", "Bearer " + token_);
    return extra;
  }

  // `path` is relative to the SCIM base, e.g. "/Users?count=2".
  Reply get(const std::string& path, httplib::Headers extra = {}) const {
    return toReply(client()->Get(base_ + path, bearer(std::move(extra))));
  }
  Reply post(const std::string& path, const std::string& body) const {
    return toReply(client()->Post(base_ + path, bearer(), body, kScimType));
  }
  Reply put(const std::string& path, const std::string& body) const {
    return toReply(client()->Put(base_ + path, bearer(), body, kScimType));
  }
  Reply patch(const std::string& path, const json& operations, httplib::Headers extra = {}) const {
    return toReply(
        client()->Patch(base_ + path, bearer(std::move(extra)), patchBody(operations), kScimType));
  }
  Reply del(const std::string& path, httplib::Headers extra = {}) const {
    return toReply(client()->Delete(base_ + path, bearer(std::move(extra))));
  }
  Reply filter(const std::string& resource, const std::string& text) const {
    return get("/" + resource + "?filter=" + encode(text));
  }

  // Every SCIM error carries the Error schema and its status as a string.
  static void expectScimError(Reply r, int status, const std::string& scim_type,
                              const std::string& detail) {
    EXPECT_EQ(r.status, status) << r.text;
    EXPECT_EQ(r.header("Content-Type"), kScimType);
    EXPECT_EQ(r.body["schemas"], json::array({kErrorSchema})) << r.text;
    EXPECT_EQ(r.body["status"], std::to_string(status)) << r.text;
    if (scim_type.empty()) {
      EXPECT_FALSE(r.body.contains("scimType")) << r.text;
    } else {
      EXPECT_EQ(r.body["scimType"], scim_type) << r.text;
    }
    EXPECT_EQ(r.body["detail"], detail) << r.text;
  }

  TenantState state() const { return target_.tenant().snapshot(); }

  // A group with at least `n` user members, found in the generated tenant.
  Group groupWithMembers(std::size_t n) const {
    for (const auto& g : state().groups) {
      const auto users = std::count_if(g.members.begin(), g.members.end(),
                                       [](const Member& m) { return !m.is_group; });
      if (static_cast<std::size_t>(users) >= n) return g;
    }
    ADD_FAILURE() << "seed " << kSeed << " gave no group with " << n << " user members";
    return {};
  }

  ManualClock clock_;
  const scenarios::Scenario scenario_ = smallScenario();
  MockTarget target_{scenario_, kSeed, clock_};
  std::string origin_;      // http://127.0.0.1:<port>
  std::string base_;        // /scim/v2
  std::string token_path_;  // /oauth2/token
  std::string token_;
};

}  // namespace faultline::mocks
