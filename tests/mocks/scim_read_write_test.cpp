// SCIM over loopback HTTP: GET, POST, PATCH, PUT and DELETE, and ETag versions.
#include "mocks/scim_dialect.h"

#include <gtest/gtest.h>

#include <httplib.h>
#include <set>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/scim_resources.h"
#include "mocks/tenant.h"
#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

std::vector<std::string> memberIds(const Group& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members) out.push_back(m.id);
  return out;
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

TEST_F(ScimDialectTest, UserListsDirectThenIndirectGroups) {
  // RFC 7643 §4.1.2: groups reached through nesting are listed as "indirect".
  const TenantState s = state();
  for (const auto& a : s.accounts) {
    const EffectiveAccess access = computeEffectiveAccess(s, a.id);
    const auto direct = s.member_of.count(a.id) != 0 ? s.member_of.at(a.id).size() : 0u;
    if (access.groups.size() <= direct) continue;
    const Reply user = get("/Users/" + a.id);
    ASSERT_EQ(user.status, 200);
    std::set<std::string> listed;
    std::size_t directs = 0;
    bool indirect_seen = false;
    for (const auto& g : user.body["groups"]) {
      listed.insert(g["value"].get<std::string>());
      if (g["type"] == "direct") {
        EXPECT_FALSE(indirect_seen) << "direct groups come first";
        ++directs;
      } else {
        EXPECT_EQ(g["type"], "indirect");
        indirect_seen = true;
      }
    }
    EXPECT_EQ(directs, direct);
    EXPECT_EQ(listed, access.groups) << a.id;
    EXPECT_TRUE(indirect_seen);
    return;
  }
  FAIL() << "seed " << kSeed << " gave no account in a nested group";
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
                  "the request body is not valid JSON: parse error at line 1, column 13: syntax "
                  "error while parsing value - unexpected end of input; expected '[', '{', or a "
                  "literal");
  expectScimError(post("/Users", "{\"displayName\":\"x\"}"), 400, "invalidValue",
                  "/userName: is required");
  expectScimError(post("/Users", "{\"userName\":7}"), 400, "invalidValue",
                  "/userName: must be a string, got 7");
  expectScimError(post("/Users", "[]"), 400, "invalidValue",
                  "the body: must be a JSON object, got an array");
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
      "invalidSyntax", "/Operations/0/op: must be add, remove or replace, got \"delete\"");
  expectScimError(patch(path, json::array({{{"path", "displayName"}}})), 400, "invalidSyntax",
                  "/Operations/0/op: is required");
  expectScimError(toReply(client()->Patch(base_ + path, bearer(), "{}", kScimType)), 400,
                  "invalidSyntax", "/Operations: is required");
  expectScimError(
      patch(path, json::array({{{"op", "replace"}, {"path", "active"}, {"value", "no"}}})), 400,
      "invalidValue", "/Operations/0/value: must be a boolean, got a string");
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

}  // namespace
}  // namespace faultline::mocks
