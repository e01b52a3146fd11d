#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/process_runner.h"
#include "harness/protocol.h"
#include "mocks/journal.h"
#include "mocks/tenant.h"
#include "mocks/timeline.h"
#include "reports/report.h"
#include "scenarios/scenario.h"

namespace faultline::harness {

// Declared by the scorers that compute them; the drill computes each once,
// for its report, and hands it to every scorer.
struct OperationEvidence;
struct CompletenessScore;
struct Amplification;
struct RevokeAction;

// A run of the connector that a kill_connector fault ended before the run
// whose output is scored (docs/scoring.md, "Process death").
struct KilledRun {
  const ProcessResult* process = nullptr;
  ConnectorOutput output;  // parsed as cut off: its last fragment is no claim
  // Revokes: its claims judged against the settled tenant; empty for syncs.
  std::vector<reports::RevocationOutcome> claims;
};

// Everything one run of an operation (a revoke, or one round of a sync)
// leaves for judging: the world before and after, the journal of what the
// connector asked, and what it printed. Plain references into data the drill
// keeps alive while the scorers run; read-only.
struct ScoringInput {
  const scenarios::Scenario* scenario = nullptr;
  scenarios::OperationKind kind = scenarios::OperationKind::Sync;
  // Label, the scored run's process and parsed output, this operation's
  // journal entries, and the drill's secrets (never quoted).
  const OperationEvidence* evidence = nullptr;
  const mocks::TenantState* before = nullptr;   // ground truth when the run started
  const mocks::TenantState* after = nullptr;    // when the connector exited
  const mocks::TenantState* settled = nullptr;  // after the settle period; == after for a sync
  const std::vector<mocks::Change>* changes = nullptr;  // tenant changes during the operation
  const std::vector<KilledRun>* killed = nullptr;       // runs a fault killed, in order
  // Syncs (null for revokes).
  const CompletenessScore* completeness = nullptr;
  const Amplification* amplification = nullptr;
  int drill_round = 0;             // across the drill, from 1
  std::uint64_t journal_mark = 0;  // the last journal seq before the round
  std::uint64_t journal_last = 0;  // the last journal seq when it ended
  std::int64_t started_ms = 0;     // drill clock
  const std::vector<mocks::AppliedEvent>* timeline = nullptr;  // events landed so far
  // Revokes (null for syncs).
  const std::vector<RevokeAction>* actions = nullptr;
  const std::vector<reports::RevocationOutcome>* revocations = nullptr;  // judged, traced
};

// What the drill hands the scorers once every operation ran.
struct DrillEndInput {
  const scenarios::Scenario* scenario = nullptr;
  const std::vector<mocks::AppliedEvent>* timeline = nullptr;  // every event, in order
};

// Collects what scorers conclude: findings (with their measures), numbers
// the report keeps beside them, and the freshness section. Not thread-safe;
// a drill scores one run at a time.
class ScoreSink {
 public:
  void add(reports::Finding finding) { findings_.push_back(std::move(finding)); }
  std::vector<reports::Finding>& findings() { return findings_; }

  // A number a report field takes from a scorer, e.g. "freshness.stale_records"
  // for the round just scored; the last value set wins.
  void setMetric(const std::string& name, double value) { metrics_[name] = value; }
  std::optional<double> metric(const std::string& name) const {
    const auto it = metrics_.find(name);
    return it == metrics_.end() ? std::nullopt : std::optional(it->second);
  }

  std::optional<reports::FreshnessSummary> freshness;

 private:
  std::vector<reports::Finding> findings_;
  std::map<std::string, double> metrics_;
};

// A planted flaw that must make a scorer fail (docs/scoring.md, "Negative
// controls"): a fixture connector under tests/fixtures/connectors, the
// scenario and seed it is run with.
struct NegativeControl {
  std::string_view fixture;   // e.g. "overreach.json"
  std::string_view scenario;  // relative to the source tree
  std::uint64_t seed = 1;
};

// One judge of a drill. A drill makes its own scorers (makeScorers in
// harness/scorers/registry.h) and calls score() for every run of every
// operation in order, then finish() once; a scorer may keep state across
// them. Findings must come out in the same order for the same input.
// Not thread-safe.
class Scorer {
 public:
  virtual ~Scorer() = default;
  // Unique among the registered scorers, e.g. "completeness".
  virtual std::string_view name() const = 0;
  // The finding ids this scorer raises (docs/scoring.md names each).
  virtual std::vector<std::string_view> findingIds() const = 0;
  virtual NegativeControl negativeControl() const = 0;
  virtual void score(const ScoringInput& input, ScoreSink& sink) = 0;
  virtual void finish(const DrillEndInput& /*input*/, ScoreSink& /*sink*/) {}
};

}  // namespace faultline::harness
