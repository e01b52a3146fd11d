#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/protocol.h"
#include "harness/scorers/findings.h"
#include "harness/scorers/scorer.h"
#include "mocks/journal.h"
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

// What a revoke operation's connector did when: its stdout line times and its
// requests, on the drill clock (docs/scoring.md, "Time to confirmation and
// read-back"). Plain pointers into data the caller keeps alive.
struct RevokeTrace {
  // Per stdout line, ms since the connector started at which the harness read
  // it (ProcessResult::stdout_line_ms); a line past its end has no time.
  const std::vector<std::int64_t>* line_ms = nullptr;
  std::int64_t operation_started_ms = 0;  // drill clock
  std::int64_t connector_started_ms = 0;  // drill clock, the run whose output is scored
  const std::vector<mocks::JournalEntry>* journal = nullptr;  // the operation's requests
};

// Fills each outcome's result_ms (from its result line's time) and read_back
// (from the journal). An outcome without a result line gets neither.
void traceRevocations(const ConnectorOutput& output, const RevokeTrace& trace,
                      std::vector<reports::RevocationOutcome>& outcomes);

// Adds "read-back-missing" (warning, metric revocation.read_back) for every
// action the connector confirmed without reading its subject back.
void addReadBackFindings(const OperationEvidence& op,
                         const std::vector<reports::RevocationOutcome>& outcomes,
                         std::vector<reports::Finding>& out);

// Judges each revoke: every action's claim against the settled tenant, the
// claims of runs a fault killed, and whether confirmations were read back
// (docs/scoring.md, "Revocation", "Process death").
class RevocationScorer final : public Scorer {
 public:
  std::string_view name() const override { return "revocation"; }
  std::vector<std::string_view> findingIds() const override;
  NegativeControl negativeControl() const override {
    return {"trusts_2xx.json", "scenarios/silent_write_failures.json", 1};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override;
};

}  // namespace faultline::harness
