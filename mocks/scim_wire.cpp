// How faults are spelt in SCIM 2.0 (RFC 7644): error bodies with scimType,
// the ListResponse envelope, startIndex paging and /Schemas documents.
#include <algorithm>
#include <charconv>
#include <map>

#include "mocks/scim_dialect.h"
#include "mocks/scim_resources.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;

constexpr std::string_view kSchemaSchema = "urn:ietf:params:scim:schemas:core:2.0:Schema";

bool isSchemaDocument(const nlohmann::ordered_json& doc) {
  if (!doc.is_object() || !doc.contains("schemas") || !doc["schemas"].is_array()) return false;
  for (const auto& s : doc["schemas"]) {
    if (s == kSchemaSchema) return true;
  }
  return false;
}

// The core schema a drift rule's resource names; every core schema for "".
bool targetsSchema(const std::string& resource, const std::string& schema_id) {
  static const std::map<std::string, std::string_view> kCore = {
      {"Users", kScimUserSchema},
      {"Groups", kScimGroupSchema},
      {"Entitlements", kEntitlementSchema}};
  if (resource.empty()) {
    for (const auto& [name, id] : kCore) {
      if (id == schema_id) return true;
    }
    return false;
  }
  const auto it = kCore.find(resource);
  return it != kCore.end() && it->second == schema_id;
}

std::string scimTypeOf(const nlohmann::ordered_json& v) {
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "decimal";
  if (v.is_object()) return "complex";
  return "string";
}

nlohmann::ordered_json attributeDefinition(const std::string& name, const std::string& type,
                                           bool multi, bool required) {
  return {{"name", name},          {"type", type},        {"multiValued", multi},
          {"required", required},  {"caseExact", false},  {"mutability", "readWrite"},
          {"returned", "default"}, {"uniqueness", "none"}};
}

bool isListResponse(const nlohmann::ordered_json& body) {
  return body.is_object() && body.contains("Resources") && body["Resources"].is_array();
}

// A whole decimal number and nothing else: "12abc" is not a start index.
std::optional<long long> parseIndex(const std::string& text) {
  long long v = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (text.empty() || ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

}  // namespace

MockResponse ScimDialect::error(ErrorMeaning meaning, int status, const std::string& detail) const {
  switch (meaning) {
    case ErrorMeaning::InvalidToken:
      return unauthorized(detail, true);
    case ErrorMeaning::InsufficientScope: {
      // RFC 6750 §3.1: a bearer token without the scope the resource needs.
      MockResponse r = scimError(status, "", detail);
      r.headers.emplace_back("WWW-Authenticate",
                             "Bearer realm=\"faultline\", error=\"insufficient_scope\", "
                             "error_description=\"" +
                                 detail + "\"");
      return r;
    }
    case ErrorMeaning::InvalidValue:
      return scimError(status, "invalidValue", detail);
    case ErrorMeaning::InvalidCursor:
      return scimError(status, "invalidCursor", detail);
    case ErrorMeaning::ExpiredCursor:
      return scimError(status, "expiredCursor", detail);
    case ErrorMeaning::Conflict:
      return scimError(status, "uniqueness", detail);
    default:
      return scimError(status, "", detail);
  }
}

std::string ScimDialect::emptyList() const {
  return std::string(R"({"schemas":[")") + std::string(kListResponseSchema) +
         R"("],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]})";
}

nlohmann::ordered_json* ScimDialect::listItems(nlohmann::ordered_json& body) const {
  return isListResponse(body) ? &body["Resources"] : nullptr;
}

void ScimDialect::itemsChanged(nlohmann::ordered_json& body) const {
  if (isListResponse(body)) body["itemsPerPage"] = body["Resources"].size();
}

std::optional<long long> ScimDialect::listTotal(const nlohmann::ordered_json& body) const {
  if (!isListResponse(body) || !body.contains("totalResults") ||
      !body["totalResults"].is_number_integer())
    return std::nullopt;
  return body["totalResults"].get<long long>();
}

bool ScimDialect::setListTotal(nlohmann::ordered_json& body, long long total) const {
  if (!isListResponse(body)) return false;
  body["totalResults"] = total;
  return true;
}

std::optional<ShiftedPosition> ScimDialect::shiftPage(MockRequest& request, int shift) const {
  // Records inserted or deleted ahead of the client's position move every
  // later item: serve the page from startIndex + shift, claiming the asked index.
  std::string asked = "1";
  for (const auto& [k, v] : request.params) {
    if (k == "startIndex") asked = v;
  }
  const auto start = parseIndex(asked);
  if (!start) return std::nullopt;  // malformed: the handler answers 400 itself
  const long long shifted = std::max(1LL, *start + shift);
  std::erase_if(request.params, [](const auto& p) { return p.first == "startIndex"; });
  request.params.emplace_back("startIndex", std::to_string(shifted));
  return ShiftedPosition{asked, "startIndex " + std::to_string(shifted)};
}

void ScimDialect::restorePage(MockResponse& response, const std::string& asked) const {
  if (response.status != 200) return;
  const auto start = parseIndex(asked);
  auto body = nlohmann::ordered_json::parse(response.body, nullptr, false);
  if (!start || body.is_discarded() || !body.contains("startIndex")) return;
  body["startIndex"] = *start;
  response.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

bool ScimDialect::isSchemaDescription(const nlohmann::ordered_json& body) const {
  return isSchemaDocument(body) || (isListResponse(body) && !body["Resources"].empty() &&
                                    isSchemaDocument(body["Resources"].front()));
}

bool ScimDialect::announceDrift(FaultKind kind, const std::string& from, const std::string& to,
                                const std::string& value_json, const std::string& resource,
                                nlohmann::ordered_json& body) const {
  const bool list = isListResponse(body);
  auto& docs = list ? body["Resources"] : body;
  bool changed = false;
  std::vector<nlohmann::ordered_json> added;  // extension schemas a move creates
  auto apply = [&](nlohmann::ordered_json& doc) {
    if (!isSchemaDocument(doc) || !doc.contains("id") || !doc["id"].is_string() ||
        !targetsSchema(resource, doc["id"].get<std::string>()) || !doc["attributes"].is_array())
      return;
    auto& attributes = doc["attributes"];
    if (kind == FaultKind::AddAttribute) {
      const auto value = nlohmann::ordered_json::parse(value_json, nullptr, false);
      attributes.push_back(attributeDefinition(to, scimTypeOf(value), value.is_array(), true));
      changed = true;
      return;
    }
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
      if (!it->is_object() || (*it)["name"] != from) continue;
      if (kind == FaultKind::RenameAttribute) (*it)["name"] = to;
      if (kind == FaultKind::RetypeAttribute) (*it)["type"] = "string";
      if (kind == FaultKind::MoveAttribute) {
        // "/urn:example:ext:User/login": the attribute now lives in that
        // extension schema under its last name.
        const auto slash = to.find('/', 1);
        const std::string owner = to.substr(1, slash == std::string::npos ? slash : slash - 1);
        nlohmann::ordered_json moved = *it;
        moved["name"] = to.substr(to.rfind('/') + 1);
        added.push_back({{"schemas", {kSchemaSchema}},
                         {"id", owner},
                         {"name", owner},
                         {"attributes", {std::move(moved)}}});
      }
      if (kind == FaultKind::RemoveAttribute || kind == FaultKind::MoveAttribute)
        attributes.erase(it);
      changed = true;
      return;
    }
  };
  if (list) {
    for (auto& doc : docs) apply(doc);
    for (auto& doc : added) {
      bool merged = false;
      for (auto& existing : docs) {
        if (existing.is_object() && existing["id"] == doc["id"]) {
          for (auto& a : doc["attributes"]) existing["attributes"].push_back(a);
          merged = true;
        }
      }
      if (!merged) docs.push_back(doc);
    }
    body["totalResults"] = docs.size();
    body["itemsPerPage"] = docs.size();
  } else {
    apply(docs);
  }
  return changed;
}

}  // namespace faultline::mocks
