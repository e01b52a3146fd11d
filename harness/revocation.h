#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/protocol.h"
#include "mocks/tenant.h"
#include "reports/report.h"
#include "scenarios/scenario.h"

namespace faultline::harness {

struct RevokeAction {
  std::string id;      // "act-1"
  std::string action;  // remove_membership, remove_entitlement, deprovision
  std::string account;
  std::string target;  // group or entitlement id; "" for deprovision
  bool privileged = false;
  bool non_human = false;
};

// Picks the actions a revoke operation asks for, from the tenant as it is
// now: privileged non-human accounts first, then privileged, then non-human,
// then the rest; seeded order within each tier; one action per account so
// actions cannot mask each other. Pure function of its inputs.
std::vector<RevokeAction> selectRevokeActions(const mocks::TenantState& state,
                                              const scenarios::RevokeSpec& spec, std::uint64_t seed,
                                              int operation_index);

// The stdin lines for the connector, one JSON object per action.
std::string encodeActions(const std::vector<RevokeAction>& actions);

// What access the action meant to remove still remains in `state`, judged by
// effective access (docs/scoring.md): "held directly", "held through group
// G", "a direct member", "a member through nested group G", "the account is
// active", "N API key(s) live"; "" when none remains (or the account is gone).
std::string remainingAccess(const mocks::TenantState& state, const RevokeAction& action);
bool isApplied(const mocks::TenantState& state, const RevokeAction& action);

// Pairs each action with what the connector claimed and what is true.
// `after` is the tenant when the connector exited; `settled` is the tenant
// after the settle period (delayed applies landed, reverts undone). The
// settled truth decides the outcome; `after` is kept as applied_at_exit.
std::vector<reports::RevocationOutcome> judgeRevocations(const std::vector<RevokeAction>& actions,
                                                         const ConnectorOutput& output,
                                                         const mocks::TenantState& after,
                                                         const mocks::TenantState& settled);
// The same with no settle period: both checks see `after`.
inline std::vector<reports::RevocationOutcome> judgeRevocations(
    const std::vector<RevokeAction>& actions, const ConnectorOutput& output,
    const mocks::TenantState& after) {
  return judgeRevocations(actions, output, after, after);
}

}  // namespace faultline::harness
