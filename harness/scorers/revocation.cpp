#include "harness/scorers/revocation.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "harness/evidence.h"
#include "harness/scorers/behaviour.h"
#include "mocks/oauth_dialect.h"
#include "mocks/seeded_rng.h"
#include "reports/wording.h"

using faultline::reports::counted;

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

// ---- time to confirmation and read-back ------------------------------------

using mocks::JournalEntry;

// The harness reads a result line a moment after the connector printed it,
// and both clocks count whole milliseconds: a request that arrived within
// this of the line's time is taken as before it. In doubt, the connector
// gets the benefit: read-back-missing must not be raised on a clock tie.
constexpr std::int64_t kOrderSlackMs = 1;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A resource an action changes: its reads and writes are the read-back's.
struct Subject {
  std::string resource;  // the journal's resource: Users, Groups
  std::string id;        // lower case: a read-back may spell the id in any case
};

// The account's User for every kind; for a membership also the Group (either
// side shows the membership: the Group's members, the User's groups).
std::vector<Subject> subjectsOf(const reports::RevocationOutcome& o) {
  std::vector<Subject> out = {{"Users", lower(o.account)}};
  if (o.action == "remove_membership" && !o.target.empty())
    out.push_back({"Groups", lower(o.target)});
  return out;
}

// A request for one subject's own resource.
bool isItemOf(const JournalEntry& e, const std::vector<Subject>& subjects) {
  if (e.resource_id.empty()) return false;
  const std::string id = lower(e.resource_id);
  return std::any_of(subjects.begin(), subjects.end(), [&](const Subject& s) {
    return !s.id.empty() && e.resource == s.resource && id == s.id;
  });
}

// A list of Users or Groups whose query (a filter) names a subject.
bool isListNaming(const JournalEntry& e, const std::vector<Subject>& subjects) {
  if (e.query.empty() || e.request_kind != "list") return false;
  if (e.resource != "Users" && e.resource != "Groups") return false;
  const std::string query = lower(mocks::percentDecode(e.query, true));
  return std::any_of(subjects.begin(), subjects.end(), [&](const Subject& s) {
    return !s.id.empty() && query.find(s.id) != std::string::npos;
  });
}

bool isWriteTo(const JournalEntry& e, const std::vector<Subject>& subjects) {
  return e.request_kind == "write" && e.method != "POST" && isItemOf(e, subjects);
}

// A read that showed the subject: 2xx, or 404 for the resource itself (it is
// gone, which is what a deprovision by DELETE reads back), and not an answer
// a fault garbled, refused or falsified.
bool isReadBackOf(const JournalEntry& e, const std::vector<Subject>& subjects) {
  if ((e.request_kind != "read" && e.request_kind != "list") || answeredWithFault(e)) return false;
  const bool item = isItemOf(e, subjects);
  if (!item && !isListNaming(e, subjects)) return false;
  return (e.status >= 200 && e.status < 300) || (item && e.status == 404);
}

// Whether a read-back of the subjects follows the last write to them among
// the requests that arrived by `until` (drill clock). The journal is in
// arrival order, so a write resets and a later read sets.
bool readBackBy(const std::vector<JournalEntry>& journal, const std::vector<Subject>& subjects,
                std::int64_t until) {
  bool read = false;
  for (const auto& e : journal) {
    if (e.t_ms > until) continue;
    if (isWriteTo(e, subjects)) {
      read = false;
    } else if (isReadBackOf(e, subjects)) {
      read = true;
    }
  }
  return read;
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
    if (live > 0) out += (out.empty() ? "" : "; ") + counted(live, "API key") + " live";
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

void traceRevocations(const ConnectorOutput& output, const RevokeTrace& trace,
                      std::vector<reports::RevocationOutcome>& outcomes) {
  std::map<std::string, std::size_t> line_of;  // action id -> 1-based stdout line
  for (const auto& r : output.results) line_of[r.id] = r.line;
  for (auto& o : outcomes) {
    o.result_ms.reset();
    o.read_back = false;
    const auto it = line_of.find(o.action_id);
    if (it == line_of.end()) continue;
    // Without the line's time, any request of the operation may have come
    // before it: the connector has exited, so all of them came before its end.
    std::int64_t until = std::numeric_limits<std::int64_t>::max();
    if (trace.line_ms != nullptr && it->second >= 1 && it->second <= trace.line_ms->size()) {
      const std::int64_t printed = trace.connector_started_ms + (*trace.line_ms)[it->second - 1];
      o.result_ms = printed - trace.operation_started_ms;
      until = printed + kOrderSlackMs;
    }
    if (trace.journal != nullptr) o.read_back = readBackBy(*trace.journal, subjectsOf(o), until);
  }
}

void addReadBackFindings(const OperationEvidence& op,
                         const std::vector<reports::RevocationOutcome>& outcomes,
                         std::vector<reports::Finding>& out) {
  for (const auto& o : outcomes) {
    if (o.claimed != "confirmed" || o.read_back) continue;
    const auto subjects = subjectsOf(o);
    const std::string read =
        "User " + o.account + (o.action == "remove_membership" ? " or Group " + o.target : "");
    reports::Finding f = makeFinding(
        op, "read-back-missing", reports::Severity::Warning, "revocation.read_back",
        o.action + " " + o.action_id + " confirmed without reading the target back",
        o.account + (o.target.empty() ? "" : " / " + o.target) + ": no read of " + read +
            " after the last write to it and before the result line; a write answered 2xx is "
            "not proof that it applied");
    f.evidence.journal = journalEvidence(*op.journal, [&](const JournalEntry& e) {
      return isItemOf(e, subjects) || isListNaming(e, subjects);
    });
    for (const auto& r : op.output->results) {
      if (r.id != o.action_id || r.line == 0 || r.line > op.output->lines.size()) continue;
      f.evidence.connector_output.push_back(
          "stdout:" + std::to_string(r.line) + ": " +
          redactSecrets(op.output->lines[r.line - 1].substr(0, 400), op.secrets));
    }
    out.push_back(std::move(f));
  }
}

std::vector<std::string_view> RevocationScorer::findingIds() const {
  return {"false-confirmation",    "revocation-failed", "revocation-inherited",
          "revocation-unreported", "false-alarm",       "unconfirmed-applied",
          "read-back-missing"};
}

void RevocationScorer::score(const ScoringInput& input, ScoreSink& sink) {
  if (input.revocations == nullptr) return;
  const OperationEvidence& ev = *input.evidence;
  addRevocationFindings(ev, *input.revocations, sink.findings());
  // A lie the scored run also told is reported once, by the scored run.
  std::set<std::string> flagged;
  for (const auto& o : *input.revocations) {
    if (o.outcome == "false-confirmation") flagged.insert(o.action_id);
  }
  const int runs = static_cast<int>(input.killed->size()) + 1;
  for (std::size_t k = 0; k < input.killed->size(); ++k) {
    const KilledRun& run = (*input.killed)[k];
    const OperationEvidence killed{ev.label, run.process, &run.output, ev.journal, ev.secrets};
    addKilledRunClaimFindings(killed, static_cast<int>(k) + 1, runs, run.claims, flagged,
                              sink.findings());
  }
  addReadBackFindings(ev, *input.revocations, sink.findings());
}

}  // namespace faultline::harness
