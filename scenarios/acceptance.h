#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scenarios/config_error.h"

namespace faultline::scenarios {

inline constexpr int kPolicyFormatVersion = 1;
// The built-in max_amplification (harness/scorers/behaviour.h); a fragment
// above it is a relaxation.
inline constexpr double kBuiltInMaxAmplification = 4.0;

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
  // Why the fragment relaxes anything, shown beside each exemption it grants
  // in every report format; nullopt when not given.
  std::optional<std::string> reason;
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

// One "warning: ..." line per relaxation (honest_partial accept, inconclusive
// pass, min_recall or min_precision below 1, Retry-After violations allowed,
// max_amplification above the default, a severity lowered to info or
// warning) that a fragment makes without a `reason`, each naming `file` and
// the fragment's `pointer`, e.g.
// `p.json:/scenarios/schema-drift: warning: honest_partial "accept" has no "reason"`.
// `faultline validate` prints them; they are never errors.
std::vector<std::string> unexplainedRelaxations(const AcceptanceFragment& fragment,
                                                const std::string& file,
                                                const std::string& pointer);
// The same over a policy file's global keys and each of its scenarios.
std::vector<std::string> unexplainedRelaxations(const PolicyFile& policy);

// Finding ids a severity override may name (every id docs/scoring.md lists).
const std::vector<std::string>& knownFindingIds();

}  // namespace faultline::scenarios
