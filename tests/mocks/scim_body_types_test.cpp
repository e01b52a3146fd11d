// Request bodies come from the connector under test. Every member of a User
// or Group POST and PUT, and of the PATCH operations on them, fed a JSON
// type it cannot have, must be answered 400 with a detail naming the
// member's JSON pointer; nesting too deep for the server's recursive walks
// must be refused before they happen. Nothing may change in the tenant.
#include <string>
#include <vector>

#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

constexpr const char* kDeepDetail =
    "the request body has arrays and objects nested deeper than 128 levels; faultline reads at "
    "most 128";

// A member replaced by a value of the wrong type, and what the detail says
// after the pointer.
struct WrongMember {
  std::string pointer;
  json value;
  std::string expected;  // "must be a string, got 5"
};

// Each of `pointers` given each wrong value of its wanted type.
void addWrongValues(std::vector<WrongMember>& out, const std::vector<std::string>& pointers,
                    const std::string& want) {
  std::vector<std::pair<json, std::string>> values;
  if (want == "a string") {
    values = {{5, "5"}, {true, "true"}, {json::array(), "an array"}, {json::object(), "an object"}};
  } else if (want == "a boolean") {
    values = {{"yes", "a string"}, {1, "1"}, {json::array(), "an array"}};
  } else if (want == "an object") {
    values = {{"x", "a string"}, {7, "7"}, {json::array(), "an array"}};
  } else {  // an array
    values = {{"x", "a string"}, {false, "false"}, {json::object(), "an object"}};
  }
  for (const auto& p : pointers) {
    for (const auto& [value, shown] : values)
      out.push_back({p, value, "must be " + want + ", got " + shown});
  }
}

std::string ext(std::string_view uri, const std::string& rest = "") {
  return "/" + std::string(uri) + rest;
}

std::vector<WrongMember> wrongUserMembers() {
  std::vector<WrongMember> out;
  addWrongValues(out,
                 {"/userName", "/externalId", "/displayName", "/name/givenName", "/name/familyName",
                  "/emails/0/value", "/emails/0/type", "/entitlements/0/value",
                  "/entitlements/0/type", ext(kAccountExtension, "/accountType")},
                 "a string");
  addWrongValues(out, {"/active", "/emails/0/primary", ext(kAccountExtension, "/privileged")},
                 "a boolean");
  addWrongValues(out, {"/name", "/emails/0", "/entitlements/0", ext(kAccountExtension)},
                 "an object");
  addWrongValues(out, {"/emails", "/entitlements"}, "an array");
  return out;
}

std::vector<WrongMember> wrongGroupMembers() {
  std::vector<WrongMember> out;
  addWrongValues(out,
                 {"/displayName", "/externalId", "/members/0/value", "/members/0/type",
                  ext(kGroupEntitlementsExtension, "/entitlements/0/value")},
                 "a string");
  addWrongValues(out,
                 {"/members/0", ext(kGroupEntitlementsExtension),
                  ext(kGroupEntitlementsExtension, "/entitlements/0")},
                 "an object");
  addWrongValues(out, {"/members", ext(kGroupEntitlementsExtension, "/entitlements")}, "an array");
  return out;
}

// A PATCH operation and the pointer its refusal names.
struct WrongOperation {
  json operation;
  std::string scim_type;
  std::string detail;
};

std::string repeated(const std::string& text, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

class ScimBodyTypesTest : public ScimDialectTest {
 protected:
  json goodUser(const std::string& user_name) const {
    const TenantState s = state();
    return {{"schemas", {kScimUserSchema}},
            {"userName", user_name},
            {"externalId", "ext-1"},
            {"displayName", "Body Types"},
            {"active", true},
            {"name", {{"givenName", "Body"}, {"familyName", "Types"}}},
            {"emails", {{{"value", user_name}, {"type", "work"}, {"primary", true}}}},
            {"entitlements", {{{"value", s.entitlements[0].id}, {"type", "direct"}}}},
            {std::string(kAccountExtension), {{"accountType", "human"}, {"privileged", false}}}};
  }

  json goodGroup(const std::string& name) const {
    const TenantState s = state();
    return {{"schemas", {kScimGroupSchema}},
            {"displayName", name},
            {"externalId", "ext-g"},
            {"members", {{{"value", s.accounts[0].id}, {"type", "User"}}}},
            {std::string(kGroupEntitlementsExtension),
             {{"entitlements", {{{"value", s.entitlements[0].id}}}}}}};
  }

  // POSTs and PUTs `good` with each member made wrong in turn.
  void expectEveryWrongMemberRefused(const std::string& resource, const json& good,
                                     const std::vector<WrongMember>& cases,
                                     const std::string& existing_id) {
    const TenantState before = state();
    for (const auto& c : cases) {
      json body = good;
      body[json::json_pointer(c.pointer)] = c.value;
      const std::string detail = c.pointer + ": " + c.expected;
      SCOPED_TRACE(body.dump());
      expectScimError(post("/" + resource, body.dump()), 400, "invalidValue", detail);
      expectScimError(put("/" + resource + "/" + existing_id, body.dump()), 400, "invalidValue",
                      detail);
    }
    const TenantState after = state();
    EXPECT_EQ(after.accounts.size(), before.accounts.size());
    EXPECT_EQ(after.groups.size(), before.groups.size());
  }
};

TEST_F(ScimBodyTypesTest, TheGoodBodiesAreAccepted) {
  const Account a = state().accounts[1];
  const Group g = state().groups[1];
  EXPECT_EQ(post("/Users", goodUser("types-post@example.com").dump()).status, 201);
  EXPECT_EQ(put("/Users/" + a.id, goodUser("types-put@example.com").dump()).status, 200);
  EXPECT_EQ(post("/Groups", goodGroup("Types Post").dump()).status, 201);
  EXPECT_EQ(put("/Groups/" + g.id, goodGroup("Types Put").dump()).status, 200);
}

TEST_F(ScimBodyTypesTest, EveryUserMemberOfAWrongTypeNamesItsPointer) {
  expectEveryWrongMemberRefused("Users", goodUser("wrong-types@example.com"), wrongUserMembers(),
                                state().accounts[2].id);
}

TEST_F(ScimBodyTypesTest, EveryGroupMemberOfAWrongTypeNamesItsPointer) {
  expectEveryWrongMemberRefused("Groups", goodGroup("Wrong Types"), wrongGroupMembers(),
                                state().groups[2].id);
}

TEST_F(ScimBodyTypesTest, AWholeBodyOfAnotherTypeIsRefused) {
  for (const std::string body : {"[]", "5", "\"user\"", "null", "true"}) {
    const Reply r = post("/Users", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body["scimType"], "invalidValue") << body;
    EXPECT_TRUE(r.body["detail"].get<std::string>().starts_with("the body: must be a JSON object"))
        << r.text;
  }
}

TEST_F(ScimBodyTypesTest, EveryUserPatchValueOfAWrongTypeNamesItsPointer) {
  const std::vector<WrongOperation> cases = {
      {{{"op", "replace"}, {"path", "active"}, {"value", "no"}},
       "invalidValue",
       "/Operations/1/value: must be a boolean, got a string"},
      {{{"op", "replace"}, {"path", "userName"}, {"value", 5}},
       "invalidValue",
       "/Operations/1/value: must be a string, got 5"},
      {{{"op", "replace"}, {"path", "displayName"}, {"value", json::array()}},
       "invalidValue",
       "/Operations/1/value: must be a string, got an array"},
      {{{"op", "add"}, {"path", "externalId"}, {"value", json::object()}},
       "invalidValue",
       "/Operations/1/value: must be a string, got an object"},
      {{{"op", "replace"}, {"path", "name.givenName"}, {"value", true}},
       "invalidValue",
       "/Operations/1/value: must be a string, got true"},
      {{{"op", "replace"}, {"path", "name"}, {"value", "x"}},
       "invalidValue",
       "/Operations/1/value: must be an object, got a string"},
      {{{"op", "replace"}, {"path", "name"}, {"value", {{"familyName", 3}}}},
       "invalidValue",
       "/Operations/1/value/familyName: must be a string, got 3"},
      {{{"op", "add"}, {"path", "emails"}, {"value", "x"}},
       "invalidValue",
       "/Operations/1/value: must be an object, got a string"},
      {{{"op", "add"}, {"path", "emails"}, {"value", {5}}},
       "invalidValue",
       "/Operations/1/value/0: must be an object, got 5"},
      {{{"op", "add"}, {"path", "emails"}, {"value", {{{"value", 5}}}}},
       "invalidValue",
       "/Operations/1/value/0/value: must be a string, got 5"},
      {{{"op", "add"}, {"path", "emails"}, {"value", {{{"value", "a@b.c"}, {"primary", "y"}}}}},
       "invalidValue",
       "/Operations/1/value/0/primary: must be a boolean, got a string"},
      {{{"op", "replace"}, {"path", "emails[type eq \"work\"].type"}, {"value", 1}},
       "invalidValue",
       "/Operations/1/value: must be a string, got 1"},
      {{{"op", "replace"}, {"path", "privileged"}, {"value", "true"}},
       "invalidValue",
       "/Operations/1/value: must be a boolean, got a string"},
      {{{"op", "add"}, {"path", "entitlements"}, {"value", {{{"value", false}}}}},
       "invalidValue",
       "/Operations/1/value/0/value: must be a string, got false"},
      {{{"op", "add"}, {"path", "entitlements"}, {"value", {{{"value", "e"}, {"type", 2}}}}},
       "invalidValue",
       "/Operations/1/value/0/type: must be a string, got 2"},
      {{{"op", "replace"}, {"value", {{"active", "no"}}}},
       "invalidValue",
       "/Operations/1/value/active: must be a boolean, got a string"},
      {{{"op", "replace"}, {"value", {{"name", {{"givenName", 5}}}}}},
       "invalidValue",
       "/Operations/1/value/name/givenName: must be a string, got 5"},
      {{{"op", "replace"}, {"value", "x"}},
       "invalidValue",
       "/Operations/1/value: must be an object without a path, got a string"},
      {{{"op", 5}, {"path", "active"}, {"value", false}},
       "invalidSyntax",
       "/Operations/1/op: must be a string, got 5"},
      {{{"op", "replace"}, {"path", 5}, {"value", false}},
       "invalidPath",
       "/Operations/1/path: must be a string, got 5"},
      {"replace", "invalidSyntax", "/Operations/1: must be an object, got a string"},
  };
  // A work email first, so the filtered path has one to select.
  const Account a = state().accounts[3];
  const std::string path = "/Users/" + a.id;
  ASSERT_EQ(
      patch(path, json::array({{{"op", "add"},
                                {"path", "emails"},
                                {"value", {{{"value", "w@example.com"}, {"type", "work"}}}}}}))
          .status,
      200);
  const std::uint64_t version = state().findAccount(a.id)->version;
  // A good operation first: the pointer must name the bad one's index.
  const json harmless = {{"op", "replace"}, {"path", "displayName"}, {"value", "Harmless"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.operation.dump());
    expectScimError(patch(path, json::array({harmless, c.operation})), 400, c.scim_type, c.detail);
  }
  EXPECT_EQ(state().findAccount(a.id)->version, version) << "a refused PATCH must change nothing";
}

TEST_F(ScimBodyTypesTest, EveryGroupPatchValueOfAWrongTypeNamesItsPointer) {
  const std::vector<WrongOperation> cases = {
      {{{"op", "replace"}, {"path", "displayName"}, {"value", 5}},
       "invalidValue",
       "/Operations/0/value: must be a string, got 5"},
      {{{"op", "add"}, {"path", "members"}, {"value", "u"}},
       "invalidValue",
       "/Operations/0/value: must be an object, got a string"},
      {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", 5}}}}},
       "invalidValue",
       "/Operations/0/value/0/value: must be a string, got 5"},
      {{{"op", "remove"}, {"path", "members"}, {"value", {json::array()}}},
       "invalidValue",
       "/Operations/0/value/0: must be an object, got an array"},
      {{{"op", "add"}, {"path", "entitlements"}, {"value", {{{"value", "e"}, {"type", true}}}}},
       "invalidValue",
       "/Operations/0/value/0/type: must be a string, got true"},
      {{{"op", "add"}, {"value", {{"members", {{{"value", {{"x", 1}}}}}}}}},
       "invalidValue",
       "/Operations/0/value/members/0/value: must be a string, got an object"},
  };
  const Group g = state().groups[0];
  for (const auto& c : cases) {
    SCOPED_TRACE(c.operation.dump());
    expectScimError(patch("/Groups/" + g.id, json::array({c.operation})), 400, c.scim_type,
                    c.detail);
  }
  EXPECT_EQ(state().findGroup(g.id)->version, g.version) << "a refused PATCH must change nothing";
}

TEST_F(ScimBodyTypesTest, APatchEnvelopeOfAWrongTypeNamesItsPointer) {
  const std::string path = base_ + "/Users/" + state().accounts[0].id;
  auto send = [&](const json& body) {
    return toReply(client()->Patch(path, bearer(), body.dump(), kScimType));
  };
  expectScimError(send({{"schemas", {kPatchOpSchema}}, {"Operations", json::object()}}), 400,
                  "invalidSyntax", "/Operations: must be an array, got an object");
  expectScimError(send(json::array()), 400, "invalidSyntax",
                  "the body: must be a PatchOp object, got an array");
  expectScimError(
      send({{"schemas", kPatchOpSchema}, {"Operations", json::array()}}), 400, "invalidSyntax",
      "/schemas: must list \"" + std::string(kPatchOpSchema) + "\" (RFC 7644 section 3.5.2)");
}

TEST_F(ScimBodyTypesTest, DeepNestingIsRefusedAsInvalidSyntax) {
  constexpr std::size_t kDepth = 100'000;
  const std::string deep = std::string(kDepth, '[') + std::string(kDepth, ']');
  const std::string id = state().accounts[0].id;
  const Group g = state().groups[0];
  expectScimError(post("/Users", R"({"userName":"deep@example.com","x":)" + deep + "}"), 400,
                  "invalidSyntax", kDeepDetail);
  expectScimError(put("/Users/" + id, deep), 400, "invalidSyntax", kDeepDetail);
  expectScimError(post("/Groups", repeated(R"({"a":)", kDepth)), 400, "invalidSyntax", kDeepDetail);
  const std::string patch_body = R"({"schemas":[")" + std::string(kPatchOpSchema) +
                                 R"("],"Operations":[{"op":"add","path":"members","value":)" +
                                 deep + "}]}";
  expectScimError(
      toReply(client()->Patch(base_ + "/Groups/" + g.id, bearer(), patch_body, kScimType)), 400,
      "invalidSyntax", kDeepDetail);
  EXPECT_EQ(state().findGroup(g.id)->version, g.version);
}

TEST_F(ScimBodyTypesTest, NestingUpToTheLimitIsRead) {
  // 1 level for the body, 127 for the unknown member the server ignores.
  const std::string nested = std::string(127, '[') + std::string(127, ']');
  EXPECT_EQ(post("/Users", R"({"userName":"nested@example.com","x":)" + nested + "}").status, 201);
}

TEST_F(ScimBodyTypesTest, ARepeatedKeyIsRefusedAtItsPointer) {
  expectScimError(post("/Users", R"({"userName":"a@example.com","userName":"b@example.com"})"), 400,
                  "invalidSyntax",
                  "/userName: duplicate key; each key may appear once in an object");
  expectScimError(post("/Groups", R"({"displayName":"G","members":[{"value":"a","value":"b"}]})"),
                  400, "invalidSyntax",
                  "/members/0/value: duplicate key; each key may appear once in an object");
}

}  // namespace
}  // namespace faultline::mocks
