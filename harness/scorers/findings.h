#pragma once

#include <set>
#include <string>
#include <vector>

#include "harness/process_runner.h"
#include "harness/protocol.h"
#include "harness/scorers/completeness.h"
#include "harness/scorers/scorer.h"
#include "mocks/journal.h"
#include "reports/report.h"

namespace faultline::harness {

// What one operation left behind, for turning into findings.
struct OperationEvidence {
  std::string label;
  const ProcessResult* process = nullptr;
  const ConnectorOutput* output = nullptr;
  const std::vector<mocks::JournalEntry>* journal = nullptr;  // this operation's requests
  std::vector<std::string> secrets;                           // never quoted
};

// A finding of `op` with evidence to be filled in; `detail` has the drill's
// secrets redacted. Every scorer builds its findings with this.
reports::Finding makeFinding(const OperationEvidence& op, std::string id,
                             reports::Severity severity, std::string metric, std::string title,
                             std::string detail);

// Each adds the findings its rule yields (docs/scoring.md names every id).
void addProcessFindings(const OperationEvidence& op, std::vector<reports::Finding>& out);
void addProtocolFindings(const OperationEvidence& op, std::vector<reports::Finding>& out);
void addCompletenessFindings(const OperationEvidence& op, const CompletenessScore& score,
                             std::vector<reports::Finding>& out);
void addRevocationFindings(const OperationEvidence& op,
                           const std::vector<reports::RevocationOutcome>& outcomes,
                           std::vector<reports::Finding>& out);
void addSecretFindings(const OperationEvidence& op, std::vector<reports::Finding>& out);

// The claims a run killed by a kill_connector fault printed before it died
// (docs/scoring.md, "Process death"): the platform may have acted on them
// already, so a `confirmed` must hold after the settle period like any
// other. `killed` is that run's evidence, `outcomes` its claims judged by
// judgeRevocations, `run` its 1-based number among `runs` runs. Adds a
// critical false-confirmation per action it confirmed whose access remains,
// skipping and then adding to `flagged` (action ids already found false).
void addKilledRunClaimFindings(const OperationEvidence& killed, int run, int runs,
                               const std::vector<reports::RevocationOutcome>& outcomes,
                               std::set<std::string>& flagged, std::vector<reports::Finding>& out);

// Adds "fault-not-fired" for every rule that fired fewer times than its
// min_fires, and "retry-after-violation" for requests the journal marked as
// sent before an announced Retry-After elapsed.
void addFaultFindings(const std::vector<reports::FaultFiring>& firings,
                      std::vector<reports::Finding>& out);
void addRetryAfterFindings(const OperationEvidence& op, std::vector<reports::Finding>& out);

// Whether a status line's reason names a type (docs/scoring.md, "Honesty"):
// "account" is named by "user" or "account", and so on.
bool reasonNamesType(std::string reason, const std::string& type);

// Whether a status line declares `type` incomplete: its "incomplete" field
// when sent (only the field counts then), else its reason's words.
bool declaresIncomplete(const StatusRecord& status, const std::string& type);

// Failed when any finding is error or critical; otherwise inconclusive when a
// required fault did not fire (the drill proves nothing about it); otherwise
// passed.
reports::Verdict decideVerdict(const std::vector<reports::Finding>& findings, std::string& reason);

// How each run of the connector ended: started, exited 0, in time, leaving
// nothing behind; and how often a fault killed it.
class ProcessScorer final : public Scorer {
 public:
  std::string_view name() const override { return "process"; }
  std::vector<std::string_view> findingIds() const override;
  NegativeControl negativeControl() const override {
    return {"misbehaving_crash.json", "tests/fixtures/sync_once.json", 1};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override;
};

// Whether the connector's output kept connector protocol v1.
class ProtocolScorer final : public Scorer {
 public:
  std::string_view name() const override { return "protocol"; }
  std::vector<std::string_view> findingIds() const override { return {"protocol-violation"}; }
  NegativeControl negativeControl() const override {
    return {"misbehaving_garbage.json", "tests/fixtures/sync_once.json", 1};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override {
    addProtocolFindings(*input.evidence, sink.findings());
  }
};

// Requests sent before an announced Retry-After elapsed.
class RetryAfterScorer final : public Scorer {
 public:
  std::string_view name() const override { return "retry-after"; }
  std::vector<std::string_view> findingIds() const override { return {"retry-after-violation"}; }
  NegativeControl negativeControl() const override {
    return {"ignores_retry_after.json", "scenarios/rate_limits.json", 1};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override {
    addRetryAfterFindings(*input.evidence, sink.findings());
  }
};

// A drill credential in any run's stdout or stderr, killed runs included:
// what they printed before dying is still a leak.
class SecretHygieneScorer final : public Scorer {
 public:
  std::string_view name() const override { return "secret-hygiene"; }
  std::vector<std::string_view> findingIds() const override { return {"secret-leak"}; }
  NegativeControl negativeControl() const override {
    return {"logs_token.json", "scenarios/baseline.json", 1};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override;
};

}  // namespace faultline::harness
