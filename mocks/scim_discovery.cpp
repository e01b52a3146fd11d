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

json attribute(const std::string& name, const std::string& type, bool multi,
               const std::string& mutability, bool required = false, bool case_exact = false) {
  return {{"name", name},
          {"type", type},
          {"multiValued", multi},
          {"required", required},
          {"caseExact", case_exact},
          {"mutability", mutability},
          {"returned", "default"},
          {"uniqueness", name == "userName" ? "server" : "none"}};
}

json refAttribute(const std::string& name, const std::string& mutability) {
  json a = attribute(name, "complex", true, mutability);
  a["subAttributes"] = {attribute("value", "string", false, "immutable", true, true),
                        attribute("display", "string", false, "readOnly"),
                        attribute("type", "string", false, "immutable")};
  return a;
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

std::string scimSchemas(const ScimOptions& options) {
  const std::string& base = options.base_path;
  json user = {attribute("userName", "string", false, "readWrite", true),
               attribute("displayName", "string", false, "readWrite"),
               attribute("externalId", "string", false, "readWrite", false, true),
               attribute("active", "boolean", false, "readWrite"),
               refAttribute("entitlements", "readWrite"),
               refAttribute("groups", "readOnly")};
  json account = {attribute("accountType", "string", false, "immutable"),
                  attribute("privileged", "boolean", false, "readWrite"),
                  refAttribute("credentials", "readWrite")};
  json group = {attribute("displayName", "string", false, "readWrite", true),
                refAttribute("members", "readWrite")};
  json group_ext = {refAttribute("entitlements", "readWrite")};
  json entitlement = {attribute("displayName", "string", false, "readOnly", true),
                      attribute("description", "string", false, "readOnly"),
                      attribute("privileged", "boolean", false, "readOnly")};
  return listOf({schema(kScimUserSchema, "User", user, base),
                 schema(kAccountExtension, "Account", account, base),
                 schema(kScimGroupSchema, "Group", group, base),
                 schema(kGroupEntitlementsExtension, "GroupEntitlements", group_ext, base),
                 schema(kEntitlementSchema, "Entitlement", entitlement, base)})
      .dump();
}

}  // namespace faultline::mocks
