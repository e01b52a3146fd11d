#include "reports/triage.h"

#include <algorithm>
#include <cctype>

namespace faultline::reports {
namespace {

const Identity* identityOf(const Report& r, const std::string& id) {
  const auto it = r.identities.find(id);
  return it == r.identities.end() ? nullptr : &it->second;
}

// The four parts of a grant key; empty when `key` is not one.
std::vector<std::string> grantParts(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (int i = 0; i < 3; ++i) {
    const std::size_t bar = key.find('|', from);
    if (bar == std::string::npos) return {};
    parts.push_back(key.substr(from, bar - from));
    from = bar + 1;
  }
  parts.push_back(key.substr(from));
  return parts;
}

// The identity ids one record names: a grant's principal and target, any
// other record itself.
std::vector<std::string> idsOfRecord(const std::string& type, const std::string& key) {
  if (type == "grant") {
    const auto parts = grantParts(key);
    if (parts.size() == 4) return {parts[2], parts[3]};
  }
  return {key};
}

// A character that can be part of an id, so that "u-1" is not found in "u-12".
bool idChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' ||
         c == '@';
}

bool mentions(const std::string& text, const std::string& id) {
  if (id.empty()) return false;
  for (auto at = text.find(id); at != std::string::npos; at = text.find(id, at + 1)) {
    const bool starts = at == 0 || !idChar(text[at - 1]);
    const std::size_t end = at + id.size();
    if (starts && (end == text.size() || !idChar(text[end]))) return true;
  }
  return false;
}

const OperationReport* operationOf(const Report& r, const Finding& f) {
  for (const auto& o : r.operations) {
    if (f.operation == o.label || f.operation.rfind(o.label + " round ", 0) == 0) return &o;
  }
  return nullptr;
}

// "completeness.accounts" -> "account"; "" for any other metric.
std::string typeOfMetric(const std::string& metric) {
  const std::string prefix = "completeness.";
  if (metric.rfind(prefix, 0) != 0 || metric.size() <= prefix.size() + 1 || metric.back() != 's')
    return "";
  return metric.substr(prefix.size(), metric.size() - prefix.size() - 1);
}

int rankOf(bool privileged, bool non_human) {
  if (privileged && non_human) return 0;
  if (privileged) return 1;
  return non_human ? 2 : 3;
}

}  // namespace

std::string identityName(const Report& r, const std::string& id) {
  const Identity* i = identityOf(r, id);
  return i == nullptr ? "" : i->name;
}

std::string namedId(const Report& r, const std::string& id) {
  const Identity* i = identityOf(r, id);
  if (i == nullptr || i->name.empty() || i->name == id) return id;
  // A credential's name is its owner's: say whose key it is.
  return (i->kind == "credential" ? "key of " : "") + i->name + " (" + id + ")";
}

std::string describeRecord(const Report& r, const std::string& type, const std::string& key) {
  if (type == "grant") {
    const auto parts = grantParts(key);
    if (parts.size() != 4) return key;
    const std::string verb = parts[0] == "membership" ? " member of " : " holds ";
    return namedId(r, parts[2]) + verb + namedId(r, parts[3]);
  }
  if (type == "credential") {
    const Identity* i = identityOf(r, key);
    if (i != nullptr && !i->owner.empty()) return "key " + key + " of " + namedId(r, i->owner);
    if (i != nullptr && !i->name.empty()) return "key " + key + " of " + i->name;
    return key;
  }
  return namedId(r, key);
}

const char* riskGroupTitle(RiskGroup group) {
  switch (group) {
    case RiskGroup::Privileged:
      return "privileged";
    case RiskGroup::NonHuman:
      return "service accounts and their keys";
    case RiskGroup::Other:
      return "others";
  }
  return "others";
}

RiskGroup riskGroupOf(const Report& r, const std::string& type, const std::string& key) {
  bool privileged = false, non_human = type == "credential";
  for (const auto& id : idsOfRecord(type, key)) {
    if (const Identity* i = identityOf(r, id); i != nullptr) {
      privileged = privileged || i->privileged;
      non_human = non_human || i->non_human;
    }
  }
  if (privileged) return RiskGroup::Privileged;
  return non_human ? RiskGroup::NonHuman : RiskGroup::Other;
}

std::vector<std::string> involvedIds(const Report& r, const Finding& f) {
  std::vector<std::string> ids;
  const auto add = [&ids](const std::string& id) {
    if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  };
  if (const OperationReport* o = operationOf(r, f); o != nullptr) {
    for (const auto& rv : o->revocations) {
      if (f.metric == "revocation" && f.title.rfind(rv.action + " " + rv.action_id + " ", 0) == 0) {
        add(rv.account);
        add(rv.target);
      }
    }
    const std::string type = typeOfMetric(f.metric);
    // A loss is about the missing records, a phantom about the invented ones.
    const bool missing = f.id != "phantom-records";
    const bool phantom = f.id != "silent-loss" && f.id != "declared-incomplete";
    for (const auto& t : o->completeness) {
      if (t.type != type) continue;
      for (const auto* list : {missing ? &t.missing : nullptr, phantom ? &t.phantom : nullptr}) {
        if (list == nullptr) continue;
        for (const auto& key : *list) {
          for (const auto& id : idsOfRecord(type, key)) add(id);
        }
      }
    }
  }
  for (const auto& [id, identity] : r.identities) {
    if (mentions(f.title, id) || mentions(f.detail, id)) add(id);
  }
  return ids;
}

std::vector<std::string> rankedInvolvedIds(const Report& r, const Finding& f) {
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& id : involvedIds(r, f)) {
    const Identity* i = identityOf(r, id);
    ranked.emplace_back(i == nullptr ? 3 : rankOf(i->privileged, i->non_human), id);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [rank, id] : ranked) out.push_back(std::move(id));
  return out;
}

bool isPrivileged(const Report& r, const std::string& id) {
  const Identity* i = identityOf(r, id);
  return i != nullptr && i->privileged;
}

bool isNonHuman(const Report& r, const std::string& id) {
  const Identity* i = identityOf(r, id);
  return i != nullptr && i->non_human;
}

std::string involvedNames(const Report& r, const Finding& f, std::size_t max) {
  const auto ranked = rankedInvolvedIds(r, f);
  std::string out;
  for (std::size_t i = 0; i < ranked.size() && i < max; ++i)
    out += (i ? ", " : "") + namedId(r, ranked[i]);
  if (ranked.size() > max) out += " and " + std::to_string(ranked.size() - max) + " more";
  return out;
}

int riskRank(const Report& r, const Finding& f) {
  int best = 3;
  for (const auto& id : involvedIds(r, f)) {
    if (const Identity* i = identityOf(r, id); i != nullptr)
      best = std::min(best, rankOf(i->privileged, i->non_human));
  }
  // A revocation knows its account's flags even when the report names no one.
  if (const OperationReport* o = operationOf(r, f); o != nullptr) {
    for (const auto& rv : o->revocations) {
      if (f.metric == "revocation" && f.title.rfind(rv.action + " " + rv.action_id + " ", 0) == 0)
        best = std::min(best, rankOf(rv.privileged, rv.non_human));
    }
  }
  return best;
}

std::vector<const Finding*> fixFirstOrder(const Report& r) {
  struct Ranked {
    const Finding* finding;
    int risk;
  };
  std::vector<Ranked> ranked;
  for (const auto& f : r.findings) ranked.push_back({&f, riskRank(r, f)});
  // Stable: findings alike in severity and risk keep the order found.
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.finding->severity != b.finding->severity)
      return a.finding->severity > b.finding->severity;
    return a.risk < b.risk;
  });
  std::vector<const Finding*> out;
  for (const auto& x : ranked) out.push_back(x.finding);
  return out;
}

const Finding* findingForAction(const Report& r, const OperationReport& o,
                                const RevocationOutcome& rv) {
  const std::string prefix = rv.action + " " + rv.action_id + " ";
  const Finding* worst = nullptr;
  for (const auto& f : r.findings) {
    if (f.operation != o.label || f.metric != "revocation" || f.title.rfind(prefix, 0) != 0)
      continue;
    if (worst == nullptr || f.severity > worst->severity) worst = &f;
  }
  return worst;
}

const char* severityTone(std::optional<Severity> severity) {
  if (!severity) return "good";
  switch (*severity) {
    case Severity::Critical:
    case Severity::Error:
      return "bad";
    case Severity::Warning:
      return "warn";
    case Severity::Info:
      return "muted";
  }
  return "muted";
}

const char* revocationTone(const Report& r, const OperationReport& o, const RevocationOutcome& rv) {
  const Finding* f = findingForAction(r, o, rv);
  return severityTone(f == nullptr ? std::nullopt : std::optional(f->severity));
}

std::string actionText(const Report& r, const RevocationOutcome& rv, bool with_ids) {
  const auto who = [&](const std::string& id) {
    if (with_ids) return namedId(r, id);
    const std::string name = identityName(r, id);
    return name.empty() ? id : name;
  };
  if (rv.action == "remove_membership")
    return "revoke group membership: " + who(rv.account) + " from " + who(rv.target);
  if (rv.action == "remove_entitlement")
    return "revoke entitlement: " + who(rv.account) + " from " + who(rv.target);
  if (rv.action == "deprovision") return "deprovision: " + who(rv.account);
  return rv.action + ": " + who(rv.account) + (rv.target.empty() ? "" : " / " + who(rv.target));
}

std::string exemptionText(const Report& r, const Exemption& e) {
  return e.text + " for " + r.scenario.name + " — " +
         (e.reason.empty() ? std::string("(no reason given)") : e.reason);
}

std::string exemptionBanner(const Report& r) {
  const bool let_pass = r.verdict == Verdict::Passed ||
                        (r.verdict == Verdict::Inconclusive && r.policy.pass_inconclusive);
  if (!let_pass || r.exemptions.empty()) return "";
  std::string out = r.verdict == Verdict::Passed ? "passed with exemptions: "
                                                 : "inconclusive, let pass with exemptions: ";
  for (std::size_t i = 0; i < r.exemptions.size(); ++i)
    out += (i ? "; " : "") + exemptionText(r, r.exemptions[i]);
  return out;
}

}  // namespace faultline::reports
