// Where a strict SCIM or OAuth server would refuse or describe something, the
// mock does too: /Schemas covers what it serves, PATCH works on every
// attribute it stores, a PatchOp names its schema, echoed bytes stay UTF-8
// and token errors follow RFC 6749 §5.2.
#include <set>
#include <string>

#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

// The attribute definitions of one schema, by lower-cased name.
std::map<std::string, json> definitionsOf(const json& attributes) {
  std::map<std::string, json> out;
  for (const auto& a : attributes) {
    std::string name = a.at("name");
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    out[name] = a;
  }
  return out;
}

// Every key of `value` must be described by `attributes`, complex values
// down to their sub-attributes; `where` names the place for messages.
void expectDescribed(const json& value, const json& attributes, const std::string& where) {
  const auto defs = definitionsOf(attributes);
  for (const auto& [key, item] : value.items()) {
    std::string lowered = key;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    const auto def = defs.find(lowered);
    if (def == defs.end()) {
      ADD_FAILURE() << where << "." << key << " is served but not in /Schemas";
      continue;
    }
    if (def->second.at("type") != "complex") continue;
    const json sub = def->second.value("subAttributes", json::array());
    for (const auto& element : item.is_array() ? item : json::array({item}))
      expectDescribed(element, sub, where + "." + key);
  }
}

// RFC 7643 §7: the characteristics every attribute definition carries.
void expectCharacteristics(const json& attributes, const std::string& where) {
  for (const auto& a : attributes) {
    const std::string name = where + "." + a.value("name", "?");
    for (const char* key : {"name", "type", "multiValued", "description", "required", "caseExact",
                            "mutability", "returned", "uniqueness"}) {
      EXPECT_TRUE(a.contains(key)) << name << " lacks " << key;
    }
    if (a.value("type", "") == "complex") {
      ASSERT_TRUE(a.contains("subAttributes")) << name;
      expectCharacteristics(a["subAttributes"], name);
    }
  }
}

class ScimConformanceTest : public ScimDialectTest {
 protected:
  json schemaById(const std::string& id) const {
    const Reply r = get("/Schemas/" + id);
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body;
  }

  // Every attribute of a served resource is in its schema or its
  // extension's; id, schemas and meta are common attributes (RFC 7643 §3.1).
  void expectResourceDescribed(const json& resource, std::string_view core,
                               std::string_view extension) const {
    json rest = resource;
    for (const char* common : {"id", "schemas", "meta"}) rest.erase(common);
    if (!extension.empty() && rest.contains(std::string(extension))) {
      const json ext = rest[std::string(extension)];
      rest.erase(std::string(extension));
      expectDescribed(ext, schemaById(std::string(extension))["attributes"],
                      std::string(extension));
    }
    expectDescribed(rest, schemaById(std::string(core))["attributes"], std::string(core));
  }

  std::string someUserId() const { return state().accounts.front().id; }
};

TEST_F(ScimConformanceTest, EveryAttributeOfAServedUserIsInSchemas) {
  const Reply user = get("/Users/" + someUserId());
  ASSERT_EQ(user.status, 200) << user.text;
  ASSERT_TRUE(user.body.contains("emails")) << user.text;
  ASSERT_TRUE(user.body.contains("name")) << user.text;
  expectResourceDescribed(user.body, kScimUserSchema, kAccountExtension);
}

TEST_F(ScimConformanceTest, EveryAttributeOfServedGroupsAndEntitlementsIsInSchemas) {
  const Group g = groupWithMembers(1);
  const Reply group = get("/Groups/" + g.id);
  ASSERT_EQ(group.status, 200) << group.text;
  expectResourceDescribed(group.body, kScimGroupSchema, kGroupEntitlementsExtension);
  const Reply ent = get("/Entitlements/" + state().entitlements.front().id);
  ASSERT_EQ(ent.status, 200) << ent.text;
  expectResourceDescribed(ent.body, kEntitlementSchema, "");
}

TEST_F(ScimConformanceTest, EveryAttributeDefinitionCarriesTheRfcCharacteristics) {
  const Reply r = get("/Schemas");
  ASSERT_EQ(r.status, 200) << r.text;
  for (const auto& schema : r.body["Resources"])
    expectCharacteristics(schema["attributes"], schema["id"]);
}

TEST_F(ScimConformanceTest, PatchAddEmailsAppendsAndMovesPrimary) {
  const std::string id = someUserId();
  const Reply r = patch(
      "/Users/" + id,
      json::array(
          {{{"op", "add"},
            {"path", "emails"},
            {"value", {{{"value", "home@example.test"}, {"type", "home"}, {"primary", true}}}}}}));
  ASSERT_EQ(r.status, 200) << r.text;
  const json emails = get("/Users/" + id).body["emails"];
  ASSERT_EQ(emails.size(), 2u) << emails;
  EXPECT_EQ(emails[0]["type"], "work");
  EXPECT_EQ(emails[0]["primary"], false);
  EXPECT_EQ(emails[1], json({{"value", "home@example.test"}, {"type", "home"}, {"primary", true}}));
}

TEST_F(ScimConformanceTest, PatchReplacesAndRemovesEmailsByFilter) {
  const std::string id = someUserId();
  ASSERT_EQ(patch("/Users/" + id, json::array({{{"op", "replace"},
                                                {"path", "emails[type eq \"work\"].value"},
                                                {"value", "renamed@example.test"}}}))
                .status,
            200);
  EXPECT_EQ(get("/Users/" + id).body["emails"][0]["value"], "renamed@example.test");
  ASSERT_EQ(
      patch("/Users/" + id, json::array({{{"op", "remove"}, {"path", "emails[type eq \"work\"]"}}}))
          .status,
      200);
  EXPECT_FALSE(get("/Users/" + id).body.contains("emails"));
}

TEST_F(ScimConformanceTest, PatchReplaceOfNoMatchingEmailIsNoTarget) {
  expectScimError(
      patch("/Users/" + someUserId(), json::array({{{"op", "replace"},
                                                    {"path", "emails[type eq \"home\"].value"},
                                                    {"value", "x@example.test"}}})),
      400, "noTarget", "no email matches the filter");
}

TEST_F(ScimConformanceTest, PatchEditsNameWholeAndByPart) {
  const std::string id = someUserId();
  ASSERT_EQ(
      patch("/Users/" + id,
            json::array({{{"op", "replace"}, {"path", "name"}, {"value", {{"givenName", "Ada"}}}}}))
          .status,
      200);
  ASSERT_EQ(
      patch("/Users/" + id,
            json::array({{{"op", "add"}, {"path", "name.familyName"}, {"value", "Lovelace"}}}))
          .status,
      200);
  EXPECT_EQ(
      get("/Users/" + id).body["name"],
      json({{"givenName", "Ada"}, {"familyName", "Lovelace"}, {"formatted", "Ada Lovelace"}}));
  ASSERT_EQ(patch("/Users/" + id, json::array({{{"op", "remove"}, {"path", "name"}}})).status, 200);
  EXPECT_FALSE(get("/Users/" + id).body.contains("name"));
}

TEST_F(ScimConformanceTest, PatchOfDerivedNameFormattedIsMutabilityError) {
  expectScimError(
      patch("/Users/" + someUserId(),
            json::array({{{"op", "replace"}, {"path", "name.formatted"}, {"value", "X"}}})),
      400, "mutability", "name.formatted is read-only: it is derived from the other parts");
}

// /Schemas says keys are issued by the target and may only be revoked.
TEST_F(ScimConformanceTest, PatchAddingAnApiKeyIsMutabilityError) {
  expectScimError(patch("/Users/" + someUserId(),
                        json::array({{{"op", "add"},
                                      {"path", std::string(kAccountExtension) + ":credentials"},
                                      {"value", {{{"value", "key-new"}}}}}})),
                  400, "mutability",
                  "credentials can only be removed: API keys are issued by the target");
}

TEST_F(ScimConformanceTest, PatchWithoutPatchOpSchemaIsInvalidSyntax) {
  const std::string id = someUserId();
  const json body = {{"Operations", {{{"op", "replace"}, {"path", "active"}, {"value", false}}}}};
  expectScimError(
      toReply(client()->Patch(base_ + "/Users/" + id, bearer(), body.dump(), kScimType)), 400,
      "invalidSyntax",
      "/schemas: must list \"urn:ietf:params:scim:api:messages:2.0:PatchOp\" (RFC 7644 "
      "section 3.5.2)");
  EXPECT_TRUE(state().findAccount(id)->active) << "a refused PatchOp must change nothing";
}

TEST_F(ScimConformanceTest, InvalidUtf8EchoedIntoAnErrorBecomesReplacementCharacter) {
  const Reply r = get("/Users?cursor=%ff");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.text.find("\"detail\":\"cursor \\\"\xEF\xBF\xBD\\\" is not valid\""),
            std::string::npos)
      << r.text;
  EXPECT_EQ(r.text.find('\xFF'), std::string::npos);
}

TEST_F(ScimConformanceTest, TokenErrorsAreJsonAndNotCached) {
  struct Case {
    std::string form, id, secret;
    int status;
    std::string error;
  };
  const std::string id = target_.client().client_id;
  const std::string secret = target_.client().client_secret;
  for (const Case& c : std::vector<Case>{
           {"", id, secret, 400, "invalid_request"},
           {"grant_type=password", id, secret, 400, "unsupported_grant_type"},
           {"grant_type=client_credentials&grant_type=client_credentials", id, secret, 400,
            "invalid_request"},
           {"grant_type=client_credentials", id, "wrong", 401, "invalid_client"},
           {"grant_type=client_credentials", "", "", 401, "invalid_client"},
           {"grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret, id,
            secret, 400, "invalid_request"}}) {
    const Reply r = requestToken(c.form, c.id, c.secret);
    EXPECT_EQ(r.status, c.status) << c.form;
    EXPECT_EQ(r.header("Content-Type"), "application/json") << c.form;
    EXPECT_EQ(r.header("Cache-Control"), "no-store") << c.form;
    EXPECT_EQ(r.body.value("error", ""), c.error) << c.form << ": " << r.text;
    EXPECT_TRUE(r.body.contains("error_description")) << c.form;
  }
}

TEST_F(ScimConformanceTest, TokenErrorDescriptionKeepsToRfc6749Characters) {
  auto c = client();
  c->set_basic_auth(target_.client().client_id, target_.client().client_secret);
  const Reply r = toReply(c->Post(token_path_, "{}", "text/plain; charset=\"utf-8\""));
  EXPECT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(
      r.body.value("error_description", ""),
      "the body must be application/x-www-form-urlencoded, got 'text/plain; charset='utf-8''");
}

TEST_F(ScimConformanceTest, TokenEndpointRefusesOtherMethodsWithOAuthError) {
  const Reply r = toReply(client()->Get(token_path_));
  EXPECT_EQ(r.status, 405) << r.text;
  EXPECT_EQ(r.header("Allow"), "POST");
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  EXPECT_EQ(r.body.value("error", ""), "invalid_request") << r.text;
}

}  // namespace
}  // namespace faultline::mocks
