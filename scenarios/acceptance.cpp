#include "scenarios/acceptance.h"

#include <algorithm>

#include "scenarios/json_reader.h"

namespace faultline::scenarios {
namespace {

using nlohmann::json;

// Reads a key whose value is one of two words; nullopt when absent.
std::optional<bool> readChoice(ObjectReader& r, const std::string& key, const std::string& yes,
                               const std::string& no) {
  if (!r.has(key)) return std::nullopt;
  const std::string value = r.string(key, std::string());
  if (value == yes) return true;
  if (value == no) return false;
  r.fail(key, "must be \"" + yes + "\" or \"" + no + "\", got \"" + value + "\"");
  return std::nullopt;
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
  AcceptanceFragment a;
  ObjectReader r(node, pointer, issues);
  a.accept_honest_partial = readChoice(r, "honest_partial", "accept", "fail");
  a.pass_inconclusive = readChoice(r, "inconclusive", "pass", "fail");
  if (r.has("min_recall")) a.min_recall = r.number("min_recall", 1.0, 0.0, 1.0);
  if (r.has("min_precision")) a.min_precision = r.number("min_precision", 1.0, 0.0, 1.0);
  if (r.has("max_retry_after_violations")) {
    a.max_retry_after_violations =
        static_cast<int>(r.integer("max_retry_after_violations", 0, 0, 1'000'000));
  }
  // Below 1 would flag a sync that sent exactly the minimum.
  if (r.has("max_amplification"))
    a.max_amplification = r.number("max_amplification", 4.0, 1.0, 1000.0);
  if (const json* severity = r.child("severity", json::value_t::object, false)) {
    for (const auto& [id, value] : severity->items()) {
      const std::string p = pointer + "/severity/" + escapePointerToken(id);
      const auto& ids = knownFindingIds();
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
        issues.push_back({p, "unknown finding id; docs/scoring.md lists them"});
        continue;
      }
      static const std::vector<std::string> kLevels = {"info", "warning", "error", "critical"};
      if (!value.is_string() ||
          std::find(kLevels.begin(), kLevels.end(), value.get<std::string>()) == kLevels.end()) {
        issues.push_back({p, "must be one of info, warning, error, critical, got " +
                                 (value.is_string() ? "\"" + value.get<std::string>() + "\""
                                                    : describeJsonType(value))});
        continue;
      }
      a.severity[id] = value.get<std::string>();
    }
  }
  r.finish();
  return a;
}

PolicyFile parsePolicyFile(const std::string& text, const std::string& path) {
  const json doc = parseJsonDocument(text, path);
  std::vector<ConfigIssue> issues;
  PolicyFile p;
  p.path = path;
  if (!doc.is_object()) {
    issues.push_back({"", "must be a JSON object, got " + describeJsonType(doc)});
    throw ConfigError(path, std::move(issues));
  }
  // The version key and "scenarios" sit beside the global fragment's keys.
  json global = doc;
  global.erase("faultline_policy");
  global.erase("scenarios");
  {
    json header = json::object();
    if (doc.contains("faultline_policy")) header["faultline_policy"] = doc["faultline_policy"];
    ObjectReader r(header, "", issues);
    r.formatVersion("faultline_policy", kPolicyFormatVersion, "policy version");
    r.finish();
  }
  p.global = readAcceptance(global, "", issues);
  if (doc.contains("scenarios")) {
    if (!doc["scenarios"].is_object()) {
      issues.push_back({"/scenarios", "must be an object keyed by scenario name, got " +
                                          describeJsonType(doc["scenarios"])});
    } else {
      for (const auto& [name, fragment] : doc["scenarios"].items()) {
        const std::string pointer = "/scenarios/" + escapePointerToken(name);
        if (!fragment.is_object()) {
          issues.push_back({pointer, "must be an object, got " + describeJsonType(fragment)});
          continue;
        }
        p.scenarios[name] = readAcceptance(fragment, pointer, issues);
      }
    }
  }
  if (!issues.empty()) throw ConfigError(path, std::move(issues));
  return p;
}

PolicyFile loadPolicyFile(const std::string& path) {
  return parsePolicyFile(readFileOrThrow(path), path);
}

}  // namespace faultline::scenarios
