#include "harness/revocation.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "mocks/seeded_rng.h"

namespace faultline::harness {
namespace {

using mocks::AccountType;
using mocks::TenantState;

int tierOf(const mocks::Account& a) {
  const bool nhi = a.type == AccountType::Service;
  if (a.privileged && nhi) return 0;
  if (a.privileged) return 1;
  if (nhi) return 2;
  return 3;
}

// Groups an account or group reaches through "is a member of", nearest
// first, with the direct group each was reached through. The member_of index
// makes this a walk over parents, not a scan of every group.
std::vector<std::pair<std::string, std::string>> reachedGroups(const TenantState& state,
                                                               const std::string& id) {
  std::vector<std::pair<std::string, std::string>> out;  // (group, via direct group)
  std::set<std::string> seen;
  const auto direct = state.member_of.find(id);
  if (direct == state.member_of.end()) return out;
  for (const auto& g : direct->second) {
    if (seen.insert(g).second) out.emplace_back(g, g);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto parents = state.member_of.find(out[i].first);
    if (parents == state.member_of.end()) continue;
    for (const auto& p : parents->second) {
      if (seen.insert(p).second) out.emplace_back(p, out[i].second);
    }
  }
  return out;
}

// A group (other than through the action's own direct grant) that gives the
// account `entitlement`; "" when none.
std::string inheritedFrom(const TenantState& state, const std::string& account,
                          const std::string& entitlement) {
  for (const auto& [group, via] : reachedGroups(state, account)) {
    const mocks::Group* g = state.findGroup(group);
    if (g != nullptr &&
        std::binary_search(g->entitlements.begin(), g->entitlements.end(), entitlement))
      return group;
  }
  return "";
}

// A direct group of the account nested (at any depth) inside `group`; "" when none.
std::string nestedPathInto(const TenantState& state, const std::string& account,
                           const std::string& group) {
  const auto direct = state.member_of.find(account);
  if (direct == state.member_of.end()) return "";
  for (const auto& d : direct->second) {
    if (d == group) continue;
    for (const auto& [reached, via] : reachedGroups(state, d)) {
      if (reached == group) return d;
    }
  }
  return "";
}

struct Candidate {
  int tier;
  std::uint64_t order;
  RevokeAction action;
};

void take(std::vector<Candidate> candidates, int count, std::set<std::string>& used,
          std::vector<RevokeAction>& out) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.tier != b.tier ? a.tier < b.tier : a.order < b.order;
  });
  for (auto& c : candidates) {
    if (count == 0) break;
    if (!used.insert(c.action.account).second) continue;
    out.push_back(std::move(c.action));
    --count;
  }
}

}  // namespace

std::vector<RevokeAction> selectRevokeActions(const TenantState& state,
                                              const scenarios::RevokeSpec& spec, std::uint64_t seed,
                                              int operation_index) {
  mocks::SeededRng rng(mocks::mix64(seed ^ mocks::hashString("revoke") ^
                                    static_cast<std::uint64_t>(operation_index)));
  std::map<std::string, std::vector<std::string>> groups_of;
  for (const auto& g : state.groups) {
    for (const auto& m : g.members) {
      if (!m.is_group) groups_of[m.id].push_back(g.id);
    }
  }
  // A plain action names the only path to the access, so a connector that
  // does what it was asked can remove it. An inherited one names an
  // entitlement the account also holds through a group.
  std::vector<Candidate> deprovision, memberships, entitlements, inherited;
  for (const auto& a : state.accounts) {
    auto make = [&](const char* kind, const std::string& target) {
      return Candidate{tierOf(a),
                       rng.next(),
                       {"", kind, a.id, target, a.privileged, a.type == AccountType::Service}};
    };
    if (a.active) deprovision.push_back(make("deprovision", ""));
    for (const auto& g : groups_of[a.id]) {
      if (nestedPathInto(state, a.id, g).empty())
        memberships.push_back(make("remove_membership", g));
    }
    for (const auto& e : a.entitlements) {
      (inheritedFrom(state, a.id, e).empty() ? entitlements : inherited)
          .push_back(make("remove_entitlement", e));
    }
  }
  std::set<std::string> used;
  std::vector<RevokeAction> out;
  take(std::move(deprovision), spec.deprovision, used, out);
  take(std::move(memberships), spec.remove_memberships, used, out);
  take(std::move(entitlements), spec.remove_entitlements, used, out);
  take(std::move(inherited), spec.inherited_entitlements, used, out);
  for (std::size_t i = 0; i < out.size(); ++i) out[i].id = "act-" + std::to_string(i + 1);
  return out;
}

std::string encodeActions(const std::vector<RevokeAction>& actions) {
  std::string out;
  for (const auto& a : actions) {
    nlohmann::json j = {
        {"type", "action"}, {"id", a.id}, {"action", a.action}, {"account", a.account}};
    if (a.action == "remove_membership") j["group"] = a.target;
    if (a.action == "remove_entitlement") j["entitlement"] = a.target;
    out += j.dump() + "\n";
  }
  return out;
}

std::string remainingAccess(const TenantState& state, const RevokeAction& action) {
  const mocks::Account* account = state.findAccount(action.account);
  if (account == nullptr) return "";
  if (action.action == "deprovision") {
    const auto live = std::count_if(account->credentials.begin(), account->credentials.end(),
                                    [](const auto& c) { return c.active; });
    std::string out = account->active ? "the account is active" : "";
    if (live > 0) out += (out.empty() ? "" : "; ") + std::to_string(live) + " API key(s) live";
    return out;
  }
  if (action.action == "remove_entitlement") {
    if (std::binary_search(account->entitlements.begin(), account->entitlements.end(),
                           action.target))
      return "held directly";
    const std::string group = inheritedFrom(state, action.account, action.target);
    return group.empty() ? "" : "held through group " + group;
  }
  const mocks::Group* group = state.findGroup(action.target);
  if (group == nullptr) return "";
  if (std::binary_search(group->members.begin(), group->members.end(),
                         mocks::Member{action.account, false}))
    return "a direct member";
  const std::string via = nestedPathInto(state, action.account, action.target);
  return via.empty() ? "" : "a member through nested group " + via;
}

bool isApplied(const TenantState& state, const RevokeAction& action) {
  return remainingAccess(state, action).empty();
}

std::vector<reports::RevocationOutcome> judgeRevocations(const std::vector<RevokeAction>& actions,
                                                         const ConnectorOutput& output,
                                                         const TenantState& after,
                                                         const TenantState& settled) {
  std::map<std::string, const ResultRecord*> claims;
  for (const auto& r : output.results) claims[r.id] = &r;
  std::vector<reports::RevocationOutcome> out;
  for (const auto& a : actions) {
    reports::RevocationOutcome o;
    o.action_id = a.id;
    o.action = a.action;
    o.account = a.account;
    o.target = a.target;
    o.privileged = a.privileged;
    o.non_human = a.non_human;
    o.applied_at_exit = isApplied(after, a);
    o.remaining = remainingAccess(settled, a);
    o.applied = o.remaining.empty();
    // A change between exit and settle: a revert, or a delayed apply landing.
    if (o.applied_at_exit && !o.applied) o.remaining += " (came back after the connector finished)";
    auto it = claims.find(a.id);
    o.claimed = it == claims.end() ? "missing" : it->second->outcome;
    o.detail = it == claims.end() ? "" : it->second->detail;
    if (o.claimed == "confirmed") {
      o.outcome = o.applied ? "confirmed" : "false-confirmation";
    } else if (o.claimed == "missing") {
      o.outcome = "unreported";
    } else if (!o.applied) {
      // Access the action did not name (a group's grant) is beyond what the
      // connector was asked to change: saying so is the most it can do.
      const bool only_inherited = o.remaining.find(" through ") != std::string::npos;
      o.outcome = only_inherited ? "inherited-remains" : "honest-failure";
    } else {
      o.outcome = o.claimed == "failed" ? "false-alarm" : "unconfirmed-applied";
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace faultline::harness
