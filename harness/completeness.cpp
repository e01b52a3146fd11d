#include "harness/completeness.h"

#include <algorithm>
#include <map>
#include <set>

namespace faultline::harness {
namespace {

using mocks::TenantState;

// Canonical attributes of one record, as text, for comparing like with like.
using Truth = std::map<std::string, std::string>;  // id/key -> canonical attributes

std::string yes(bool b) {
  return b ? "true" : "false";
}

std::string accountAttrs(const std::string& user_name, const std::string& display_name, bool active,
                         const std::string& type, bool privileged) {
  return "userName=" + user_name + " displayName=" + display_name + " active=" + yes(active) +
         " accountType=" + type + " privileged=" + yes(privileged);
}

struct TruthSets {
  Truth accounts, groups, entitlements, grants, credentials;
};

TruthSets truthOf(const TenantState& s) {
  TruthSets t;
  for (const auto& a : s.accounts) {
    t.accounts[a.id] =
        accountAttrs(a.user_name, a.display_name, a.active,
                     a.type == mocks::AccountType::Service ? "service" : "human", a.privileged);
    for (const auto& e : a.entitlements) t.grants["entitlement|account|" + a.id + "|" + e] = "";
    for (const auto& c : a.credentials)
      t.credentials[c.id] = "owner=" + a.id + " active=" + yes(c.active);
  }
  for (const auto& g : s.groups) {
    t.groups[g.id] = "displayName=" + g.display_name;
    for (const auto& m : g.members) {
      t.grants[std::string("membership|") + (m.is_group ? "group|" : "account|") + m.id + "|" +
               g.id] = "";
    }
    for (const auto& e : g.entitlements) t.grants["entitlement|group|" + g.id + "|" + e] = "";
  }
  for (const auto& e : s.entitlements) {
    t.entitlements[e.id] = "displayName=" + e.display_name + " privileged=" + yes(e.privileged);
  }
  return t;
}

struct Returned {
  std::string key;
  std::string attrs;
  std::size_t line;
};

reports::TypeScore scoreType(const std::string& type, const Truth& start, const Truth& end,
                             const std::vector<Returned>& returned,
                             std::vector<std::string>& examples) {
  reports::TypeScore score;
  score.type = type;
  std::set<std::string> seen;
  for (const auto& r : returned) {
    if (!seen.insert(r.key).second) {
      ++score.duplicates;
      continue;
    }
    const auto s = start.find(r.key);
    const auto e = end.find(r.key);
    if (s == start.end() && e == end.end()) {
      if (score.phantom.size() < kMaxListedIds) score.phantom.push_back(r.key);
      ++score.phantom_total;
      continue;
    }
    const bool attrs_ok =
        (s != start.end() && s->second == r.attrs) || (e != end.end() && e->second == r.attrs);
    if (!attrs_ok) {
      ++score.attribute_mismatches;
      if (examples.size() < 10) {
        examples.push_back(type + " " + r.key + " (stdout line " + std::to_string(r.line) +
                           "): got \"" + r.attrs + "\", truth \"" +
                           (e != end.end() ? e->second : s->second) + "\"");
      }
    }
  }
  score.returned = seen.size();
  for (const auto& [key, attrs] : start) {
    if (end.count(key) == 0) continue;  // gone mid-window: neither expected nor phantom
    ++score.expected;
    if (seen.count(key) != 0) {
      ++score.matched;
    } else {
      if (score.missing.size() < kMaxListedIds) score.missing.push_back(key);
      ++score.missing_total;
    }
  }
  score.recall = score.expected == 0
                     ? 1.0
                     : static_cast<double>(score.matched) / static_cast<double>(score.expected);
  const std::size_t judged = score.returned;
  score.precision =
      judged == 0 ? 1.0
                  : static_cast<double>(judged - score.phantom_total) / static_cast<double>(judged);
  return score;
}

void checkReferences(const ConnectorOutput& out, CompletenessScore& score) {
  std::set<std::string> accounts, groups, entitlements;
  for (const auto& a : out.accounts) accounts.insert(a.id);
  for (const auto& g : out.groups) groups.insert(g.id);
  for (const auto& e : out.entitlements) entitlements.insert(e.id);
  auto dangling = [&](std::size_t line, const std::string& what, const std::string& id) {
    ++score.dangling_total;
    if (score.dangling.size() < kMaxListedIds) {
      score.dangling.push_back("stdout line " + std::to_string(line) + ": " + what + " " + id +
                               " was not returned");
    }
  };
  for (const auto& g : out.grants) {
    const auto& principals = g.principal_type == "account" ? accounts : groups;
    if (principals.count(g.principal) == 0) dangling(g.line, g.principal_type, g.principal);
    const auto& targets = g.kind == "membership" ? groups : entitlements;
    if (targets.count(g.target) == 0)
      dangling(g.line, g.kind == "membership" ? "group" : "entitlement", g.target);
  }
  for (const auto& c : out.credentials) {
    if (accounts.count(c.owner) == 0) dangling(c.line, "credential owner", c.owner);
  }
}

}  // namespace

bool CompletenessScore::complete() const {
  return std::all_of(types.begin(), types.end(),
                     [](const auto& t) { return t.missing_total == 0; });
}

bool CompletenessScore::exact() const {
  return complete() && dangling_total == 0 &&
         std::all_of(types.begin(), types.end(), [](const auto& t) {
           return t.phantom_total == 0 && t.duplicates == 0 && t.attribute_mismatches == 0;
         });
}

double CompletenessScore::minRecall() const {
  double r = 1.0;
  for (const auto& t : types) r = std::min(r, t.recall);
  return r;
}

CompletenessScore scoreCompleteness(const TenantState& at_start, const TenantState& at_end,
                                    const ConnectorOutput& out) {
  const TruthSets start = truthOf(at_start);
  const TruthSets end = truthOf(at_end);
  CompletenessScore score;
  std::vector<Returned> r;
  for (const auto& a : out.accounts) {
    r.push_back({a.id,
                 accountAttrs(a.user_name, a.display_name, a.active, a.account_type, a.privileged),
                 a.line});
  }
  score.types.push_back(
      scoreType("account", start.accounts, end.accounts, r, score.attribute_examples));
  r.clear();
  for (const auto& g : out.groups) r.push_back({g.id, "displayName=" + g.display_name, g.line});
  score.types.push_back(scoreType("group", start.groups, end.groups, r, score.attribute_examples));
  r.clear();
  for (const auto& e : out.entitlements) {
    r.push_back(
        {e.id, "displayName=" + e.display_name + " privileged=" + yes(e.privileged), e.line});
  }
  score.types.push_back(
      scoreType("entitlement", start.entitlements, end.entitlements, r, score.attribute_examples));
  r.clear();
  for (const auto& g : out.grants) r.push_back({g.key(), "", g.line});
  score.types.push_back(scoreType("grant", start.grants, end.grants, r, score.attribute_examples));
  r.clear();
  for (const auto& c : out.credentials)
    r.push_back({c.id, "owner=" + c.owner + " active=" + yes(c.active), c.line});
  score.types.push_back(
      scoreType("credential", start.credentials, end.credentials, r, score.attribute_examples));
  checkReferences(out, score);
  return score;
}

}  // namespace faultline::harness
