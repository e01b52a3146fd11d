#include "harness/policy.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>

#include "harness/scorers/behaviour.h"
#include "harness/scorers/findings.h"
#include "reports/wording.h"

using faultline::reports::counted;

namespace faultline::harness {
namespace {

using reports::Finding;
using reports::Severity;

void stack(reports::PolicySummary& p, const scenarios::AcceptanceFragment& f,
           const std::string& source) {
  const bool sets_anything = f.accept_honest_partial || f.pass_inconclusive || f.min_recall ||
                             f.min_precision || f.max_retry_after_violations ||
                             f.max_amplification || !f.severity.empty();
  if (!sets_anything) return;
  p.sources.push_back(source);
  if (f.reason && !f.reason->empty()) p.reasons[source] = *f.reason;
  const auto set = [&](const std::string& key, auto& field, const auto& value) {
    if (!value) return;
    field = *value;
    p.set_by[key] = source;
  };
  set("honest_partial", p.accept_honest_partial, f.accept_honest_partial);
  set("inconclusive", p.pass_inconclusive, f.pass_inconclusive);
  set("min_recall", p.min_recall, f.min_recall);
  set("min_precision", p.min_precision, f.min_precision);
  set("max_retry_after_violations", p.max_retry_after_violations, f.max_retry_after_violations);
  set("max_amplification", p.max_amplification, f.max_amplification);
  for (const auto& [id, level] : f.severity) {
    p.severity[id] = level;
    p.set_by["severity/" + id] = source;
  }
}

Severity severityOf(const std::string& name) {
  if (name == "critical") return Severity::Critical;
  if (name == "error") return Severity::Error;
  if (name == "warning") return Severity::Warning;
  return Severity::Info;
}

// "completeness.accounts" -> "account"; "" for metrics of no single type.
std::string typeOfMetric(const std::string& metric) {
  static const std::string kPrefix = "completeness.";
  if (metric.compare(0, kPrefix.size(), kPrefix) != 0 || metric.back() != 's') return "";
  const std::string type = metric.substr(kPrefix.size(), metric.size() - kPrefix.size() - 1);
  static const std::set<std::string> kTypes = {"account", "group", "entitlement", "grant",
                                               "credential"};
  return kTypes.count(type) != 0 ? type : "";
}

// A finding of round N of a multi-round sync names the operation
// "LABEL round N" (docs/scoring.md, "Rounds"); null for any other finding.
const reports::RoundReport* roundOf(const reports::Report& r, const Finding& f,
                                    const reports::OperationReport** owner = nullptr) {
  for (const auto& op : r.operations) {
    if (op.rounds.size() < 2 || f.operation.rfind(op.label + " round ", 0) != 0) continue;
    for (const auto& round : op.rounds) {
      if (f.operation != op.label + " round " + std::to_string(round.round)) continue;
      if (owner != nullptr) *owner = &op;
      return &round;
    }
  }
  return nullptr;
}

const reports::OperationReport* operationOf(const reports::Report& r, const Finding& f) {
  for (const auto& op : r.operations) {
    if (op.label == f.operation) return &op;
  }
  const reports::OperationReport* owner = nullptr;
  roundOf(r, f, &owner);
  return owner;
}

const reports::TypeScore* scoreOf(const reports::OperationReport& op, const std::string& type) {
  for (const auto& t : op.completeness) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

std::string fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Whether the severity changed.
bool change(Finding& f, Severity to, const std::string& why) {
  if (f.severity == to) return false;
  f.policy =
      why + " (" + reports::severityName(f.severity) + " -> " + reports::severityName(to) + ")";
  f.severity = to;
  return true;
}

// What the connector declared in the run a finding belongs to.
struct Declared {
  std::string status;
  std::string reason;
  const std::optional<std::vector<std::string>>* incomplete = nullptr;

  // The status line's "incomplete" field when sent, else the reason's words
  // (docs/scoring.md, "Honesty"), as the completeness findings judge it.
  bool declares(const std::string& type) const {
    if (incomplete != nullptr && incomplete->has_value()) {
      return std::find((*incomplete)->begin(), (*incomplete)->end(), type) != (*incomplete)->end();
    }
    return reasonNamesType(reason, type);
  }
};

// Judges one finding; returns the policy key behind the last change to its
// severity ("" when none), e.g. "honest_partial" or "severity/duplicate-write".
std::string judge(const reports::PolicySummary& p, const reports::Report& r, Finding& f) {
  std::string by;
  const reports::OperationReport* op = operationOf(r, f);
  const reports::RoundReport* round = roundOf(r, f);
  const std::string type = typeOfMetric(f.metric);
  Declared declared;
  if (round != nullptr) {
    declared = {round->declared_status, round->declared_reason, &round->declared_incomplete};
  } else if (op != nullptr) {
    declared = {op->declared_status, op->declared_reason, &op->declared_incomplete};
  }
  static const std::set<std::string> kCompleteness = {"declared-incomplete", "phantom-records",
                                                      "attribute-mismatch", "dangling-reference",
                                                      "duplicate-records"};
  // An honest partial: the connector said partial (or failed) and named what.
  if (p.accept_honest_partial && op != nullptr && kCompleteness.count(f.id) != 0 &&
      (declared.status == "partial" || declared.status == "failed") &&
      (type.empty() || declared.status == "failed" || declared.declares(type))) {
    if (change(f, Severity::Info,
               "accepted: the connector declared " + declared.status +
                   " and said why (honest_partial: accept)"))
      by = "honest_partial";
  }
  // Tolerances: within them a loss is a warning, not a failure.
  if (op != nullptr && !type.empty() && (f.id == "silent-loss" || f.id == "declared-incomplete") &&
      p.min_recall < 1.0 && f.severity > Severity::Warning) {
    // A round reports only its lowest recall: judging by it can only be
    // stricter than judging by the type's own.
    const auto* t = round != nullptr ? nullptr : scoreOf(*op, type);
    const std::optional<double> recall =
        round != nullptr ? std::optional(round->recall)
                         : (t != nullptr ? std::optional(t->recall) : std::nullopt);
    if (recall && *recall >= p.min_recall) {
      if (change(f, Severity::Warning,
                 "recall " + fixed3(*recall) + " within min_recall " + fixed3(p.min_recall)))
        by = "min_recall";
    }
  }
  if (op != nullptr && round == nullptr && !type.empty() && f.id == "phantom-records" &&
      p.min_precision < 1.0 && f.severity > Severity::Warning) {
    if (const auto* t = scoreOf(*op, type); t != nullptr && t->precision >= p.min_precision) {
      if (change(f, Severity::Warning,
                 "precision " + fixed3(t->precision) + " within min_precision " +
                     fixed3(p.min_precision)))
        by = "min_precision";
    }
  }
  reports::Measure* early = reports::findMeasure(f, "early_requests");
  if (f.id == "retry-after-violation" && early != nullptr && p.max_retry_after_violations > 0) {
    early->limit = p.max_retry_after_violations;
    if (f.severity > Severity::Warning && early->value <= p.max_retry_after_violations) {
      if (change(f, Severity::Warning,
                 std::to_string(static_cast<long long>(early->value)) +
                     " within max_retry_after_violations " +
                     std::to_string(p.max_retry_after_violations)))
        by = "max_retry_after_violations";
    }
  }
  reports::Measure* ratio = reports::findMeasure(f, kAmplificationMeasure);
  if (f.id == "request-amplification" && ratio != nullptr) {
    ratio->limit = p.max_amplification;
    // A finding that stands only because the policy is stricter than the
    // default, or despite a looser one, says by which limit.
    if (p.max_amplification != kDefaultMaxAmplification)
      f.policy = fixed2(ratio->value) + " above max_amplification " + fixed2(p.max_amplification);
  }
  // An explicit severity wins over everything above.
  if (const auto it = p.severity.find(f.id); it != p.severity.end()) {
    const Severity before = f.severity;
    const std::string earlier = f.policy;
    f.policy.clear();
    f.severity = before;
    if (change(f, severityOf(it->second), "severity set by policy")) by = "severity/" + f.id;
    if (f.policy.empty()) f.policy = earlier;
  }
  return by;
}

// The behaviour scorer raises request-amplification for any sync above its
// minimum, since it cannot know the policy; the policy's max_amplification
// decides which of them stand. A finding without the measured ratio stands.
bool amplificationWithin(const reports::PolicySummary& p, const Finding& f) {
  if (f.id != "request-amplification") return false;
  const reports::Measure* ratio = reports::findMeasure(f, kAmplificationMeasure);
  return ratio != nullptr && ratio->value <= p.max_amplification;
}

// Which kind of trust a failing finding broke (docs/scoring.md).
std::string classOf(const Finding& f) {
  if (f.id == "secret-leak") return "credential-exposure";
  if (f.metric.rfind("completeness.", 0) == 0 || f.metric == "honesty") return "partial-success";
  if (f.metric.rfind("freshness", 0) == 0) return "stale-data";
  if (f.metric.rfind("revocation", 0) == 0) return "write-failure";
  if (f.metric.rfind("behaviour", 0) == 0) return "unsafe-behaviour";
  if (f.metric == "instrument") return "";
  return "connector-fault";
}

// What a relaxation did, for people.
std::string exemptionWords(const reports::PolicySummary& p, const std::string& rule) {
  if (rule == "honest_partial") return "honest partial accepted";
  if (rule == "inconclusive") return "inconclusive drill let pass";
  if (rule == "min_recall") return "recall tolerated down to min_recall " + fixed3(p.min_recall);
  if (rule == "min_precision")
    return "precision tolerated down to min_precision " + fixed3(p.min_precision);
  if (rule == "max_retry_after_violations")
    return counted(p.max_retry_after_violations, "Retry-After violation") + " allowed";
  if (rule == "max_amplification")
    return "amplification allowed up to " + fixed2(p.max_amplification) + "x the minimum";
  if (rule.rfind("severity/", 0) == 0) {
    const std::string id = rule.substr(9);
    const auto it = p.severity.find(id);
    return "severity of " + id + " set to " + (it == p.severity.end() ? "?" : it->second);
  }
  return rule;
}

// Records that `rule` excused `findings`, one exemption per rule.
void addExemption(reports::Report& r, const std::string& rule,
                  const std::vector<std::string>& findings) {
  auto it = std::find_if(r.exemptions.begin(), r.exemptions.end(),
                         [&](const reports::Exemption& e) { return e.rule == rule; });
  if (it == r.exemptions.end()) {
    reports::Exemption e;
    e.rule = rule;
    e.text = exemptionWords(r.policy, rule);
    const auto by = r.policy.set_by.find(rule);
    e.source = by == r.policy.set_by.end() ? "built-in" : by->second;
    const auto reason = r.policy.reasons.find(e.source);
    if (reason != r.policy.reasons.end()) e.reason = reason->second;
    r.exemptions.push_back(std::move(e));
    it = std::prev(r.exemptions.end());
  }
  it->findings.insert(it->findings.end(), findings.begin(), findings.end());
}

}  // namespace

reports::PolicySummary resolvePolicy(const scenarios::Scenario& scenario,
                                     const scenarios::PolicyFile* file) {
  reports::PolicySummary p;
  p.sources.push_back("built-in");
  stack(p, scenario.acceptance, "scenario " + scenario.name);
  if (file != nullptr) {
    stack(p, file->global, file->path);
    if (const auto it = file->scenarios.find(scenario.name); it != file->scenarios.end())
      stack(p, it->second, file->path + "#/scenarios/" + scenario.name);
  }
  return p;
}

void applyPolicy(const reports::PolicySummary& policy, reports::Report& report) {
  report.policy = policy;
  report.exemptions.clear();
  std::vector<std::string> dropped;
  std::erase_if(report.findings, [&](const Finding& f) {
    if (!amplificationWithin(policy, f)) return false;
    // Above the default limit it would have stood: the looser limit excused it.
    if (const auto* ratio = reports::findMeasure(f, kAmplificationMeasure);
        ratio != nullptr && ratio->value > kDefaultMaxAmplification)
      dropped.push_back(f.id);
    return true;
  });
  if (!dropped.empty()) addExemption(report, "max_amplification", dropped);
  for (auto& f : report.findings) {
    const Severity before = f.severity;
    const std::string by = judge(policy, report, f);
    if (!by.empty() && before >= Severity::Error && f.severity < Severity::Error)
      addExemption(report, by, {f.id});
  }
  report.verdict = decideVerdict(report.findings, report.verdict_reason);
  if (report.verdict == reports::Verdict::Inconclusive && policy.pass_inconclusive)
    addExemption(report, "inconclusive", {});
  report.failure_classes.clear();
  if (report.verdict != reports::Verdict::Failed) return;
  std::set<std::string> classes;
  for (const auto& f : report.findings) {
    if (f.severity < Severity::Error) continue;
    if (const std::string c = classOf(f); !c.empty()) classes.insert(c);
    // A failure in an operation that ended refused by the target's auth is
    // (also) an authentication failure.
    if (const auto* op = operationOf(report, f); op != nullptr && !op->auth_trouble.empty())
      classes.insert("authentication-failure");
  }
  static const std::vector<std::string> kOrder = {
      "partial-success",  "stale-data",          "write-failure",  "authentication-failure",
      "unsafe-behaviour", "credential-exposure", "connector-fault"};
  for (const auto& c : kOrder) {
    if (classes.count(c) != 0) report.failure_classes.push_back(c);
  }
}

bool acceptedForExit(const reports::Report& report) {
  return report.verdict == reports::Verdict::Passed ||
         (report.verdict == reports::Verdict::Inconclusive && report.policy.pass_inconclusive);
}

}  // namespace faultline::harness
