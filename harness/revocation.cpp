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
  std::vector<Candidate> deprovision, memberships, entitlements;
  for (const auto& a : state.accounts) {
    auto make = [&](const char* kind, const std::string& target) {
      return Candidate{tierOf(a),
                       rng.next(),
                       {"", kind, a.id, target, a.privileged, a.type == AccountType::Service}};
    };
    if (a.active) deprovision.push_back(make("deprovision", ""));
    for (const auto& g : groups_of[a.id]) memberships.push_back(make("remove_membership", g));
    for (const auto& e : a.entitlements) entitlements.push_back(make("remove_entitlement", e));
  }
  std::set<std::string> used;
  std::vector<RevokeAction> out;
  take(std::move(deprovision), spec.deprovision, used, out);
  take(std::move(memberships), spec.remove_memberships, used, out);
  take(std::move(entitlements), spec.remove_entitlements, used, out);
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

bool isApplied(const TenantState& state, const RevokeAction& action) {
  const mocks::Account* account = state.findAccount(action.account);
  if (account == nullptr) return true;
  if (action.action == "deprovision") {
    return !account->active &&
           std::none_of(account->credentials.begin(), account->credentials.end(),
                        [](const auto& c) { return c.active; });
  }
  if (action.action == "remove_entitlement") {
    return !std::binary_search(account->entitlements.begin(), account->entitlements.end(),
                               action.target);
  }
  const mocks::Group* group = state.findGroup(action.target);
  return group == nullptr || !std::binary_search(group->members.begin(), group->members.end(),
                                                 mocks::Member{action.account, false});
}

std::vector<reports::RevocationOutcome> judgeRevocations(const std::vector<RevokeAction>& actions,
                                                         const ConnectorOutput& output,
                                                         const TenantState& after) {
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
    o.applied = isApplied(after, a);
    auto it = claims.find(a.id);
    o.claimed = it == claims.end() ? "missing" : it->second->outcome;
    o.detail = it == claims.end() ? "" : it->second->detail;
    if (o.claimed == "confirmed") {
      o.outcome = o.applied ? "confirmed" : "false-confirmation";
    } else if (o.claimed == "missing") {
      o.outcome = "unreported";
    } else if (!o.applied) {
      o.outcome = "honest-failure";
    } else {
      o.outcome = o.claimed == "failed" ? "false-alarm" : "unconfirmed-applied";
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace faultline::harness
