#include "mocks/scim_patch.h"

#include <algorithm>

#include "mocks/scim_filter.h"
#include "mocks/scim_request_body.h"
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

// `at` is the pointer of `value` in the request body, for the detail.
PatchError readRefs(const json& value, const std::string& at, RefList& out) {
  // One object stands for a list of one, as clients send a single member.
  const bool list = value.is_array();
  const std::size_t count = list ? value.size() : 1;
  for (std::size_t i = 0; i < count; ++i) {
    const json& item = list ? value[i] : value;
    const std::string item_at = list ? at + "/" + std::to_string(i) : at;
    if (!item.is_object()) return fail("invalidValue", mustBe(item_at, "an object", item));
    const auto id = item.find("value");
    if (id == item.end()) return fail("invalidValue", item_at + "/value: is required");
    if (!id->is_string()) return fail("invalidValue", mustBe(item_at + "/value", "a string", *id));
    const auto type = item.find("type");
    if (type != item.end() && !type->is_string())
      return fail("invalidValue", mustBe(item_at + "/type", "a string", *type));
    out.ids.push_back(id->get<std::string>());
    out.types.push_back(type != item.end() ? type->get<std::string>() : "");
  }
  return {};
}

PatchError editRefs(Op op, const PatchPath* path, const json* value, const std::string& at,
                    RefList& list, const std::string& name) {
  if (op == Op::Remove) {
    if ((path == nullptr || !path->value_filter) && value != nullptr) {
      // Not in RFC 7644, but how Entra ID and others remove single members:
      // {"op":"remove","path":"members","value":[{"value":"id"}]}. Real
      // servers honour it, so the mock removes just the listed values.
      RefList listed;
      if (auto e = readRefs(*value, at, listed); !e.ok()) return e;
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
  if (auto e = readRefs(*value, at, incoming); !e.ok()) return e;
  if (op == Op::Replace) {
    list = std::move(incoming);
  } else {
    list.ids.insert(list.ids.end(), incoming.ids.begin(), incoming.ids.end());
    list.types.insert(list.types.end(), incoming.types.begin(), incoming.types.end());
  }
  return {};
}

// `name` is the attribute, for a refusal that has no value to point at; `at`
// is the value's pointer in the request body.
PatchError setString(const json* value, const std::string& at, std::string& target,
                     const std::string& name, bool required) {
  if (value == nullptr || value->is_null()) {
    if (required) return fail("mutability", name + " is required and cannot be removed");
    target.clear();
    return {};
  }
  if (!value->is_string()) return fail("invalidValue", mustBe(at, "a string", *value));
  if (required && value->get_ref<const std::string&>().empty())
    return fail("invalidValue", at + ": must not be empty");
  target = value->get<std::string>();
  return {};
}

PatchError setBool(const json* value, const std::string& at, bool& target,
                   const std::string& name) {
  if (value == nullptr) return fail("invalidValue", name + " needs a value");
  if (!value->is_boolean()) return fail("invalidValue", mustBe(at, "a boolean", *value));
  target = value->get<bool>();
  return {};
}

// `name` is complex and single-valued: add and replace set the
// sub-attributes the value carries and keep the others (RFC 7644 §3.5.2.1,
// §3.5.2.3); remove clears it. `formatted` is derived from the other two and
// read-only, so a client echoing back what it read is not refused for it.
PatchError editName(Op op, const json* value, const std::string& at, Account& a) {
  if (op == Op::Remove) {
    a.given_name.clear();
    a.family_name.clear();
    return {};
  }
  if (value == nullptr) return fail("invalidValue", "name needs a value");
  if (!value->is_object()) return fail("invalidValue", mustBe(at, "an object", *value));
  for (const auto& [key, item] : value->items()) {
    const std::string sub = lower(key);
    if (sub == "formatted") continue;
    std::string* target = sub == "givenname"    ? &a.given_name
                          : sub == "familyname" ? &a.family_name
                                                : nullptr;
    if (target == nullptr) return fail("invalidPath", "name has no sub-attribute \"" + key + "\"");
    if (auto e = setString(&item, memberPointer(at, key), *target, "name." + key, false); !e.ok())
      return e;
  }
  return {};
}

MapAttributeSource emailSource(const Email& e) {
  MapAttributeSource element;
  element.add("value", e.value);
  if (!e.type.empty()) element.add("type", e.type);
  element.add("primary", e.primary);
  return element;
}

// One sub-attribute of the selected emails: `emails[type eq "work"].value`.
PatchError editEmailField(Op op, const std::string& sub, const json* value, const std::string& at,
                          Email& e) {
  if (sub == "value") {
    if (op == Op::Remove) return fail("invalidValue", "emails.value is required in each email");
    return setString(value, at, e.value, "emails.value", true);
  }
  if (sub == "type")
    return setString(op == Op::Remove ? nullptr : value, at, e.type, "emails.type", false);
  if (sub == "primary") {
    if (op == Op::Remove) {
      e.primary = false;
      return {};
    }
    return setBool(value, at, e.primary, "emails.primary");
  }
  return fail("invalidPath", "emails has no sub-attribute \"" + sub + "\"");
}

// RFC 7643 §2.4: a new primary value takes "primary" from every other one.
void keepOnePrimary(std::vector<Email>& emails, std::size_t chosen) {
  for (std::size_t i = 0; i < emails.size(); ++i) {
    if (i != chosen) emails[i].primary = false;
  }
}

PatchError editEmails(Op op, const PatchPath* path, const json* value, const std::string& at,
                      std::vector<Email>& emails) {
  const bool filtered = path != nullptr && path->value_filter;
  if (filtered) {
    if (op == Op::Add) return fail("invalidPath", "add cannot target a value filter on emails");
    const std::string sub = path->sub_attribute;
    if (op == Op::Remove && sub.empty()) {
      std::erase_if(emails, [&](const Email& e) { return path->selects(emailSource(e)); });
      return {};
    }
    std::vector<Email> incoming;
    if (sub.empty()) {
      if (value == nullptr) return fail("invalidValue", "replace needs a value");
      if (value->is_array())
        return fail("invalidValue", at + ": replace of one email needs one object, got an array");
      if (auto e = readEmails(*value, at, incoming); !e.empty()) return fail("invalidValue", e);
    }
    bool matched = false;
    for (std::size_t i = 0; i < emails.size(); ++i) {
      if (!path->selects(emailSource(emails[i]))) continue;
      matched = true;
      if (sub.empty()) {
        emails[i] = incoming.front();
      } else if (auto e = editEmailField(op, sub, value, at, emails[i]); !e.ok()) {
        return e;
      }
      if (emails[i].primary) keepOnePrimary(emails, i);
    }
    // RFC 7644 §3.5.2.3: a replace whose filter matches nothing is noTarget.
    if (!matched && op == Op::Replace) return fail("noTarget", "no email matches the filter");
    return {};
  }
  if (op == Op::Remove) {
    emails.clear();
    return {};
  }
  if (value == nullptr)
    return fail("invalidValue", op == Op::Add ? "add needs a value" : "replace needs a value");
  std::vector<Email> incoming;
  if (auto e = readEmails(*value, at, incoming); !e.empty()) return fail("invalidValue", e);
  if (op == Op::Replace) {
    emails = std::move(incoming);
    return {};
  }
  for (auto& e : incoming) {
    // An email already held is not added twice (RFC 7644 §3.5.2.1).
    auto same = std::find_if(emails.begin(), emails.end(), [&](const Email& held) {
      return lower(held.value) == lower(e.value) && held.type == e.type;
    });
    if (same == emails.end())
      same = emails.insert(emails.end(), std::move(e));
    else
      same->primary = same->primary || e.primary;
    if (same->primary) keepOnePrimary(emails, static_cast<std::size_t>(same - emails.begin()));
  }
  return {};
}

RefList entitlementRefs(const std::vector<std::string>& ids) {
  return {ids, std::vector<std::string>(ids.size())};
}

// `at` is the pointer of `value` in the request body.
PatchError applyUserAttribute(Op op, const std::string& name, const PatchPath* path,
                              const json* value, const std::string& at, Account& a) {
  const json* v = op == Op::Remove ? nullptr : value;
  if (name == "active")
    return op == Op::Remove ? fail("mutability", "active cannot be removed")
                            : setBool(v, at, a.active, "active");
  if (name == "username") return setString(v, at, a.user_name, "userName", true);
  if (name == "displayname") return setString(v, at, a.display_name, "displayName", false);
  if (name == "externalid") return setString(v, at, a.external_id, "externalId", false);
  if (name == "name.givenname") return setString(v, at, a.given_name, "name.givenName", false);
  if (name == "name.familyname") return setString(v, at, a.family_name, "name.familyName", false);
  if (name == "name") return editName(op, value, at, a);
  if (name == "name.formatted")
    return fail("mutability", "name.formatted is read-only: it is derived from the other parts");
  if (name == "emails") return editEmails(op, path, value, at, a.emails);
  if (name == "privileged") return setBool(v, at, a.privileged, "privileged");
  if (name == "entitlements") {
    RefList refs = entitlementRefs(a.entitlements);
    if (auto e = editRefs(op, path, value, at, refs, "entitlements"); !e.ok()) return e;
    a.entitlements = std::move(refs.ids);
    return {};
  }
  if (name == "credentials" && op == Op::Remove) {
    RefList refs;
    for (const auto& c : a.credentials) refs.ids.push_back(c.id), refs.types.push_back("");
    if (auto e = editRefs(op, path, value, at, refs, "credentials"); !e.ok()) return e;
    std::erase_if(a.credentials, [&](const Credential& c) {
      return std::find(refs.ids.begin(), refs.ids.end(), c.id) == refs.ids.end();
    });
    return {};
  }
  if (name == "credentials") {
    return fail("mutability", "credentials can only be removed: API keys are issued by the target");
  }
  if (name == "id" || name == "meta" || name == "groups" || name == "accounttype") {
    return fail("mutability", "attribute \"" + name + "\" cannot be modified");
  }
  return fail("invalidPath", "attribute \"" + name + "\" is not supported on User");
}

PatchError applyGroupAttribute(Op op, const std::string& name, const PatchPath* path,
                               const json* value, const std::string& at, Group& g) {
  const json* v = op == Op::Remove ? nullptr : value;
  if (name == "displayname") return setString(v, at, g.display_name, "displayName", true);
  if (name == "externalid") return setString(v, at, g.external_id, "externalId", false);
  if (name == "members") {
    RefList refs;
    for (const auto& m : g.members)
      refs.ids.push_back(m.id), refs.types.push_back(m.is_group ? "Group" : "User");
    if (auto e = editRefs(op, path, value, at, refs, "members"); !e.ok()) return e;
    g.members.clear();
    for (std::size_t i = 0; i < refs.ids.size(); ++i)
      g.members.push_back({refs.ids[i], refs.types[i] == "Group"});
    return {};
  }
  if (name == "entitlements") {
    RefList refs = entitlementRefs(g.entitlements);
    if (auto e = editRefs(op, path, value, at, refs, "entitlements"); !e.ok()) return e;
    g.entitlements = std::move(refs.ids);
    return {};
  }
  if (name == "id" || name == "meta")
    return fail("mutability", "attribute \"" + name + "\" cannot be modified");
  return fail("invalidPath", "attribute \"" + name + "\" is not supported on Group");
}

// Finds the operation's member `key`; a wrong type is refused with `scim_type`.
const json* operationMember(const json& operation, const std::string& at, const char* key,
                            bool (json::*is)() const noexcept, const char* want,
                            const char* scim_type, PatchError& error) {
  const auto it = operation.find(key);
  if (it == operation.end()) return nullptr;
  if (!((*it).*is)()) {
    error = fail(scim_type, mustBe(at + "/" + key, want, *it));
    return nullptr;
  }
  return &*it;
}

template <typename Resource, typename Apply>
PatchError applyOperation(const json& operation, const std::string& at, Resource& resource,
                          Apply apply) {
  // The PatchOp envelope (op, path) is the request's syntax; values are the
  // attributes' (RFC 7644 §3.5.2, §3.12).
  if (!operation.is_object()) return fail("invalidSyntax", mustBe(at, "an object", operation));
  PatchError error;
  const json* op_value =
      operationMember(operation, at, "op", &json::is_string, "a string", "invalidSyntax", error);
  if (!error.ok()) return error;
  if (op_value == nullptr) return fail("invalidSyntax", at + "/op: is required");
  const std::string& op_text = op_value->get_ref<const std::string&>();
  const std::string op_name = lower(op_text);
  if (op_name != "add" && op_name != "remove" && op_name != "replace") {
    return fail("invalidSyntax",
                at + "/op: must be add, remove or replace, got " +
                    op_value->dump(-1, ' ', false, json::error_handler_t::replace));
  }
  const Op op = op_name == "add" ? Op::Add : op_name == "remove" ? Op::Remove : Op::Replace;
  const auto value_it = operation.find("value");
  const json* value = value_it == operation.end() ? nullptr : &*value_it;
  const std::string value_at = at + "/value";
  const json* path_value =
      operationMember(operation, at, "path", &json::is_string, "a string", "invalidPath", error);
  if (!error.ok()) return error;
  if (path_value == nullptr) {
    if (op == Op::Remove) return fail("noTarget", "remove needs a path");
    // No path: the value is an object of attributes (as Azure AD sends).
    if (value == nullptr) return fail("invalidValue", value_at + ": is required without a path");
    if (!value->is_object())
      return fail("invalidValue", mustBe(value_at, "an object without a path", *value));
    for (const auto& [key, item] : value->items()) {
      if (auto e = apply(op, lower(key), nullptr, &item, memberPointer(value_at, key), resource);
          !e.ok())
        return e;
    }
    return {};
  }
  PatchPathParse parsed = parsePatchPath(path_value->get<std::string>());
  if (!parsed.path) return fail("invalidPath", parsed.error);
  std::string name = parsed.path->attribute.name;
  if (!parsed.path->sub_attribute.empty() && name != "emails")
    return fail("invalidPath", "sub-attribute paths are supported on emails only");
  return apply(op, name, &*parsed.path, value, value_at, resource);
}

template <typename Resource, typename Apply>
PatchError applyPatch(const json& body, Resource& resource, Apply apply) {
  if (!body.is_object()) return fail("invalidSyntax", mustBe("", "a PatchOp object", body));
  const auto operations = body.find("Operations");
  if (operations == body.end()) return fail("invalidSyntax", "/Operations: is required");
  if (!operations->is_array())
    return fail("invalidSyntax", mustBe("/Operations", "an array", *operations));
  // RFC 7644 §3.5.2: the body carries the PatchOp schema URI. A strict server
  // refuses one without it, and a connector must work against strict servers.
  const auto schemas = body.find("schemas");
  if (schemas == body.end() || !schemas->is_array() ||
      std::find(schemas->begin(), schemas->end(), json(kPatchOpSchema)) == schemas->end()) {
    return fail("invalidSyntax", "/schemas: must list \"" + std::string(kPatchOpSchema) +
                                     "\" (RFC 7644 section 3.5.2)");
  }
  for (std::size_t i = 0; i < operations->size(); ++i) {
    const std::string at = "/Operations/" + std::to_string(i);
    if (auto e = applyOperation((*operations)[i], at, resource, apply); !e.ok()) return e;
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
