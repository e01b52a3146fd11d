#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/acceptance.h"
#include "scenarios/fault_plan.h"
#include "scenarios/timeline.h"

namespace faultline::scenarios {

inline constexpr int kScenarioFormatVersion = 1;

// Sizes and shares the tenant generator draws from. Same seed and spec, same
// tenant, byte for byte.
struct TenantSpec {
  int accounts = 200;
  int groups = 20;
  int entitlements = 12;
  int nesting_depth = 3;   // levels of group nesting; 1 = flat
  double nhi_share = 0.1;  // share of accounts that are service accounts
  double privileged_share = 0.05;
  double inactive_share = 0.05;
  int api_keys_per_nhi = 2;
  int max_groups_per_account = 3;
};

// How the mock target answers, independent of faults.
struct TargetSpec {
  // The API the mock speaks; "" (the default) speaks the connector's own,
  // as its manifest names it.
  std::string dialect;
  int default_page_size = 100;
  int max_page_size = 500;
  int token_ttl_seconds = 3600;
};

enum class OperationKind { Sync, Revoke };

// A revocation batch: how many actions of each kind the drill picks from the
// tenant (privileged non-human accounts first, then privileged, then
// non-human, then the rest).
struct RevokeSpec {
  int remove_memberships = 0;
  int remove_entitlements = 0;
  int deprovision = 0;
  // remove_entitlement actions whose entitlement also reaches the account
  // through a group: the action alone cannot remove the access.
  int inherited_entitlements = 0;
};

struct Operation {
  OperationKind kind = OperationKind::Sync;
  std::string label;  // "sync-1", "revoke-2" unless given
  RevokeSpec revoke;
  int rounds = 1;  // sync: connector runs back to back, each scored (docs/scoring.md, "Freshness")
};

// A loaded, validated scenario. Read-only after loading; nothing downstream
// touches JSON.
struct Scenario {
  int format_version = kScenarioFormatVersion;
  std::string file;  // as given on the command line
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  TenantSpec tenant;
  TargetSpec target;
  std::vector<Operation> operations;
  std::vector<FaultRule> faults;
  // Lifecycle events that change the tenant during the drill.
  std::vector<TimelineEvent> timeline;
  // What the scenario's author accepts (e.g. an honest partial where no
  // connector can recover); a policy file can override it.
  AcceptanceFragment acceptance;
};

// Loads and validates a scenario file; throws ConfigError listing every issue.
Scenario loadScenario(const std::string& path);

// A scenario name as people type it: '-' and '_' alike, case ignored, so
// rate-limits (its name) and rate_limits (its file) both find it. Two names
// with one key are one scenario to --scenario and to a suite.
std::string nameKey(std::string_view name);
// Same, from text; `file` only labels errors.
Scenario parseScenario(std::string_view text, const std::string& file);

const char* operationKindName(OperationKind kind);

// A scenario's name names its report files (<name>-seed<N>.json) and its
// entry in a policy file, so it is kept to characters every file system and
// shell takes as they are: ASCII letters, digits, '-', '_' and '.', starting
// with a letter or digit, at most kMaxScenarioNameLength bytes.
inline constexpr std::size_t kMaxScenarioNameLength = 100;
bool isSafeScenarioName(std::string_view name);

}  // namespace faultline::scenarios
