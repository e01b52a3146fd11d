// The SCIM dialect over real HTTP on loopback: a MockTarget on port 0 with a
// ManualClock, driven by cpp-httplib's client as a connector would drive it.
#include "mocks/scim_dialect.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/clock.h"
#include "mocks/mock_target.h"
#include "mocks/scim_filter.h"
#include "mocks/scim_resources.h"
#include "scenarios/scenario.h"

namespace faultline::mocks {
namespace {

using nlohmann::json;

constexpr std::uint64_t kSeed = 20250611;
constexpr int kTokenTtlSeconds = 600;
constexpr const char* kScimType = "application/scim+json";

scenarios::Scenario smallScenario() {
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
std::string encode(const std::string& text) {
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

std::string patchBody(const json& operations) {
  return json{{"schemas", {kPatchOpSchema}}, {"Operations", operations}}.dump();
}

std::vector<std::string> idsOf(const json& list) {
  std::vector<std::string> out;
  for (const auto& r : list.value("Resources", json::array())) out.push_back(r.at("id"));
  return out;
}

std::vector<std::string> memberIds(const Group& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members) out.push_back(m.id);
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

Reply toReply(const httplib::Result& result) {
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

// --- discovery --------------------------------------------------------------

TEST_F(ScimDialectTest, ServiceProviderConfigAdvertisesPatchEtagAndPageSizes) {
  Reply r = get("/ServiceProviderConfig");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.header("Content-Type"), kScimType);
  EXPECT_EQ(r.body["schemas"][0], "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
  EXPECT_EQ(r.body["patch"]["supported"], true);
  EXPECT_EQ(r.body["etag"]["supported"], true);
  EXPECT_EQ(r.body["bulk"]["supported"], false);
  EXPECT_EQ(r.body["filter"]["supported"], true);
  EXPECT_EQ(r.body["filter"]["maxResults"], 20);
  EXPECT_EQ(r.body["pagination"]["index"], true);
  EXPECT_EQ(r.body["pagination"]["cursor"], false);
  EXPECT_EQ(r.body["pagination"]["defaultPageSize"], 10);
  EXPECT_EQ(r.body["pagination"]["maxPageSize"], 20);
  ASSERT_EQ(r.body["authenticationSchemes"].size(), 1u);
  EXPECT_EQ(r.body["authenticationSchemes"][0]["type"], "oauthbearertoken");
}

TEST_F(ScimDialectTest, ResourceTypesListsUsersGroupsAndEntitlements) {
  Reply r = get("/ResourceTypes");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["schemas"], json::array({kListResponseSchema}));
  EXPECT_EQ(r.body["totalResults"], 3);
  std::vector<std::string> endpoints;
  for (const auto& t : r.body["Resources"]) endpoints.push_back(t["endpoint"].get<std::string>());
  EXPECT_EQ(endpoints, (std::vector<std::string>{"/Users", "/Groups", "/Entitlements"}));
  EXPECT_EQ(r.body["Resources"][0]["schema"], kScimUserSchema);
  EXPECT_EQ(r.body["Resources"][0]["schemaExtensions"][0]["schema"], kAccountExtension);
}

TEST_F(ScimDialectTest, SchemasDescribesCoreAndExtensionSchemas) {
  Reply r = get("/Schemas");

  ASSERT_EQ(r.status, 200) << r.text;
  std::set<std::string> ids;
  for (const auto& s : r.body["Resources"]) ids.insert(s["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{
                     std::string(kScimUserSchema), std::string(kAccountExtension),
                     std::string(kScimGroupSchema), std::string(kGroupEntitlementsExtension),
                     std::string(kEntitlementSchema)}));
  EXPECT_EQ(r.body["totalResults"], 5);
  const json& user_name = r.body["Resources"][0]["attributes"][0];
  EXPECT_EQ(user_name["name"], "userName");
  EXPECT_EQ(user_name["required"], true);
  EXPECT_EQ(user_name["uniqueness"], "server");
}

// --- list pagination (RFC 7644 §3.4.2.4) ------------------------------------

TEST_F(ScimDialectTest, ListWithoutParametersGivesTheDefaultPageSize) {
  Reply r = get("/Users");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.header("Content-Type"), kScimType);
  EXPECT_EQ(r.body["schemas"], json::array({kListResponseSchema}));
  EXPECT_EQ(r.body["totalResults"], 23);
  EXPECT_EQ(r.body["startIndex"], 1);
  EXPECT_EQ(r.body["itemsPerPage"], 10);
  ASSERT_EQ(r.body["Resources"].size(), 10u);
  EXPECT_EQ(r.body["Resources"][0]["id"], state().accounts[0].id);
}

TEST_F(ScimDialectTest, StartIndexZeroIsTreatedAsOne) {
  Reply zero = get("/Users?startIndex=0&count=5");
  Reply one = get("/Users?startIndex=1&count=5");

  ASSERT_EQ(zero.status, 200) << zero.text;
  EXPECT_EQ(zero.body["startIndex"], 1);
  EXPECT_EQ(idsOf(zero.body), idsOf(one.body));
}

TEST_F(ScimDialectTest, NegativeStartIndexIsTreatedAsOne) {
  Reply negative = get("/Users?startIndex=-4&count=5");
  Reply one = get("/Users?startIndex=1&count=5");

  ASSERT_EQ(negative.status, 200) << negative.text;
  EXPECT_EQ(negative.body["startIndex"], 1);
  EXPECT_EQ(idsOf(negative.body), idsOf(one.body));
}

TEST_F(ScimDialectTest, StartIndexPastTheEndGivesAnEmptyPageWithTheFullTotal) {
  for (const char* start : {"24", "1000"}) {
    Reply r = get(std::string("/Users?startIndex=") + start);

    ASSERT_EQ(r.status, 200) << r.text;
    EXPECT_EQ(r.body["totalResults"], 23) << start;
    EXPECT_EQ(r.body["itemsPerPage"], 0) << start;
    EXPECT_EQ(r.body["startIndex"], std::stoi(start));
    EXPECT_EQ(r.body["Resources"], json::array()) << start;
  }
}

TEST_F(ScimDialectTest, LastPageHoldsOnlyTheRemainder) {
  Reply r = get("/Users?startIndex=21&count=10");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["itemsPerPage"], 3);
  EXPECT_EQ(r.body["Resources"].size(), 3u);
  EXPECT_EQ(r.body["Resources"][2]["id"], state().accounts[22].id);
}

TEST_F(ScimDialectTest, CountZeroReturnsOnlyTheTotal) {
  Reply r = get("/Users?count=0");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["totalResults"], 23);
  EXPECT_EQ(r.body["itemsPerPage"], 0);
  EXPECT_EQ(r.body["Resources"], json::array());
}

TEST_F(ScimDialectTest, CountAboveTheMaximumIsCapped) {
  Reply r = get("/Users?count=1000");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["totalResults"], 23);
  EXPECT_EQ(r.body["itemsPerPage"], 20);
  EXPECT_EQ(r.body["Resources"].size(), 20u);
}

TEST_F(ScimDialectTest, NegativeCountIsTreatedAsZero) {
  Reply r = get("/Users?count=-3");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["totalResults"], 23);
  EXPECT_EQ(r.body["itemsPerPage"], 0);
  EXPECT_EQ(r.body["Resources"], json::array());
}

TEST_F(ScimDialectTest, NonIntegerPagingParametersAreInvalidValue) {
  expectScimError(get("/Users?startIndex=abc"), 400, "invalidValue",
                  "startIndex must be an integer, got \"abc\"");
  expectScimError(get("/Users?startIndex=1.5"), 400, "invalidValue",
                  "startIndex must be an integer, got \"1.5\"");
  expectScimError(get("/Users?startIndex=2x"), 400, "invalidValue",
                  "startIndex must be an integer, got \"2x\"");
  expectScimError(get("/Users?count=ten"), 400, "invalidValue",
                  "count must be an integer, got \"ten\"");
}

TEST_F(ScimDialectTest, WalkingAllPagesYieldsEveryUserExactlyOnce) {
  std::vector<std::string> seen;
  int pages = 0;
  for (long long start = 1;; ++pages) {
    Reply r = get("/Users?count=7&startIndex=" + std::to_string(start));
    ASSERT_EQ(r.status, 200) << r.text;
    const int items = r.body["itemsPerPage"];
    if (items == 0) break;
    for (const auto& id : idsOf(r.body)) seen.push_back(id);
    start += items;
  }

  EXPECT_EQ(pages, 4);
  std::set<std::string> expected;
  for (const auto& a : state().accounts) expected.insert(a.id);
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
}

TEST_F(ScimDialectTest, WalkingAllPagesYieldsEveryGroupExactlyOnce) {
  std::vector<std::string> seen;
  for (int start = 1; start <= 5; start += 2) {
    Reply r = get("/Groups?count=2&startIndex=" + std::to_string(start));
    ASSERT_EQ(r.status, 200) << r.text;
    EXPECT_EQ(r.body["totalResults"], 5);
    for (const auto& id : idsOf(r.body)) seen.push_back(id);
  }

  std::vector<std::string> expected;
  for (const auto& g : state().groups) expected.push_back(g.id);
  EXPECT_EQ(seen, expected);
}

// --- filters ----------------------------------------------------------------

TEST_F(ScimDialectTest, FilterEqOnIdFindsOneUser) {
  const Account a = state().accounts[5];
  Reply r = filter("Users", "id eq \"" + a.id + "\"");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["totalResults"], 1);
  EXPECT_EQ(idsOf(r.body), std::vector<std::string>{a.id});
}

TEST_F(ScimDialectTest, FilterEqOnUserNameIgnoresTheCaseOfTheValue) {
  const Account a = state().accounts[7];
  std::string shouted = a.user_name;
  std::transform(shouted.begin(), shouted.end(), shouted.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  Reply r = filter("Users", "USERNAME eq \"" + shouted + "\"");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(idsOf(r.body), std::vector<std::string>{a.id});
  EXPECT_EQ(r.body["Resources"][0]["userName"], a.user_name);
}

TEST_F(ScimDialectTest, FilterEqOnDisplayNameFindsEveryMatch) {
  const TenantState s = state();
  const std::string name = s.accounts[3].display_name;
  std::vector<std::string> expected;
  for (const auto& a : s.accounts) {
    if (a.display_name == name) expected.push_back(a.id);
  }
  Reply r = filter("Users", "displayName eq \"" + name + "\"");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(idsOf(r.body), expected);
}

TEST_F(ScimDialectTest, FilterEqOnExternalIdFindsOneUser) {
  const Account a = state().accounts[11];
  Reply r = filter("Users", "externalId eq \"" + a.external_id + "\"");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(idsOf(r.body), std::vector<std::string>{a.id});
}

TEST_F(ScimDialectTest, FilterAndRequiresBothConditions) {
  const Account a = state().accounts[2];
  const std::string by_name = "userName eq \"" + a.user_name + "\"";
  const std::string active = a.active ? "true" : "false";
  const std::string inactive = a.active ? "false" : "true";

  EXPECT_EQ(idsOf(filter("Users", by_name + " and active eq " + active).body),
            std::vector<std::string>{a.id});
  EXPECT_EQ(filter("Users", by_name + " and active eq " + inactive).body["totalResults"], 0);
}

TEST_F(ScimDialectTest, FilterResultsArePagedLikeAnyList) {
  const TenantState s = state();
  const auto active = std::count_if(s.accounts.begin(), s.accounts.end(),
                                    [](const Account& a) { return a.active; });
  Reply r = get("/Users?count=4&filter=" + encode("active eq true"));

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["totalResults"], active);
  EXPECT_EQ(r.body["itemsPerPage"], 4);
}

TEST_F(ScimDialectTest, FilterEqOnGroupDisplayNameFindsTheGroup) {
  const Group g = state().groups[1];
  Reply r = filter("Groups", "displayName eq \"" + g.display_name + "\"");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(idsOf(r.body), std::vector<std::string>{g.id});
}

TEST_F(ScimDialectTest, FilterMatchingNothingGivesAnEmptyList) {
  Reply r = filter("Users", "userName eq \"nobody@example.test\"");

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["totalResults"], 0);
  EXPECT_EQ(r.body["Resources"], json::array());
}

TEST_F(ScimDialectTest, MalformedFilterIsInvalidFilter) {
  // The detail is the filter parser's own message, passed through unchanged.
  for (const std::string text : {"userName eq", "userName zz \"x\"", "(active eq true"}) {
    const std::string detail = parseFilter(text).error;
    ASSERT_FALSE(detail.empty()) << text;
    expectScimError(filter("Users", text), 400, "invalidFilter", detail);
  }
}

TEST_F(ScimDialectTest, UnknownFilterAttributeIsInvalidFilter) {
  expectScimError(filter("Users", "nickName eq \"babs\""), 400, "invalidFilter",
                  "attribute \"nickName\" is not filterable on Users");
  expectScimError(filter("Groups", "userName eq \"x\""), 400, "invalidFilter",
                  "attribute \"userName\" is not filterable on Groups");
}

// --- read one ---------------------------------------------------------------

TEST_F(ScimDialectTest, GetByIdReturnsTheUserWithMetaAndEtag) {
  const Account a = state().accounts[0];
  Reply r = get("/Users/" + a.id);

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["schemas"], json::array({kScimUserSchema, kAccountExtension}));
  EXPECT_EQ(r.body["id"], a.id);
  EXPECT_EQ(r.body["userName"], a.user_name);
  EXPECT_EQ(r.body["active"], a.active);
  EXPECT_EQ(r.body["meta"]["resourceType"], "User");
  EXPECT_EQ(r.body["meta"]["version"], "W/\"1\"");
  EXPECT_EQ(r.body["meta"]["location"], target_.apiBaseUrl() + "/Users/" + a.id);
  EXPECT_EQ(r.header("ETag"), "W/\"1\"");
}

TEST_F(ScimDialectTest, GetGroupListsItsMembersWithTypes) {
  const Group g = groupWithMembers(1);
  Reply r = get("/Groups/" + g.id);

  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_EQ(r.body["members"].size(), g.members.size());
  for (std::size_t i = 0; i < g.members.size(); ++i) {
    EXPECT_EQ(r.body["members"][i]["value"], g.members[i].id);
    EXPECT_EQ(r.body["members"][i]["type"], g.members[i].is_group ? "Group" : "User");
  }
}

TEST_F(ScimDialectTest, GetUnknownIdIs404WithScimErrorBody) {
  expectScimError(get("/Users/no-such-id"), 404, "", "User no-such-id not found");
  expectScimError(get("/Groups/no-such-id"), 404, "", "Group no-such-id not found");
}

TEST_F(ScimDialectTest, EntitlementsAreListedAndReadable) {
  const Entitlement e = state().entitlements[0];
  Reply list = get("/Entitlements");
  Reply one = get("/Entitlements/" + e.id);

  ASSERT_EQ(list.status, 200) << list.text;
  EXPECT_EQ(list.body["totalResults"], 6);
  ASSERT_EQ(one.status, 200) << one.text;
  EXPECT_EQ(one.body["displayName"], e.display_name);
}

// --- create -----------------------------------------------------------------

TEST_F(ScimDialectTest, PostUserCreatesItWith201AndLocation) {
  clock_.setMs(3'000);
  const json user = {{"schemas", {kScimUserSchema}},
                     {"userName", "new.hire@example.test"},
                     {"displayName", "New Hire"},
                     {"externalId", "emp-999"}};
  Reply r = post("/Users", user.dump());

  ASSERT_EQ(r.status, 201) << r.text;
  const std::string id = r.body["id"];
  EXPECT_EQ(r.header("Location"), target_.apiBaseUrl() + "/Users/" + id);
  EXPECT_EQ(r.header("ETag"), "W/\"1\"");
  EXPECT_EQ(r.body["userName"], "new.hire@example.test");
  EXPECT_EQ(r.body["meta"]["created"], "2026-01-01T00:00:03Z");
  const TenantState s = state();
  ASSERT_NE(s.findAccount(id), nullptr);
  EXPECT_EQ(s.findAccount(id)->external_id, "emp-999");
  EXPECT_TRUE(s.findAccount(id)->active);
  EXPECT_EQ(s.accounts.size(), 24u);
  EXPECT_EQ(get("/Users?count=0").body["totalResults"], 24);
}

TEST_F(ScimDialectTest, PostGroupCreatesItWithItsMembers) {
  const TenantState s = state();
  const json group = {{"displayName", "auditors"},
                      {"members", {{{"value", s.accounts[1].id}}, {{"value", s.groups[0].id}}}}};
  Reply r = post("/Groups", group.dump());

  ASSERT_EQ(r.status, 201) << r.text;
  const TenantState after = state();
  const Group* created = after.findGroup(r.body["id"].get<std::string>());
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->members.size(), 2u);
  EXPECT_EQ(r.body["members"].size(), 2u);
}

TEST_F(ScimDialectTest, PostUserWithATakenUserNameIsUniqueness) {
  std::string taken = state().accounts[4].user_name;
  taken[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(taken[0])));
  Reply r = post("/Users", json{{"userName", taken}}.dump());

  expectScimError(r, 409, "uniqueness", "userName \"" + taken + "\" is already taken");
  EXPECT_EQ(state().accounts.size(), 23u);
}

TEST_F(ScimDialectTest, PostRejectsBadBodies) {
  expectScimError(post("/Users", "{\"userName\":"), 400, "invalidSyntax",
                  "the request body is not valid JSON");
  expectScimError(post("/Users", "{\"displayName\":\"x\"}"), 400, "invalidValue",
                  "userName is required");
  expectScimError(post("/Users", "{\"userName\":7}"), 400, "invalidValue",
                  "userName must be a string");
  expectScimError(post("/Users", "[]"), 400, "invalidValue", "the body must be a JSON object");
  expectScimError(post("/Groups", "{\"displayName\":\"g\",\"members\":[{\"value\":\"ghost\"}]}"),
                  400, "invalidValue", "member \"ghost\" does not exist");
  EXPECT_EQ(state().accounts.size(), 23u);
  EXPECT_EQ(state().groups.size(), 5u);
}

// --- PATCH ------------------------------------------------------------------

TEST_F(ScimDialectTest, PatchRemoveOneMemberRemovesOnlyThatMember) {
  const Group before = groupWithMembers(2);
  const std::string gone =
      std::find_if(before.members.begin(), before.members.end(), [](const Member& m) {
        return !m.is_group;
      })->id;
  Reply r =
      patch("/Groups/" + before.id,
            json::array({{{"op", "remove"}, {"path", "members[value eq \"" + gone + "\"]"}}}));

  ASSERT_EQ(r.status, 200) << r.text;
  std::vector<std::string> expected = memberIds(before);
  std::erase(expected, gone);
  const TenantState s = state();
  EXPECT_EQ(memberIds(*s.findGroup(before.id)), expected);
  EXPECT_EQ(s.findGroup(before.id)->version, 2u);
  std::vector<std::string> in_body;
  for (const auto& m : r.body["members"]) in_body.push_back(m["value"].get<std::string>());
  EXPECT_EQ(in_body, expected);
  const auto& parents = s.member_of.count(gone) ? s.member_of.at(gone) : std::vector<std::string>{};
  EXPECT_EQ(std::count(parents.begin(), parents.end(), before.id), 0);
  const Change last = target_.tenant().changes().back();
  EXPECT_EQ(last.kind, "member.removed");
  EXPECT_EQ(last.object, before.id);
  EXPECT_EQ(last.detail, gone);
}

TEST_F(ScimDialectTest, PatchRemoveOfAnAbsentMemberSucceedsAndChangesNoMembers) {
  const Group before = groupWithMembers(1);
  Reply r =
      patch("/Groups/" + before.id,
            json::array({{{"op", "remove"}, {"path", "members[value eq \"not-a-member\"]"}}}));

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(state().findGroup(before.id)->members, before.members);
}

TEST_F(ScimDialectTest, PatchRemoveMembersWithoutAFilterRemovesThemAll) {
  // RFC 7644 §3.5.2.2: no filter on a multi-valued attribute removes every value.
  const Group before = groupWithMembers(2);
  Reply r = patch("/Groups/" + before.id, json::array({{{"op", "remove"}, {"path", "members"}}}));

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_TRUE(state().findGroup(before.id)->members.empty());
  EXPECT_EQ(r.body["members"], json::array());
}

TEST_F(ScimDialectTest, PatchAddMembersAddsThem) {
  const TenantState s = state();
  const Group before = s.groups[0];
  std::vector<std::string> newcomers;
  for (const auto& a : s.accounts) {
    if (std::none_of(before.members.begin(), before.members.end(),
                     [&](const Member& m) { return m.id == a.id; })) {
      newcomers.push_back(a.id);
    }
    if (newcomers.size() == 2) break;
  }
  ASSERT_EQ(newcomers.size(), 2u);
  Reply r =
      patch("/Groups/" + before.id,
            json::array({{{"op", "add"},
                          {"path", "members"},
                          {"value", {{{"value", newcomers[0]}}, {{"value", newcomers[1]}}}}}}));

  ASSERT_EQ(r.status, 200) << r.text;
  const TenantState after = state();
  const std::vector<std::string> ids = memberIds(*after.findGroup(before.id));
  EXPECT_EQ(ids.size(), before.members.size() + 2);
  for (const auto& id : newcomers) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
    const auto& parents = after.member_of.at(id);
    EXPECT_NE(std::find(parents.begin(), parents.end(), before.id), parents.end()) << id;
  }
}

TEST_F(ScimDialectTest, PatchAddWithoutPathTakesAnObjectOfAttributes) {
  const Account a = state().accounts[0];
  Reply r = patch(
      "/Users/" + a.id,
      json::array({{{"op", "Add"},
                    {"value", {{"displayName", "Renamed"}, {"name.familyName", "Renamed"}}}}}));

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(state().findAccount(a.id)->display_name, "Renamed");
  EXPECT_EQ(state().findAccount(a.id)->family_name, "Renamed");
}

TEST_F(ScimDialectTest, PatchReplaceMembersSetsTheWholeList) {
  const TenantState s = state();
  const Group before = groupWithMembers(2);
  const std::string keep = s.accounts[0].id;
  Reply r = patch(
      "/Groups/" + before.id,
      json::array({{{"op", "replace"}, {"path", "members"}, {"value", {{{"value", keep}}}}}}));

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(memberIds(*state().findGroup(before.id)), std::vector<std::string>{keep});
  ASSERT_EQ(r.body["members"].size(), 1u);
  EXPECT_EQ(r.body["members"][0]["value"], keep);
}

TEST_F(ScimDialectTest, PatchReplaceActiveFalseDeactivatesTheUserAndItsKeys) {
  const TenantState s = state();
  const auto it = std::find_if(s.accounts.begin(), s.accounts.end(), [](const Account& a) {
    return a.type == AccountType::Service && a.active && !a.credentials.empty();
  });
  ASSERT_NE(it, s.accounts.end()) << "seed " << kSeed << " gave no active service account";
  Reply r = patch("/Users/" + it->id,
                  json::array({{{"op", "replace"}, {"path", "active"}, {"value", false}}}));

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["active"], false);
  for (const auto& c : r.body[std::string(kAccountExtension)]["credentials"])
    EXPECT_EQ(c["active"], false) << c.dump();
  const TenantState now = state();
  const Account* after = now.findAccount(it->id);
  EXPECT_FALSE(after->active);
  for (const auto& c : after->credentials) EXPECT_FALSE(c.active) << c.id;
  EXPECT_TRUE(target_.tenant().effectiveAccess(it->id).live_credentials.empty());
}

TEST_F(ScimDialectTest, PatchRemoveEntitlementByValueRemovesOnlyThatGrant) {
  const TenantState s = state();
  const auto it = std::find_if(s.accounts.begin(), s.accounts.end(),
                               [](const Account& a) { return !a.entitlements.empty(); });
  ASSERT_NE(it, s.accounts.end()) << "seed " << kSeed << " gave no direct entitlement";
  const std::string revoked = it->entitlements[0];
  Reply r = patch(
      "/Users/" + it->id,
      json::array({{{"op", "remove"}, {"path", "entitlements[value eq \"" + revoked + "\"]"}}}));

  ASSERT_EQ(r.status, 200) << r.text;
  std::vector<std::string> expected = it->entitlements;
  expected.erase(expected.begin());
  EXPECT_EQ(state().findAccount(it->id)->entitlements, expected);
  const Change last = target_.tenant().changes().back();
  EXPECT_EQ(last.kind, "entitlement.revoked");
  EXPECT_EQ(last.detail, revoked);
}

TEST_F(ScimDialectTest, PatchRejectsBadOperations) {
  const Account a = state().accounts[0];
  const std::string path = "/Users/" + a.id;
  expectScimError(patch(path, json::array({{{"op", "remove"}}})), 400, "noTarget",
                  "remove needs a path");
  expectScimError(
      patch(path, json::array({{{"op", "replace"}, {"path", "nickName"}, {"value", "x"}}})), 400,
      "invalidPath", "attribute \"nickname\" is not supported on User");
  expectScimError(
      patch(path, json::array({{{"op", "delete"}, {"path", "displayName"}, {"value", "x"}}})), 400,
      "invalidSyntax", "op must be add, remove or replace, got \"delete\"");
  expectScimError(patch(path, json::array({{{"path", "displayName"}}})), 400, "invalidSyntax",
                  "each operation needs a string \"op\"");
  expectScimError(toReply(client()->Patch(base_ + path, bearer(), "{}", kScimType)), 400,
                  "invalidSyntax", "the body must be a PatchOp with an \"Operations\" array");
  expectScimError(
      patch(path, json::array({{{"op", "replace"}, {"path", "active"}, {"value", "no"}}})), 400,
      "invalidValue", "active must be a boolean");
  expectScimError(patch(path, json::array({{{"op", "replace"}, {"path", "id"}, {"value", "x"}}})),
                  400, "mutability", "attribute \"id\" cannot be modified");
  EXPECT_EQ(state().findAccount(a.id)->version, 1u);
}

TEST_F(ScimDialectTest, PatchAddingAnUnknownMemberIsInvalidValue) {
  const Group g = state().groups[0];
  Reply r =
      patch("/Groups/" + g.id,
            json::array({{{"op", "add"}, {"path", "members"}, {"value", {{{"value", "ghost"}}}}}}));

  expectScimError(r, 400, "invalidValue", "member \"ghost\" does not exist");
  EXPECT_EQ(state().findGroup(g.id)->members, g.members);
}

TEST_F(ScimDialectTest, PatchOperationsApplyAtomically) {
  const Group before = groupWithMembers(1);
  const std::string member = before.members[0].id;
  const std::size_t changes_before = target_.tenant().changes().size();
  Reply r = patch("/Groups/" + before.id,
                  json::array({{{"op", "remove"}, {"path", "members[value eq \"" + member + "\"]"}},
                               {{"op", "replace"}, {"path", "displayName"}, {"value", "renamed"}},
                               {{"op", "replace"}, {"path", "nickName"}, {"value", "x"}}}));

  expectScimError(r, 400, "invalidPath", "attribute \"nickname\" is not supported on Group");
  const TenantState now = state();
  const Group* after = now.findGroup(before.id);
  EXPECT_EQ(after->members, before.members);
  EXPECT_EQ(after->display_name, before.display_name);
  EXPECT_EQ(after->version, before.version);
  EXPECT_EQ(target_.tenant().changes().size(), changes_before);
}

TEST_F(ScimDialectTest, PatchOnAnUnknownIdIs404) {
  expectScimError(patch("/Users/no-such-id",
                        json::array({{{"op", "replace"}, {"path", "active"}, {"value", false}}})),
                  404, "", "User no-such-id not found");
}

// --- PUT and DELETE ---------------------------------------------------------

TEST_F(ScimDialectTest, PutReplacesTheUser) {
  const Account a = state().accounts[1];
  const json user = {{"schemas", {kScimUserSchema}},
                     {"userName", "replaced@example.test"},
                     {"displayName", "Replaced"},
                     {"active", false}};
  Reply r = put("/Users/" + a.id, user.dump());

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["userName"], "replaced@example.test");
  EXPECT_EQ(r.header("ETag"), "W/\"2\"");
  const TenantState now = state();
  const Account* after = now.findAccount(a.id);
  EXPECT_EQ(after->user_name, "replaced@example.test");
  EXPECT_EQ(after->display_name, "Replaced");
  EXPECT_FALSE(after->active);
  EXPECT_EQ(after->created, a.created);
  EXPECT_EQ(after->type, a.type);
  EXPECT_EQ(idsOf(filter("Users", "userName eq \"replaced@example.test\"").body),
            std::vector<std::string>{a.id});
}

TEST_F(ScimDialectTest, PutWithATakenUserNameIsUniqueness) {
  const TenantState s = state();
  Reply r = put("/Users/" + s.accounts[1].id, json{{"userName", s.accounts[2].user_name}}.dump());

  expectScimError(r, 409, "uniqueness",
                  "userName \"" + s.accounts[2].user_name + "\" is already taken");
  EXPECT_EQ(state().findAccount(s.accounts[1].id)->user_name, s.accounts[1].user_name);
}

TEST_F(ScimDialectTest, PutReplacesTheGroupMembers) {
  const TenantState s = state();
  const Group g = s.groups[2];
  const json group = {{"displayName", "rebuilt"},
                      {"members", {{{"value", s.accounts[5].id}}, {{"value", s.accounts[6].id}}}}};
  Reply r = put("/Groups/" + g.id, group.dump());

  ASSERT_EQ(r.status, 200) << r.text;
  const TenantState now = state();
  const Group* after = now.findGroup(g.id);
  EXPECT_EQ(after->display_name, "rebuilt");
  std::vector<std::string> expected = {s.accounts[5].id, s.accounts[6].id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(memberIds(*after), expected);
  EXPECT_EQ(after->entitlements, g.entitlements);
}

TEST_F(ScimDialectTest, DeleteGives204ThenTheUserIs404) {
  const Account a = state().accounts[3];
  Reply gone = del("/Users/" + a.id);

  EXPECT_EQ(gone.status, 204) << gone.text;
  EXPECT_EQ(gone.text, "");
  expectScimError(get("/Users/" + a.id), 404, "", "User " + a.id + " not found");
  expectScimError(del("/Users/" + a.id), 404, "", "User " + a.id + " not found");
  const TenantState s = state();
  EXPECT_EQ(s.findAccount(a.id), nullptr);
  for (const auto& g : s.groups) {
    for (const auto& m : g.members) EXPECT_NE(m.id, a.id) << g.display_name;
  }
  EXPECT_EQ(get("/Users?count=0").body["totalResults"], 22);
}

TEST_F(ScimDialectTest, DeleteWithAStaleIfMatchIs412) {
  const Group g = state().groups[0];
  expectScimError(del("/Groups/" + g.id, {{"If-Match", "W/\"9\""}}), 412, "",
                  "version mismatch: stored W/\"1\", If-Match W/\"9\"");
  EXPECT_NE(state().findGroup(g.id), nullptr);
}

// --- versions (ETag) --------------------------------------------------------

TEST_F(ScimDialectTest, PatchWithAStaleIfMatchIs412AndChangesNothing) {
  const Account a = state().accounts[0];
  const json rename = json::array({{{"op", "replace"}, {"path", "displayName"}, {"value", "v2"}}});
  ASSERT_EQ(patch("/Users/" + a.id, rename).status, 200);

  const json stale =
      json::array({{{"op", "replace"}, {"path", "displayName"}, {"value", "stale"}}});
  expectScimError(patch("/Users/" + a.id, stale, {{"If-Match", "W/\"1\""}}), 412, "",
                  "version mismatch: stored W/\"2\", If-Match W/\"1\"");
  EXPECT_EQ(state().findAccount(a.id)->display_name, "v2");
  EXPECT_EQ(state().findAccount(a.id)->version, 2u);
}

TEST_F(ScimDialectTest, PatchWithAMalformedIfMatchIs412) {
  const Account a = state().accounts[0];
  const json rename = json::array({{{"op", "replace"}, {"path", "displayName"}, {"value", "x"}}});
  expectScimError(patch("/Users/" + a.id, rename, {{"If-Match", "version-one"}}), 412, "",
                  "version mismatch: stored W/\"1\", If-Match W/\"0\"");
}

TEST_F(ScimDialectTest, PatchWithTheCurrentIfMatchSucceedsAndBumpsTheVersion) {
  const Account a = state().accounts[0];
  Reply read = get("/Users/" + a.id);
  ASSERT_EQ(read.header("ETag"), "W/\"1\"");

  const json rename = json::array({{{"op", "replace"}, {"path", "displayName"}, {"value", "v2"}}});
  Reply r = patch("/Users/" + a.id, rename, {{"If-Match", read.header("ETag")}});

  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.header("ETag"), "W/\"2\"");
  EXPECT_EQ(r.body["meta"]["version"], "W/\"2\"");
  EXPECT_EQ(r.body["displayName"], "v2");
  EXPECT_EQ(get("/Users/" + a.id).body["meta"]["version"], "W/\"2\"");
}

TEST_F(ScimDialectTest, IfMatchStarMatchesAnyVersion) {
  const Account a = state().accounts[0];
  const json rename = json::array({{{"op", "replace"}, {"path", "displayName"}, {"value", "x"}}});
  EXPECT_EQ(patch("/Users/" + a.id, rename, {{"If-Match", "*"}}).status, 200);
}

TEST_F(ScimDialectTest, IfNoneMatchWithTheCurrentVersionIs304) {
  const Account a = state().accounts[0];
  Reply same = get("/Users/" + a.id, {{"If-None-Match", "W/\"1\""}});
  Reply other = get("/Users/" + a.id, {{"If-None-Match", "W/\"0\""}});

  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.text, "");
  EXPECT_EQ(same.header("ETag"), "W/\"1\"");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body["id"], a.id);
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
