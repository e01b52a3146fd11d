// SCIM over loopback HTTP: discovery, list pagination and filters.
#include "mocks/scim_dialect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/scim_filter.h"
#include "mocks/scim_resources.h"
#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

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
  EXPECT_EQ(r.body["pagination"]["cursor"], true);
  EXPECT_EQ(r.body["pagination"]["cursorTimeout"], 3600);
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

}  // namespace
}  // namespace faultline::mocks
