#include "mocks/scim_resources.h"

#include <algorithm>
#include <set>
#include <vector>

#include "mocks/json_writer.h"
#include "mocks/scim_request_body.h"

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
// entitlements. `at` is the list's JSON pointer, for the detail.
std::string readValueList(const json& list, const std::string& at, std::vector<std::string>& out,
                          std::vector<bool>* is_group) {
  if (!list.is_array()) return mustBe(at, "an array", list);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& item = list[i];
    const std::string item_at = at + "/" + std::to_string(i);
    if (!item.is_object()) return mustBe(item_at, "an object", item);
    const auto value = item.find("value");
    if (value == item.end()) return item_at + "/value: is required";
    if (!value->is_string()) return mustBe(item_at + "/value", "a string", *value);
    const auto type = item.find("type");
    if (type != item.end() && !type->is_string())
      return mustBe(item_at + "/type", "a string", *type);
    out.push_back(value->get<std::string>());
    if (is_group != nullptr)
      is_group->push_back(type != item.end() && type->get_ref<const std::string&>() == "Group");
  }
  return "";
}

// Null means unassigned (RFC 7643 §2.5), the same as leaving the key out.
std::string readString(const json& body, const std::string& parent, std::string_view key,
                       std::string& out, bool required) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null())
    return required ? memberPointer(parent, key) + ": is required" : "";
  if (!it->is_string()) return mustBe(memberPointer(parent, key), "a string", *it);
  out = it->get<std::string>();
  return "";
}

std::string readBoolean(const json& body, const std::string& parent, std::string_view key,
                        bool& out) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_boolean()) return mustBe(memberPointer(parent, key), "a boolean", *it);
  out = it->get<bool>();
  return "";
}

// The member `key` when it is an object; nullptr when absent or null, and a
// detail in `error` when it holds another type.
const json* readObject(const json& body, const std::string& parent, std::string_view key,
                       std::string& error) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return nullptr;
  if (!it->is_object()) {
    error = mustBe(memberPointer(parent, key), "an object", *it);
    return nullptr;
  }
  return &*it;
}

}  // namespace

std::string readEmails(const json& values, const std::string& at, std::vector<Email>& out) {
  // One object stands for a list of one, as a PATCH value may be sent.
  const bool list = values.is_array();
  const std::size_t count = list ? values.size() : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const json& item = list ? values[i] : values;
    const std::string item_at = list ? at + "/" + std::to_string(i) : at;
    if (!item.is_object()) return mustBe(item_at, "an object", item);
    Email e;
    if (auto error = readString(item, item_at, "value", e.value, true); !error.empty())
      return error;
    if (e.value.empty()) return item_at + "/value: must not be empty";
    if (auto error = readString(item, item_at, "type", e.type, false); !error.empty()) return error;
    if (auto error = readBoolean(item, item_at, "primary", e.primary); !error.empty()) return error;
    out.push_back(std::move(e));
  }
  if (std::count_if(out.begin(), out.end(), [](const Email& e) { return e.primary; }) > 1)
    return at + ": at most one value may be primary";
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

namespace {

std::string readAccountExtension(const json& body, Account& a) {
  std::string error;
  const std::string at = memberPointer("", kAccountExtension);
  const json* ext = readObject(body, "", kAccountExtension, error);
  if (ext == nullptr) return error;
  if (const auto type = ext->find("accountType"); type != ext->end() && !type->is_null()) {
    if (!type->is_string()) return mustBe(at + "/accountType", "a string", *type);
    const auto& text = type->get_ref<const std::string&>();
    if (text != "human" && text != "service")
      return at + "/accountType: must be \"human\" or \"service\", got " +
             type->dump(-1, ' ', false, json::error_handler_t::replace);
    a.type = text == "service" ? AccountType::Service : AccountType::Human;
  }
  return readBoolean(*ext, at, "privileged", a.privileged);
}

}  // namespace

std::string readUser(const json& body, Account& a) {
  if (!body.is_object()) return mustBe("", "a JSON object", body);
  if (auto e = readString(body, "", "userName", a.user_name, true); !e.empty()) return e;
  if (a.user_name.empty()) return "/userName: must not be empty";
  if (auto e = readString(body, "", "externalId", a.external_id, false); !e.empty()) return e;
  if (auto e = readString(body, "", "displayName", a.display_name, false); !e.empty()) return e;
  if (auto e = readBoolean(body, "", "active", a.active); !e.empty()) return e;
  std::string error;
  if (const json* name = readObject(body, "", "name", error); name != nullptr) {
    if (auto e = readString(*name, "/name", "givenName", a.given_name, false); !e.empty()) return e;
    if (auto e = readString(*name, "/name", "familyName", a.family_name, false); !e.empty())
      return e;
  } else if (!error.empty()) {
    return error;
  }
  if (const auto emails = body.find("emails"); emails != body.end() && !emails->is_null()) {
    a.emails.clear();
    if (!emails->is_array()) return mustBe("/emails", "an array", *emails);
    if (auto e = readEmails(*emails, "/emails", a.emails); !e.empty()) return e;
  }
  if (const auto list = body.find("entitlements"); list != body.end() && !list->is_null()) {
    a.entitlements.clear();
    if (auto e = readValueList(*list, "/entitlements", a.entitlements, nullptr); !e.empty())
      return e;
  }
  return readAccountExtension(body, a);
}

std::string readGroup(const json& body, Group& g) {
  if (!body.is_object()) return mustBe("", "a JSON object", body);
  if (auto e = readString(body, "", "displayName", g.display_name, true); !e.empty()) return e;
  if (auto e = readString(body, "", "externalId", g.external_id, false); !e.empty()) return e;
  if (const auto members = body.find("members"); members != body.end() && !members->is_null()) {
    std::vector<std::string> ids;
    std::vector<bool> is_group;
    if (auto e = readValueList(*members, "/members", ids, &is_group); !e.empty()) return e;
    g.members.clear();
    for (std::size_t i = 0; i < ids.size(); ++i) g.members.push_back({ids[i], is_group[i]});
  }
  std::string error;
  const json* ext = readObject(body, "", kGroupEntitlementsExtension, error);
  if (ext == nullptr) return error;
  if (const auto list = ext->find("entitlements"); list != ext->end() && !list->is_null()) {
    g.entitlements.clear();
    if (auto e =
            readValueList(*list, memberPointer("", kGroupEntitlementsExtension) + "/entitlements",
                          g.entitlements, nullptr);
        !e.empty()) {
      return e;
    }
  }
  return "";
}

}  // namespace faultline::mocks
