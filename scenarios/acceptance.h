#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scenarios/config_error.h"

namespace faultline::scenarios {

inline constexpr int kPolicyFormatVersion = 1;

// Part of an acceptance policy (docs/scoring.md, "Acceptance policy"): only
// the keys given are set, so fragments from the built-in default, the
// scenario's own "acceptance" block and a policy file stack.
struct AcceptanceFragment {
  std::optional<bool> accept_honest_partial;  // "honest_partial": "accept" | "fail"
  std::optional<bool> pass_inconclusive;      // "inconclusive": "pass" | "fail"
  std::optional<double> min_recall;           // in [0, 1]
  std::optional<double> min_precision;        // in [0, 1]
  std::optional<int> max_retry_after_violations;
  std::optional<double> max_amplification;      // in [1, 1000]
  std::map<std::string, std::string> severity;  // finding id -> info|warning|error|critical
};

// A policy file: a global fragment and fragments per scenario name.
struct PolicyFile {
  std::string path;
  AcceptanceFragment global;
  std::map<std::string, AcceptanceFragment> scenarios;
};

// Reads a fragment object; issues carry JSON pointers under `pointer`.
AcceptanceFragment readAcceptance(const nlohmann::json& node, const std::string& pointer,
                                  std::vector<ConfigIssue>& issues);

// Loads and validates a policy file; throws ConfigError naming file and pointer.
PolicyFile loadPolicyFile(const std::string& path);
PolicyFile parsePolicyFile(const std::string& text, const std::string& path);

// Finding ids a severity override may name (every id docs/scoring.md lists).
const std::vector<std::string>& knownFindingIds();

}  // namespace faultline::scenarios
