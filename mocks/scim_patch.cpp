#include "mocks/scim_patch.h"

#include <algorithm>

#include "mocks/scim_filter.h"
#include "mocks/scim_resources.h"

namespace faultline::mocks {
namespace {

using nlohmann::json;

enum class Op { Add, Remove, Replace };

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

PatchError fail(std::string type, std::string detail) {
  return {std::move(type), std::move(detail)};
}

// Multi-valued reference attributes (members, entitlements) are edited as id
// lists; `selects` decides which elements a value filter targets.
struct RefList {
  std::vector<std::string> ids;
  std::vector<std::string> types;  // "User"/"Group" for members, "" otherwise
};

PatchError readRefs(const json& value, RefList& out, const std::string& name) {
  const json items = value.is_array() ? value : json::array({value});
  for (const auto& item : items) {
    if (!item.is_object() || !item.contains("value") || !item["value"].is_string()) {
      return fail("invalidValue", name + " values must be objects with a string \"value\"");
    }
    out.ids.push_back(item["value"]);
    out.types.push_back(
        item.contains("type") && item["type"].is_string() ? item["type"].get<std::string>() : "");
  }
  return {};
}

PatchError editRefs(Op op, const PatchPath* path, const json* value, RefList& list,
                    const std::string& name) {
  if (op == Op::Remove) {
    if ((path == nullptr || !path->value_filter) && value != nullptr) {
      // Not in RFC 7644, but how Entra ID and others remove single members:
      // {"op":"remove","path":"members","value":[{"value":"id"}]}. Real
      // servers honour it, so the mock removes just the listed values.
      RefList listed;
      if (auto e = readRefs(*value, listed, name); !e.ok()) return e;
      RefList kept;
      for (std::size_t i = 0; i < list.ids.size(); ++i) {
        if (std::find(listed.ids.begin(), listed.ids.end(), list.ids[i]) != listed.ids.end())
          continue;
        kept.ids.push_back(list.ids[i]);
        kept.types.push_back(list.types[i]);
      }
      list = std::move(kept);
      return {};
    }
    if (path == nullptr || !path->value_filter) {
      list.ids.clear();
      list.types.clear();
      return {};
    }
    RefList kept;
    for (std::size_t i = 0; i < list.ids.size(); ++i) {
      MapAttributeSource element;
      element.add("value", list.ids[i], true);
      if (!list.types[i].empty()) element.add("type", list.types[i]);
      if (!path->selects(element)) {
        kept.ids.push_back(list.ids[i]);
        kept.types.push_back(list.types[i]);
      }
    }
    // Removing what is not there succeeds: revocation must be idempotent.
    list = std::move(kept);
    return {};
  }
  if (path != nullptr && path->value_filter) {
    return fail("invalidPath",
                op == Op::Add ? "add cannot target a value filter on " + name
                              : "replace with a value filter on " + name + " is not supported");
  }
  if (value == nullptr)
    return fail("invalidValue", op == Op::Add ? "add needs a value" : "replace needs a value");
  RefList incoming;
  if (auto e = readRefs(*value, incoming, name); !e.ok()) return e;
  if (op == Op::Replace) {
    list = std::move(incoming);
  } else {
    list.ids.insert(list.ids.end(), incoming.ids.begin(), incoming.ids.end());
    list.types.insert(list.types.end(), incoming.types.begin(), incoming.types.end());
  }
  return {};
}

PatchError setString(const json* value, std::string& target, const std::string& name,
                     bool required) {
  if (value == nullptr || value->is_null()) {
    if (required) return fail("mutability", name + " is required and cannot be removed");
    target.clear();
    return {};
  }
  if (!value->is_string()) return fail("invalidValue", name + " must be a string");
  if (required && value->get<std::string>().empty())
    return fail("invalidValue", name + " must not be empty");
  target = value->get<std::string>();
  return {};
}

PatchError setBool(const json* value, bool& target, const std::string& name) {
  if (value == nullptr || !value->is_boolean())
    return fail("invalidValue", name + " must be a boolean");
  target = value->get<bool>();
  return {};
}

RefList entitlementRefs(const std::vector<std::string>& ids) {
  return {ids, std::vector<std::string>(ids.size())};
}

PatchError applyUserAttribute(Op op, const std::string& name, const PatchPath* path,
                              const json* value, Account& a) {
  const json* v = op == Op::Remove ? nullptr : value;
  if (name == "active")
    return op == Op::Remove ? fail("mutability", "active cannot be removed")
                            : setBool(v, a.active, "active");
  if (name == "username") return setString(v, a.user_name, "userName", true);
  if (name == "displayname") return setString(v, a.display_name, "displayName", false);
  if (name == "externalid") return setString(v, a.external_id, "externalId", false);
  if (name == "name.givenname") return setString(v, a.given_name, "name.givenName", false);
  if (name == "name.familyname") return setString(v, a.family_name, "name.familyName", false);
  if (name == "privileged") return setBool(v, a.privileged, "privileged");
  if (name == "entitlements") {
    RefList refs = entitlementRefs(a.entitlements);
    if (auto e = editRefs(op, path, value, refs, "entitlements"); !e.ok()) return e;
    a.entitlements = std::move(refs.ids);
    return {};
  }
  if (name == "credentials" && op == Op::Remove) {
    RefList refs;
    for (const auto& c : a.credentials) refs.ids.push_back(c.id), refs.types.push_back("");
    if (auto e = editRefs(op, path, value, refs, "credentials"); !e.ok()) return e;
    std::erase_if(a.credentials, [&](const Credential& c) {
      return std::find(refs.ids.begin(), refs.ids.end(), c.id) == refs.ids.end();
    });
    return {};
  }
  if (name == "id" || name == "meta" || name == "groups" || name == "accounttype" ||
      name == "credentials") {
    return fail("mutability", "attribute \"" + name + "\" cannot be modified");
  }
  return fail("invalidPath", "attribute \"" + name + "\" is not supported on User");
}

PatchError applyGroupAttribute(Op op, const std::string& name, const PatchPath* path,
                               const json* value, Group& g) {
  const json* v = op == Op::Remove ? nullptr : value;
  if (name == "displayname") return setString(v, g.display_name, "displayName", true);
  if (name == "externalid") return setString(v, g.external_id, "externalId", false);
  if (name == "members") {
    RefList refs;
    for (const auto& m : g.members)
      refs.ids.push_back(m.id), refs.types.push_back(m.is_group ? "Group" : "User");
    if (auto e = editRefs(op, path, value, refs, "members"); !e.ok()) return e;
    g.members.clear();
    for (std::size_t i = 0; i < refs.ids.size(); ++i)
      g.members.push_back({refs.ids[i], refs.types[i] == "Group"});
    return {};
  }
  if (name == "entitlements") {
    RefList refs = entitlementRefs(g.entitlements);
    if (auto e = editRefs(op, path, value, refs, "entitlements"); !e.ok()) return e;
    g.entitlements = std::move(refs.ids);
    return {};
  }
  if (name == "id" || name == "meta")
    return fail("mutability", "attribute \"" + name + "\" cannot be modified");
  return fail("invalidPath", "attribute \"" + name + "\" is not supported on Group");
}

template <typename Resource, typename Apply>
PatchError applyPatch(const json& body, Resource& resource, Apply apply) {
  if (!body.is_object() || !body.contains("Operations") || !body["Operations"].is_array()) {
    return fail("invalidSyntax", "the body must be a PatchOp with an \"Operations\" array");
  }
  for (const auto& operation : body["Operations"]) {
    if (!operation.is_object() || !operation.contains("op") || !operation["op"].is_string()) {
      return fail("invalidSyntax", "each operation needs a string \"op\"");
    }
    const std::string op_name = lower(operation["op"]);
    if (op_name != "add" && op_name != "remove" && op_name != "replace") {
      return fail("invalidSyntax", "op must be add, remove or replace, got \"" +
                                       operation["op"].get<std::string>() + "\"");
    }
    const Op op = op_name == "add" ? Op::Add : op_name == "remove" ? Op::Remove : Op::Replace;
    const json* value = operation.contains("value") ? &operation["value"] : nullptr;
    if (!operation.contains("path")) {
      if (op == Op::Remove) return fail("noTarget", "remove needs a path");
      // No path: the value is an object of attributes (as Azure AD sends).
      if (value == nullptr || !value->is_object())
        return fail("invalidValue", "without a path, value must be an object");
      for (const auto& [key, item] : value->items()) {
        if (auto e = apply(op, lower(key), nullptr, &item, resource); !e.ok()) return e;
      }
      continue;
    }
    if (!operation["path"].is_string()) return fail("invalidPath", "path must be a string");
    PatchPathParse parsed = parsePatchPath(operation["path"].get<std::string>());
    if (!parsed.path) return fail("invalidPath", parsed.error);
    std::string name = parsed.path->attribute.name;
    if (!parsed.path->sub_attribute.empty())
      return fail("invalidPath", "sub-attribute paths are not supported");
    if (auto e = apply(op, name, &*parsed.path, value, resource); !e.ok()) return e;
  }
  return {};
}

}  // namespace

PatchError applyUserPatch(const json& body, Account& account) {
  return applyPatch(body, account, applyUserAttribute);
}

PatchError applyGroupPatch(const json& body, Group& group) {
  return applyPatch(body, group, applyGroupAttribute);
}

}  // namespace faultline::mocks
