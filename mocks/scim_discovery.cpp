#include "mocks/scim_discovery.h"

#include <nlohmann/json.hpp>

#include "mocks/scim_dialect.h"
#include "mocks/scim_resources.h"

namespace faultline::mocks {
namespace {

using nlohmann::json;

json listOf(json resources) {
  const auto n = resources.size();
  return {{"schemas", {kListResponseSchema}},
          {"totalResults", n},
          {"startIndex", 1},
          {"itemsPerPage", n},
          {"Resources", std::move(resources)}};
}

// RFC 7643 §7 attribute characteristics other than name, type and
// description; the defaults are the RFC's (§2.2).
struct Traits {
  bool multi_valued = false;
  bool required = false;
  bool case_exact = false;
  std::string mutability = "readWrite";
  std::string returned = "default";
  std::string uniqueness = "none";
  std::vector<std::string> canonical;  // canonicalValues, when the RFC suggests some
};

json attribute(const std::string& name, const std::string& type, const std::string& description,
               const Traits& t = {}) {
  json a = {{"name", name},
            {"type", type},
            {"multiValued", t.multi_valued},
            {"description", description},
            {"required", t.required},
            {"caseExact", t.case_exact},
            {"mutability", t.mutability},
            {"returned", t.returned},
            {"uniqueness", t.uniqueness}};
  if (!t.canonical.empty()) a["canonicalValues"] = t.canonical;
  return a;
}

json complex(const std::string& name, const std::string& description, const Traits& t,
             json sub_attributes) {
  json a = attribute(name, "complex", description, t);
  a["subAttributes"] = std::move(sub_attributes);
  return a;
}

// A multi-valued reference list such as members or entitlements: the id is
// the value, compared exactly because ids are opaque.
json refValue(const std::string& what, const std::string& mutability) {
  return attribute("value", "string", "The id of the " + what + ".",
                   {.required = true, .case_exact = true, .mutability = mutability});
}

json userAttributes() {
  const Traits read_only{.mutability = "readOnly"};
  return {
      attribute("userName", "string", "Unique identifier for the User, used to sign in.",
                {.required = true, .uniqueness = "server"}),
      complex("name", "The components of the user's name.", {},
              {attribute("givenName", "string", "Given (first) name."),
               attribute("familyName", "string", "Family (last) name."),
               attribute("formatted", "string",
                         "The full name, derived from givenName and familyName.", read_only)}),
      attribute("displayName", "string", "The name of the User, suitable for display."),
      attribute("active", "boolean",
                "Whether the account may sign in; false deprovisions it "
                "and deactivates its API keys."),
      complex("emails", "Email addresses for the User.", {.multi_valued = true},
              {
                  attribute("value", "string", "An email address.", {.required = true}),
                  attribute("type", "string", "The kind of address.",
                            {.canonical = {"work", "home", "other"}}),
                  attribute("primary", "boolean", "The preferred address; at most one is."),
              }),
      complex("entitlements", "Entitlements granted to the User directly.", {.multi_valued = true},
              {refValue("Entitlement", "readWrite"),
               attribute("display", "string", "The Entitlement's displayName.", read_only)}),
      complex("groups",
              "Groups the User belongs to, directly or through nested groups; "
              "change memberships through the Group's members.",
              {.multi_valued = true, .mutability = "readOnly"},
              {refValue("Group", "readOnly"),
               attribute("display", "string", "The Group's displayName.", read_only),
               attribute("type", "string", "How the User belongs to the Group.",
                         {.mutability = "readOnly", .canonical = {"direct", "indirect"}})}),
      attribute("externalId", "string", "The provisioning client's identifier for the User.",
                {.case_exact = true}),
  };
}

json accountAttributes() {
  return {
      attribute("accountType", "string", "Whether a person or a service uses the account.",
                {.mutability = "immutable", .canonical = {"human", "service"}}),
      attribute("privileged", "boolean", "Whether the account holds administrative access."),
      complex("credentials",
              "API keys of a service account. Keys are issued by the target; a client may "
              "revoke one by removing it.",
              {.multi_valued = true},
              {refValue("API key", "readOnly"),
               attribute("type", "string", "The kind of credential.",
                         {.mutability = "readOnly", .canonical = {"apiKey"}}),
               attribute("expires", "dateTime", "When the key stops working.",
                         {.mutability = "readOnly"}),
               attribute("active", "boolean", "Whether the key works now.",
                         {.mutability = "readOnly"})}),
  };
}

json groupAttributes() {
  return {
      attribute("displayName", "string", "The name of the Group.", {.required = true}),
      complex("members", "Users and Groups that belong to the Group.", {.multi_valued = true},
              {refValue("member", "immutable"),
               attribute("type", "string", "What the member is.",
                         {.mutability = "immutable", .canonical = {"User", "Group"}}),
               [] {
                 json ref = attribute("$ref", "reference", "The URI of the member.",
                                      {.mutability = "immutable"});
                 ref["referenceTypes"] = {"User", "Group"};
                 return ref;
               }()}),
      attribute("externalId", "string", "The provisioning client's identifier for the Group.",
                {.case_exact = true}),
  };
}

json entitlementRefs(const std::string& description) {
  return {complex("entitlements", description, {.multi_valued = true},
                  {refValue("Entitlement", "readWrite"),
                   attribute("display", "string", "The Entitlement's displayName.",
                             {.mutability = "readOnly"})})};
}

json entitlementAttributes() {
  const Traits read_only{.mutability = "readOnly"};
  return {
      attribute("displayName", "string", "The name of the Entitlement.",
                {.required = true, .mutability = "readOnly"}),
      attribute("description", "string", "What the Entitlement allows.", read_only),
      attribute("privileged", "boolean", "Whether it grants administrative access.", read_only)};
}

json schema(std::string_view id, const std::string& name, json attributes,
            const std::string& base) {
  return {
      {"schemas", {"urn:ietf:params:scim:schemas:core:2.0:Schema"}},
      {"id", id},
      {"name", name},
      {"attributes", std::move(attributes)},
      {"meta", {{"resourceType", "Schema"}, {"location", base + "/Schemas/" + std::string(id)}}}};
}

}  // namespace

std::string scimServiceProviderConfig(const ScimOptions& options) {
  json doc = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}},
              {"documentationUri", "https://faultline.invalid/docs/connector-protocol"},
              {"patch", {{"supported", true}}},
              {"bulk", {{"supported", false}, {"maxOperations", 0}, {"maxPayloadSize", 0}}},
              {"filter", {{"supported", true}, {"maxResults", options.max_page_size}}},
              {"changePassword", {{"supported", false}}},
              {"sort", {{"supported", false}}},
              {"etag", {{"supported", true}}},
              {"pagination",
               {{"cursor", true},
                {"index", true},
                {"defaultPaginationMethod", "index"},
                {"defaultPageSize", options.default_page_size},
                {"maxPageSize", options.max_page_size},
                {"cursorTimeout", 3600}}},
              {"authenticationSchemes",
               {{{"type", "oauthbearertoken"},
                 {"name", "OAuth Bearer Token"},
                 {"description",
                  "OAuth 2.0 client credentials (RFC 6749 section 4.4), bearer tokens (RFC 6750)"},
                 {"primary", true}}}},
              {"meta",
               {{"resourceType", "ServiceProviderConfig"},
                {"location", options.base_path + "/ServiceProviderConfig"}}}};
  return doc.dump();
}

std::string scimResourceTypes(const ScimOptions& options) {
  auto type = [&](const std::string& id, const std::string& endpoint, std::string_view schema_id,
                  std::string_view extension) {
    json t = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}},
              {"id", id},
              {"name", id},
              {"endpoint", endpoint},
              {"schema", schema_id},
              {"meta",
               {{"resourceType", "ResourceType"},
                {"location", options.base_path + "/ResourceTypes/" + id}}}};
    if (!extension.empty()) t["schemaExtensions"] = {{{"schema", extension}, {"required", false}}};
    return t;
  };
  return listOf({type("User", "/Users", kScimUserSchema, kAccountExtension),
                 type("Group", "/Groups", kScimGroupSchema, kGroupEntitlementsExtension),
                 type("Entitlement", "/Entitlements", kEntitlementSchema, "")})
      .dump();
}

// Describes every attribute the mock stores and serves (RFC 7643 §7), so a
// client that reads /Schemas learns what it can filter on and PATCH.
std::string scimSchemas(const ScimOptions& options) {
  const std::string& base = options.base_path;
  return listOf({schema(kScimUserSchema, "User", userAttributes(), base),
                 schema(kAccountExtension, "Account", accountAttributes(), base),
                 schema(kScimGroupSchema, "Group", groupAttributes(), base),
                 schema(kGroupEntitlementsExtension, "GroupEntitlements",
                        entitlementRefs("Entitlements every member of the Group holds."), base),
                 schema(kEntitlementSchema, "Entitlement", entitlementAttributes(), base)})
      .dump();
}

}  // namespace faultline::mocks
