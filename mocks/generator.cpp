#include "mocks/generator.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "mocks/seeded_rng.h"

namespace faultline::mocks {
namespace {

constexpr std::array kGivenNames = {"Ada",       "Grace",  "Alan",    "Edsger",  "Barbara",
                                    "Ken",       "Dennis", "Frances", "John",    "Margaret",
                                    "Radia",     "Leslie", "Tony",    "Niklaus", "Shafi",
                                    "Whitfield", "Sophie", "Chidi",   "Ines",    "Mateus"};
constexpr std::array kFamilyNames = {"Lovelace", "Hopper",  "Turing", "Dijkstra", "Liskov",
                                     "Thompson", "Ritchie", "Allen",  "Backus",   "Hamilton",
                                     "Perlman",  "Lamport", "Hoare",  "Wirth",    "Goldwasser",
                                     "Diffie",   "Wilson",  "Okafor", "Moreno",   "Silva"};
constexpr std::array kSystems = {"aws-prod", "github",  "salesforce",  "snowflake",
                                 "jira",     "vault",   "gcp-billing", "okta-admin",
                                 "datadog",  "workday", "stripe",      "k8s-prod"};
constexpr std::array kRoles = {"read", "write", "admin", "owner", "deploy", "billing"};
constexpr std::array kDepartments = {"eng",      "sales", "finance", "ops",
                                     "security", "hr",    "support", "data"};

std::string nextUuid(SeededRng& rng) {
  const std::uint64_t hi = rng.next();
  return formatUuid(hi, rng.next());
}

std::vector<Entitlement> makeEntitlements(const scenarios::TenantSpec& spec, SeededRng& rng,
                                          const std::string& created) {
  std::vector<Entitlement> out;
  for (int i = 0; i < spec.entitlements; ++i) {
    Entitlement e;
    e.id = nextUuid(rng);
    const std::string system = kSystems[static_cast<std::size_t>(i) % kSystems.size()];
    const std::string role =
        kRoles[(static_cast<std::size_t>(i) / kSystems.size()) % kRoles.size()];
    e.display_name =
        system + ":" + role +
        (i >= static_cast<int>(kSystems.size() * kRoles.size()) ? "-" + std::to_string(i) : "");
    e.privileged = role == "admin" || role == "owner" || rng.chance(spec.privileged_share);
    e.description = "Grants " + role + " on " + system;
    e.created = created;
    out.push_back(std::move(e));
  }
  return out;
}

// Groups sit on nesting levels 0..depth-1; every group below the top level is
// a member of one group on the level above, so the deepest chain is `depth`.
std::vector<Group> makeGroups(const scenarios::TenantSpec& spec, SeededRng& rng,
                              const std::vector<Entitlement>& ents, const std::string& created,
                              std::vector<int>& level_of) {
  std::vector<Group> out;
  for (int i = 0; i < spec.groups; ++i) {
    Group g;
    g.id = nextUuid(rng);
    g.external_id = "grp-" + std::to_string(1000 + i);
    const int level = i < spec.nesting_depth ? i : static_cast<int>(rng.below(spec.nesting_depth));
    level_of.push_back(level);
    g.display_name = std::string(kDepartments[static_cast<std::size_t>(i) % kDepartments.size()]) +
                     "-L" + std::to_string(level) + "-" + std::to_string(i);
    const int grants = 1 + static_cast<int>(rng.below(2));
    for (int k = 0; k < grants; ++k) g.entitlements.push_back(ents[rng.below(ents.size())].id);
    std::sort(g.entitlements.begin(), g.entitlements.end());
    g.entitlements.erase(std::unique(g.entitlements.begin(), g.entitlements.end()),
                         g.entitlements.end());
    g.created = g.last_modified = created;
    out.push_back(std::move(g));
  }
  for (int i = 0; i < spec.groups; ++i) {
    if (level_of[i] == 0) continue;
    std::vector<int> parents;
    for (int j = 0; j < spec.groups; ++j) {
      if (level_of[j] == level_of[i] - 1) parents.push_back(j);
    }
    const int parent = parents[rng.below(parents.size())];
    out[parent].members.push_back({out[i].id, true});
  }
  return out;
}

Account makeAccount(const scenarios::TenantSpec& spec, SeededRng& rng, int i, std::int64_t epoch) {
  Account a;
  a.id = nextUuid(rng);
  a.external_id = "emp-" + std::to_string(100000 + i);
  a.type = rng.chance(spec.nhi_share) ? AccountType::Service : AccountType::Human;
  a.privileged = rng.chance(spec.privileged_share);
  a.active = !rng.chance(spec.inactive_share);
  if (a.type == AccountType::Human) {
    a.given_name = kGivenNames[rng.below(kGivenNames.size())];
    a.family_name = kFamilyNames[rng.below(kFamilyNames.size())];
    std::string base = a.given_name + "." + a.family_name + std::to_string(i);
    std::transform(base.begin(), base.end(), base.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    a.user_name = base + "@example.test";
    a.display_name = a.given_name + " " + a.family_name;
  } else {
    a.external_id = "svc-" + std::to_string(100000 + i);
    a.user_name =
        "svc-" + std::string(kSystems[rng.below(kSystems.size())]) + "-" + std::to_string(i);
    a.display_name = "Service account " + a.user_name;
    for (int k = 0; k < spec.api_keys_per_nhi; ++k) {
      Credential c;
      c.id = "key-" + nextUuid(rng).substr(0, 18);
      c.expires = formatRfc3339(epoch + 86400 * (30 + static_cast<std::int64_t>(rng.below(365))));
      // A disabled account's keys are dead too (the target's own rule).
      c.active = a.active;
      a.credentials.push_back(std::move(c));
    }
  }
  a.emails = {
      {a.user_name.find('@') == std::string::npos ? a.user_name + "@svc.example.test" : a.user_name,
       "work", true}};
  return a;
}

}  // namespace

TenantState generateTenant(const scenarios::TenantSpec& spec, std::uint64_t seed) {
  SeededRng rng(mix64(seed ^ 0x7465'6e61'6e74ULL));
  TenantState state;
  state.id_salt = rng.next();
  const std::string created = formatRfc3339(state.epoch_seconds - 86400 * 90);
  state.entitlements = makeEntitlements(spec, rng, created);
  std::vector<int> level_of;
  state.groups = makeGroups(spec, rng, state.entitlements, created, level_of);
  for (int i = 0; i < spec.accounts; ++i) {
    Account a = makeAccount(spec, rng, i, state.epoch_seconds);
    a.created = a.last_modified = created;
    const int memberships = static_cast<int>(rng.below(spec.max_groups_per_account + 1));
    for (int k = 0; k < memberships; ++k) {
      state.groups[rng.below(state.groups.size())].members.push_back({a.id, false});
    }
    const int direct = static_cast<int>(rng.below(3));
    for (int k = 0; k < direct; ++k)
      a.entitlements.push_back(state.entitlements[rng.below(state.entitlements.size())].id);
    std::sort(a.entitlements.begin(), a.entitlements.end());
    a.entitlements.erase(std::unique(a.entitlements.begin(), a.entitlements.end()),
                         a.entitlements.end());
    state.accounts.push_back(std::move(a));
  }
  for (auto& g : state.groups) {
    std::sort(g.members.begin(), g.members.end());
    g.members.erase(std::unique(g.members.begin(), g.members.end()), g.members.end());
  }
  state.reindex();
  return state;
}

std::string tenantToJson(const TenantState& state) {
  using nlohmann::json;
  json out = json::object();
  json& accounts = out["accounts"] = json::array();
  for (const auto& a : state.accounts) {
    json creds = json::array();
    for (const auto& c : a.credentials) {
      creds.push_back(
          {{"id", c.id}, {"kind", c.kind}, {"expires", c.expires}, {"active", c.active}});
    }
    accounts.push_back({{"id", a.id},
                        {"externalId", a.external_id},
                        {"userName", a.user_name},
                        {"displayName", a.display_name},
                        {"email", a.emails.empty() ? "" : a.emails.front().value},
                        {"accountType", a.type == AccountType::Service ? "service" : "human"},
                        {"privileged", a.privileged},
                        {"active", a.active},
                        {"entitlements", a.entitlements},
                        {"credentials", creds},
                        {"version", a.version}});
  }
  json& groups = out["groups"] = json::array();
  for (const auto& g : state.groups) {
    json members = json::array();
    for (const auto& m : g.members)
      members.push_back({{"id", m.id}, {"type", m.is_group ? "Group" : "User"}});
    groups.push_back({{"id", g.id},
                      {"externalId", g.external_id},
                      {"displayName", g.display_name},
                      {"members", members},
                      {"entitlements", g.entitlements},
                      {"version", g.version}});
  }
  json& ents = out["entitlements"] = json::array();
  for (const auto& e : state.entitlements) {
    ents.push_back({{"id", e.id}, {"displayName", e.display_name}, {"privileged", e.privileged}});
  }
  return out.dump(1);
}

}  // namespace faultline::mocks
