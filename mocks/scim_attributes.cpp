#include "mocks/scim_attributes.h"

#include <algorithm>
#include <memory>
#include <set>

#include "mocks/scim_filter.h"
#include "mocks/scim_resources.h"

namespace faultline::mocks {
namespace {

const std::set<std::string>& filterable(const std::string& resource) {
  static const std::set<std::string> kUsers = {"id",
                                               "username",
                                               "displayname",
                                               "externalid",
                                               "active",
                                               "emails",
                                               "emails.value",
                                               "emails.type",
                                               "emails.primary",
                                               "name.givenname",
                                               "name.familyname",
                                               "accounttype",
                                               "privileged",
                                               "entitlements",
                                               "entitlements.value",
                                               "groups",
                                               "groups.value",
                                               "meta.lastmodified",
                                               "meta.created"};
  static const std::set<std::string> kGroups = {
      "id",           "displayname",       "externalid",  "members", "members.value",
      "members.type", "meta.lastmodified", "meta.created"};
  static const std::set<std::string> kEntitlements = {"id", "displayname", "privileged"};
  return resource == "Users" ? kUsers : resource == "Groups" ? kGroups : kEntitlements;
}

AttributeValue text(const std::string& s, bool case_exact = false) {
  return {s, case_exact};
}

// Exposes one resource to the filter evaluator. Element sources for
// multi-valued attributes are built on demand and owned here.
class ResourceSource final : public AttributeSource {
 public:
  ResourceSource(const TenantState& state, const Account* account, const Group* group,
                 const Entitlement* ent)
      : state_(state), account_(account), group_(group), entitlement_(ent) {}

  std::vector<AttributeValue> values(std::string_view path) const override {
    if (account_ != nullptr) return accountValues(*account_, path);
    if (group_ != nullptr) return groupValues(*group_, path);
    return entitlementValues(*entitlement_, path);
  }

  std::vector<const AttributeSource*> elements(std::string_view path) const override {
    std::vector<const AttributeSource*> out;
    auto add = [&](const std::string& value, const std::string& type) {
      auto e = std::make_unique<MapAttributeSource>();
      e->add("value", value, true);
      if (!type.empty()) e->add("type", type);
      out.push_back(e.get());
      owned_.push_back(std::move(e));
    };
    if (account_ != nullptr && path == "emails") {
      // Unlike ids, addresses compare without case (caseExact false in /Schemas).
      for (const auto& email : account_->emails) {
        auto e = std::make_unique<MapAttributeSource>();
        e->add("value", email.value);
        if (!email.type.empty()) e->add("type", email.type);
        e->add("primary", email.primary);
        out.push_back(e.get());
        owned_.push_back(std::move(e));
      }
    }
    if (account_ != nullptr && path == "entitlements") {
      for (const auto& e : account_->entitlements) add(e, "");
    }
    if (account_ != nullptr && path == "groups") {
      if (auto it = state_.member_of.find(account_->id); it != state_.member_of.end()) {
        for (const auto& g : it->second) add(g, "direct");
      }
    }
    if (group_ != nullptr && path == "members") {
      for (const auto& m : group_->members) add(m.id, m.is_group ? "Group" : "User");
    }
    return out;
  }

 private:
  static std::vector<AttributeValue> accountValues(const Account& a, std::string_view path) {
    if (path == "id") return {text(a.id, true)};
    if (path == "username") return {text(a.user_name)};
    if (path == "displayname") return {text(a.display_name)};
    if (path == "externalid") return {text(a.external_id, true)};
    if (path == "active") return {{a.active, false}};
    if (path == "privileged") return {{a.privileged, false}};
    if (path == "accounttype") return {text(a.type == AccountType::Service ? "service" : "human")};
    if (path == "name.givenname") return {text(a.given_name)};
    if (path == "name.familyname") return {text(a.family_name)};
    if (path == "meta.lastmodified") return {text(a.last_modified)};
    if (path == "meta.created") return {text(a.created)};
    return {};
  }
  static std::vector<AttributeValue> groupValues(const Group& g, std::string_view path) {
    if (path == "id") return {text(g.id, true)};
    if (path == "displayname") return {text(g.display_name)};
    if (path == "externalid") return {text(g.external_id, true)};
    if (path == "meta.lastmodified") return {text(g.last_modified)};
    if (path == "meta.created") return {text(g.created)};
    return {};
  }
  static std::vector<AttributeValue> entitlementValues(const Entitlement& e,
                                                       std::string_view path) {
    if (path == "id") return {text(e.id, true)};
    if (path == "displayname") return {text(e.display_name)};
    if (path == "privileged") return {{e.privileged, false}};
    return {};
  }

  const TenantState& state_;
  const Account* account_;
  const Group* group_;
  const Entitlement* entitlement_;
  mutable std::vector<std::unique_ptr<MapAttributeSource>> owned_;
};

ResourceSource sourceAt(const TenantState& state, const std::string& resource, std::size_t i) {
  if (resource == "Users") return {state, &state.accounts[i], nullptr, nullptr};
  if (resource == "Groups") return {state, nullptr, &state.groups[i], nullptr};
  return {state, nullptr, nullptr, &state.entitlements[i]};
}

// `id eq "x"` and `userName eq "x"` are how connectors look one record up;
// answering them from the index keeps read-backs O(1) on large tenants.
std::optional<std::vector<std::size_t>> indexedLookup(const TenantState& state,
                                                      const std::string& resource,
                                                      const Filter& filter) {
  const auto eq = filter.asSimpleEquality();
  if (!eq) return std::nullopt;
  const std::unordered_map<std::string, std::size_t>* index = nullptr;
  std::string key = eq->value;
  if (eq->attribute.name == "id") {
    index = resource == "Users"    ? &state.account_index
            : resource == "Groups" ? &state.group_index
                                   : &state.entitlement_index;
  } else if (eq->attribute.name == "username" && resource == "Users") {
    index = &state.user_name_index;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return std::tolower(c); });
  }
  if (index == nullptr) return std::nullopt;
  auto it = index->find(key);
  if (it == index->end()) return std::vector<std::size_t>{};
  return std::vector<std::size_t>{it->second};
}

}  // namespace

std::size_t resourceCount(const TenantState& state, const std::string& resource) {
  if (resource == "Users") return state.accounts.size();
  if (resource == "Groups") return state.groups.size();
  return state.entitlements.size();
}

std::string unknownFilterAttribute(const std::string& resource, const Filter& filter) {
  const auto& allowed = filterable(resource);
  for (const auto& path : filter.attributePaths()) {
    if (allowed.count(path.name) == 0) return path.spelling;
  }
  return "";
}

std::vector<std::size_t> matchingIndexes(const TenantState& state, const std::string& resource,
                                         const Filter* filter) {
  const std::size_t n = resourceCount(state, resource);
  std::vector<std::size_t> out;
  if (filter == nullptr) {
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = i;
    return out;
  }
  if (auto hit = indexedLookup(state, resource, *filter)) return *hit;
  for (std::size_t i = 0; i < n; ++i) {
    if (filter->matches(sourceAt(state, resource, i))) out.push_back(i);
  }
  return out;
}

void writeResource(std::string& out, const TenantState& state, const std::string& resource,
                   std::size_t i, const std::string& base) {
  if (resource == "Users") {
    writeUser(out, state, state.accounts[i], base);
  } else if (resource == "Groups") {
    writeGroup(out, state, state.groups[i], base);
  } else {
    writeEntitlement(out, state.entitlements[i], base);
  }
}

void writeResourceById(std::string& out, const TenantState& state, const std::string& resource,
                       const std::string& id, const std::string& base) {
  const auto& index = resource == "Users"    ? state.account_index
                      : resource == "Groups" ? state.group_index
                                             : state.entitlement_index;
  if (auto it = index.find(id); it != index.end())
    writeResource(out, state, resource, it->second, base);
}

std::optional<std::uint64_t> resourceVersion(const TenantState& state, const std::string& resource,
                                             const std::string& id) {
  if (resource == "Users") {
    if (const auto* a = state.findAccount(id)) return a->version;
  } else if (resource == "Groups") {
    if (const auto* g = state.findGroup(id)) return g->version;
  } else if (const auto* e = state.findEntitlement(id)) {
    return e->version;
  }
  return std::nullopt;
}

std::string resourceSingular(const std::string& resource) {
  return resource == "Users" ? "User" : resource == "Groups" ? "Group" : "Entitlement";
}

}  // namespace faultline::mocks
