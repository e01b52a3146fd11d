#include "scenarios/acceptance.h"

#include <algorithm>

#include "scenarios/json_reader.h"

namespace faultline::scenarios {
namespace {

using nlohmann::json;

// Reads a key whose value is one of two words; nullopt when absent.
std::optional<bool> readChoice(ObjectReader& r, const std::string& key, const std::string& yes,
                               const std::string& no) {
  const std::optional<std::string> value = r.string(key, false);
  if (!value) return std::nullopt;
  if (*value == yes) return true;
  if (*value == no) return false;
  r.fail(key, "must be \"" + yes + "\" or \"" + no + "\", got \"" + *value + "\"");
  return std::nullopt;
}

std::map<std::string, std::string> readSeverities(const json& node, const std::string& pointer,
                                                  std::vector<ConfigIssue>& issues) {
  static const std::vector<std::string> kLevels = {"info", "warning", "error", "critical"};
  std::map<std::string, std::string> out;
  for (const auto& [id, value] : node.items()) {
    const std::string p = pointer + "/" + escapePointerToken(id);
    const auto& ids = knownFindingIds();
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      issues.push_back({p, "unknown finding id; docs/scoring.md lists them"});
      continue;
    }
    const std::string* level = value.is_string() ? &value.get_ref<const std::string&>() : nullptr;
    if (level == nullptr || std::find(kLevels.begin(), kLevels.end(), *level) == kLevels.end()) {
      issues.push_back(
          {p, "must be one of info, warning, error, critical, got " +
                  (level != nullptr ? "\"" + *level + "\"" : describeJsonType(value))});
      continue;
    }
    out[id] = *level;
  }
  return out;
}

// Reads the fragment's keys from `r` without finishing it, so a policy file
// can read them beside its own top-level keys and reject unknown keys once,
// listing every allowed one.
AcceptanceFragment readAcceptanceKeys(ObjectReader& r, std::vector<ConfigIssue>& issues) {
  AcceptanceFragment a;
  a.accept_honest_partial = readChoice(r, "honest_partial", "accept", "fail");
  a.pass_inconclusive = readChoice(r, "inconclusive", "pass", "fail");
  a.min_recall = r.optionalNumber("min_recall", 0.0, 1.0);
  a.min_precision = r.optionalNumber("min_precision", 0.0, 1.0);
  if (const auto n = r.optionalInteger("max_retry_after_violations", 0, 1'000'000))
    a.max_retry_after_violations = static_cast<int>(*n);
  // Below 1 would flag a sync that sent exactly the minimum.
  a.max_amplification = r.optionalNumber("max_amplification", 1.0, 1000.0);
  if (const json* severity = r.child("severity", json::value_t::object, false))
    a.severity = readSeverities(*severity, r.pointerTo("severity"), issues);
  a.reason = r.string("reason", false);
  return a;
}

}  // namespace

const std::vector<std::string>& knownFindingIds() {
  static const std::vector<std::string> kIds = {"silent-loss",
                                                "declared-incomplete",
                                                "phantom-records",
                                                "duplicate-records",
                                                "attribute-mismatch",
                                                "dangling-reference",
                                                "needless-partial",
                                                "false-confirmation",
                                                "revocation-failed",
                                                "revocation-unreported",
                                                "read-back-missing",
                                                "revocation-inherited",
                                                "collateral-change",
                                                "connector-restarted",
                                                "false-alarm",
                                                "unconfirmed-applied",
                                                "protocol-violation",
                                                "secret-leak",
                                                "connector-start-failed",
                                                "connector-timeout",
                                                "connector-crashed",
                                                "connector-exit-nonzero",
                                                "connector-left-processes",
                                                "stderr-flood",
                                                "operation-unsupported",
                                                "retry-after-violation",
                                                "rejected-token-reuse",
                                                "duplicate-write",
                                                "request-amplification",
                                                "fault-not-fired",
                                                "timeline-event-not-applied",
                                                "stale-unannounced",
                                                "leaver-shown-active",
                                                "stale-data"};
  return kIds;
}

AcceptanceFragment readAcceptance(const json& node, const std::string& pointer,
                                  std::vector<ConfigIssue>& issues) {
  ObjectReader r(node, pointer, issues);
  AcceptanceFragment a = readAcceptanceKeys(r, issues);
  r.finish();
  return a;
}

PolicyFile parsePolicyFile(const std::string& text, const std::string& path) {
  const json doc = parseJsonDocument(text, path);
  std::vector<ConfigIssue> issues;
  PolicyFile p;
  p.path = path;
  // The version key and "scenarios" sit beside the global fragment's keys.
  ObjectReader r(doc, "", issues);
  r.formatVersion("faultline_policy", kPolicyFormatVersion, "policy version");
  // The schema editors validate against (docs/schemas); typed, otherwise unread.
  r.string("$schema", false);
  p.global = readAcceptanceKeys(r, issues);
  if (const json* scenarios = r.child("scenarios", json::value_t::object, false)) {
    for (const auto& [name, fragment] : scenarios->items())
      p.scenarios[name] =
          readAcceptance(fragment, "/scenarios/" + escapePointerToken(name), issues);
  }
  r.finish();
  if (!issues.empty()) throw ConfigError(path, std::move(issues));
  return p;
}

std::vector<std::string> unexplainedRelaxations(const AcceptanceFragment& f,
                                                const std::string& file,
                                                const std::string& pointer) {
  if (f.reason && !f.reason->empty()) return {};
  std::vector<std::string> relaxed;
  if (f.accept_honest_partial.value_or(false)) relaxed.push_back("honest_partial \"accept\"");
  if (f.pass_inconclusive.value_or(false)) relaxed.push_back("inconclusive \"pass\"");
  if (f.min_recall && *f.min_recall < 1.0) relaxed.push_back("min_recall below 1");
  if (f.min_precision && *f.min_precision < 1.0) relaxed.push_back("min_precision below 1");
  if (f.max_retry_after_violations.value_or(0) > 0)
    relaxed.push_back("max_retry_after_violations above 0");
  if (f.max_amplification && *f.max_amplification > kBuiltInMaxAmplification)
    relaxed.push_back("max_amplification above the default");
  // Only error and critical fail a drill, so a lower level can excuse a finding.
  for (const auto& [id, level] : f.severity) {
    if (level == "info" || level == "warning")
      relaxed.push_back("severity of " + id + " set to " + level);
  }
  std::vector<std::string> out;
  for (const auto& what : relaxed)
    out.push_back(file + ":" + (pointer.empty() ? "/" : pointer) + ": warning: " + what +
                  " has no \"reason\"");
  return out;
}

std::vector<std::string> unexplainedRelaxations(const PolicyFile& policy) {
  std::vector<std::string> out = unexplainedRelaxations(policy.global, policy.path, "");
  for (const auto& [name, fragment] : policy.scenarios) {
    for (auto& w :
         unexplainedRelaxations(fragment, policy.path, "/scenarios/" + escapePointerToken(name)))
      out.push_back(std::move(w));
  }
  return out;
}

PolicyFile loadPolicyFile(const std::string& path) {
  return parsePolicyFile(readFileOrThrow(path), path);
}

}  // namespace faultline::scenarios
