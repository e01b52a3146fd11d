#include "mocks/scim_resources.h"

#include <algorithm>
#include <set>
#include <vector>

#include "mocks/json_writer.h"

namespace faultline::mocks {
namespace {

using nlohmann::json;

void writeMeta(JsonWriter& w, std::string_view type, std::string_view created,
               std::string_view modified, std::string_view location, std::uint64_t version) {
  w.key("meta").beginObject();
  w.field("resourceType", type);
  w.field("created", created);
  w.field("lastModified", modified);
  w.field("location", location);
  w.field("version", weakEtag(version));
  w.endObject();
}

std::string displayOf(const TenantState& state, const std::string& entitlement_id) {
  const Entitlement* e = state.findEntitlement(entitlement_id);
  return e == nullptr ? "" : e->display_name;
}

void writeEntitlementRefs(JsonWriter& w, const TenantState& state,
                          const std::vector<std::string>& ids) {
  w.key("entitlements").beginArray();
  for (const auto& id : ids) {
    w.beginObject().field("value", id).field("display", displayOf(state, id)).endObject();
  }
  w.endArray();
}

void writeAccountExtension(JsonWriter& w, const Account& a) {
  w.key(kAccountExtension).beginObject();
  w.field("accountType", a.type == AccountType::Service ? "service" : "human");
  w.field("privileged", a.privileged);
  w.key("credentials").beginArray();
  for (const auto& c : a.credentials) {
    w.beginObject().field("value", c.id).field("type", "apiKey").field("expires", c.expires);
    w.field("active", c.active).endObject();
  }
  w.endArray();
  w.endObject();
}

// Accepts a multi-valued [{value: id}] list, as SCIM clients send members and
// entitlements.
std::string readValueList(const json& list, const char* name, std::vector<std::string>& out,
                          std::vector<bool>* is_group) {
  if (!list.is_array()) return std::string(name) + " must be an array";
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("value") || !item["value"].is_string()) {
      return std::string(name) + " items must be objects with a string \"value\"";
    }
    out.push_back(item["value"].get<std::string>());
    if (is_group != nullptr) {
      is_group->push_back(item.contains("type") && item["type"].is_string() &&
                          item["type"] == "Group");
    }
  }
  return "";
}

std::string readString(const json& body, const char* key, std::string& out, bool required) {
  if (!body.contains(key)) return required ? std::string(key) + " is required" : "";
  if (!body[key].is_string()) return std::string(key) + " must be a string";
  out = body[key].get<std::string>();
  return "";
}

}  // namespace

std::string readEmails(const json& values, std::vector<Email>& out) {
  const json items = values.is_array() ? values : json::array({values});
  for (const auto& item : items) {
    if (!item.is_object() || !item.contains("value") || !item["value"].is_string() ||
        item["value"].get<std::string>().empty()) {
      return "emails values must be objects with a non-empty string \"value\"";
    }
    Email e;
    e.value = item["value"];
    if (item.contains("type")) {
      if (!item["type"].is_string()) return "emails.type must be a string";
      e.type = item["type"];
    }
    if (item.contains("primary")) {
      if (!item["primary"].is_boolean()) return "emails.primary must be a boolean";
      e.primary = item["primary"];
    }
    out.push_back(std::move(e));
  }
  if (std::count_if(out.begin(), out.end(), [](const Email& e) { return e.primary; }) > 1)
    return "at most one of emails may be primary";
  return "";
}

std::string weakEtag(std::uint64_t version) {
  return "W/\"" + std::to_string(version) + "\"";
}

std::optional<std::uint64_t> parseEtag(std::string_view etag) {
  if (etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  if (etag.size() < 3 || etag.front() != '"' || etag.back() != '"') return std::nullopt;
  etag = etag.substr(1, etag.size() - 2);
  std::uint64_t v = 0;
  for (char c : etag) {
    if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

void writeUser(std::string& out, const TenantState& state, const Account& a,
               std::string_view base) {
  JsonWriter w(out);
  w.beginObject();
  w.key("schemas").beginArray().value(kScimUserSchema).value(kAccountExtension).endArray();
  w.field("id", a.id);
  if (!a.external_id.empty()) w.field("externalId", a.external_id);
  w.field("userName", a.user_name);
  if (!a.given_name.empty() || !a.family_name.empty()) {
    const char* space = a.given_name.empty() || a.family_name.empty() ? "" : " ";
    w.key("name").beginObject().field("givenName", a.given_name).field("familyName", a.family_name);
    w.field("formatted", a.given_name + space + a.family_name).endObject();
  }
  w.field("displayName", a.display_name);
  w.field("active", a.active);
  if (!a.emails.empty()) {
    w.key("emails").beginArray();
    for (const auto& e : a.emails) {
      w.beginObject().field("value", e.value);
      if (!e.type.empty()) w.field("type", e.type);
      w.field("primary", e.primary).endObject();
    }
    w.endArray();
  }
  writeEntitlementRefs(w, state, a.entitlements);
  // RFC 7643 §4.1.2: groups the user belongs to directly, then those reached
  // through nested groups ("indirect"), so a client can see inherited access.
  w.key("groups").beginArray();
  std::set<std::string> direct, indirect;
  std::vector<std::string> frontier;
  if (auto it = state.member_of.find(a.id); it != state.member_of.end()) {
    for (const auto& gid : it->second) {
      const Group* g = state.findGroup(gid);
      w.beginObject().field("value", gid).field("display", g != nullptr ? g->display_name : "");
      w.field("type", "direct").endObject();
      direct.insert(gid);
      frontier.push_back(gid);
    }
  }
  while (!frontier.empty()) {
    const std::string current = std::move(frontier.back());
    frontier.pop_back();
    const auto parents = state.member_of.find(current);
    if (parents == state.member_of.end()) continue;
    for (const auto& parent : parents->second) {
      if (direct.count(parent) == 0 && indirect.insert(parent).second) frontier.push_back(parent);
    }
  }
  for (const auto& gid : indirect) {
    const Group* g = state.findGroup(gid);
    w.beginObject().field("value", gid).field("display", g != nullptr ? g->display_name : "");
    w.field("type", "indirect").endObject();
  }
  w.endArray();
  writeAccountExtension(w, a);
  writeMeta(w, "User", a.created, a.last_modified, std::string(base) + "/Users/" + a.id, a.version);
  w.endObject();
}

void writeGroup(std::string& out, const TenantState& state, const Group& g, std::string_view base) {
  JsonWriter w(out);
  w.beginObject();
  w.key("schemas")
      .beginArray()
      .value(kScimGroupSchema)
      .value(kGroupEntitlementsExtension)
      .endArray();
  w.field("id", g.id);
  if (!g.external_id.empty()) w.field("externalId", g.external_id);
  w.field("displayName", g.display_name);
  w.key("members").beginArray();
  for (const auto& m : g.members) {
    w.beginObject().field("value", m.id).field("type", m.is_group ? "Group" : "User");
    w.field("$ref", std::string(base) + (m.is_group ? "/Groups/" : "/Users/") + m.id).endObject();
  }
  w.endArray();
  w.key(kGroupEntitlementsExtension).beginObject();
  writeEntitlementRefs(w, state, g.entitlements);
  w.endObject();
  writeMeta(w, "Group", g.created, g.last_modified, std::string(base) + "/Groups/" + g.id,
            g.version);
  w.endObject();
}

void writeEntitlement(std::string& out, const Entitlement& e, std::string_view base) {
  JsonWriter w(out);
  w.beginObject();
  w.key("schemas").beginArray().value(kEntitlementSchema).endArray();
  w.field("id", e.id);
  w.field("displayName", e.display_name);
  w.field("description", e.description);
  w.field("privileged", e.privileged);
  writeMeta(w, "Entitlement", e.created, e.created, std::string(base) + "/Entitlements/" + e.id,
            e.version);
  w.endObject();
}

std::string readUser(const json& body, Account& a) {
  if (!body.is_object()) return "the body must be a JSON object";
  if (auto e = readString(body, "userName", a.user_name, true); !e.empty()) return e;
  if (a.user_name.empty()) return "userName must not be empty";
  if (auto e = readString(body, "externalId", a.external_id, false); !e.empty()) return e;
  if (auto e = readString(body, "displayName", a.display_name, false); !e.empty()) return e;
  if (body.contains("active")) {
    if (!body["active"].is_boolean()) return "active must be a boolean";
    a.active = body["active"].get<bool>();
  }
  if (body.contains("name") && body["name"].is_object()) {
    const auto& name = body["name"];
    if (auto e = readString(name, "givenName", a.given_name, false); !e.empty()) return "name." + e;
    if (auto e = readString(name, "familyName", a.family_name, false); !e.empty())
      return "name." + e;
  }
  if (body.contains("emails")) {
    a.emails.clear();
    if (!body["emails"].is_array()) return "emails must be an array";
    if (auto e = readEmails(body["emails"], a.emails); !e.empty()) return e;
  }
  if (body.contains("entitlements")) {
    a.entitlements.clear();
    if (auto e = readValueList(body["entitlements"], "entitlements", a.entitlements, nullptr);
        !e.empty())
      return e;
  }
  if (body.contains(kAccountExtension)) {
    const auto& ext = body[std::string(kAccountExtension)];
    if (!ext.is_object()) return std::string(kAccountExtension) + " must be an object";
    if (ext.contains("accountType")) {
      if (ext["accountType"] != "human" && ext["accountType"] != "service") {
        return "accountType must be \"human\" or \"service\"";
      }
      a.type = ext["accountType"] == "service" ? AccountType::Service : AccountType::Human;
    }
    if (ext.contains("privileged")) {
      if (!ext["privileged"].is_boolean()) return "privileged must be a boolean";
      a.privileged = ext["privileged"].get<bool>();
    }
  }
  return "";
}

std::string readGroup(const json& body, Group& g) {
  if (!body.is_object()) return "the body must be a JSON object";
  if (auto e = readString(body, "displayName", g.display_name, true); !e.empty()) return e;
  if (auto e = readString(body, "externalId", g.external_id, false); !e.empty()) return e;
  if (body.contains("members")) {
    std::vector<std::string> ids;
    std::vector<bool> is_group;
    if (auto e = readValueList(body["members"], "members", ids, &is_group); !e.empty()) return e;
    g.members.clear();
    for (std::size_t i = 0; i < ids.size(); ++i) g.members.push_back({ids[i], is_group[i]});
  }
  if (body.contains(kGroupEntitlementsExtension)) {
    const auto& ext = body[std::string(kGroupEntitlementsExtension)];
    if (ext.is_object() && ext.contains("entitlements")) {
      g.entitlements.clear();
      if (auto e = readValueList(ext["entitlements"], "entitlements", g.entitlements, nullptr);
          !e.empty()) {
        return e;
      }
    }
  }
  return "";
}

}  // namespace faultline::mocks
