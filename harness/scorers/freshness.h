#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/evidence.h"
#include "harness/protocol.h"
#include "harness/scorers/findings.h"
#include "harness/scorers/scorer.h"
#include "mocks/tenant.h"
#include "mocks/timeline.h"
#include "reports/report.h"

namespace faultline::harness {

// Where one round sits in the request sequence: it served requests
// (mark, last].
struct RoundSpan {
  std::uint64_t mark = 0;
  std::uint64_t last = 0;
};

// Whether a round could show an event (it landed before or during the round).
bool roundSees(const mocks::AppliedEvent& event, const RoundSpan& round);
// Whether an event landed before the round's first request.
bool roundStartsAfter(const mocks::AppliedEvent& event, const RoundSpan& round);
// Whether the output reflects the event (docs/scoring.md, "When the output
// reflects an event"); `declared_complete` lets a leaver's absence count.
bool outputReflects(const mocks::AppliedEvent& event, const ConnectorOutput& output,
                    bool declared_complete);
// The stdout lines (1-based) that show the tenant as it was before the event,
// when the event still holds in `at_end`.
std::vector<std::size_t> staleLines(const mocks::AppliedEvent& event, const ConnectorOutput& output,
                                    const mocks::TenantState& at_end);
// Nearest-rank percentile: the value at rank ceil(percent / 100 * n) of the
// sorted values; nullopt for none.
std::optional<std::int64_t> nearestRank(std::vector<std::int64_t> values, int percent);

// What one round left for freshness scoring.
struct RoundObservation {
  int drill_round = 1;
  RoundSpan span;
  std::int64_t started_ms = 0;
  const mocks::TenantState* at_end = nullptr;  // the tenant when the connector exited
};

// Follows the timeline's events through a drill's rounds, in order, and
// turns what it sees into freshness findings. Not thread-safe; one per drill.
class FreshnessTracker {
 public:
  // Scores one round against the events landed so far (`events`, in
  // timeline order); adds its findings and returns its stale record count.
  std::size_t observeRound(const RoundObservation& round,
                           const std::vector<mocks::AppliedEvent>& events,
                           const OperationEvidence& op, std::vector<reports::Finding>& out);
  // The drill's summary once every round ran; adds the findings about events
  // never reflected or never landed.
  reports::FreshnessSummary finish(const std::vector<mocks::AppliedEvent>& events,
                                   std::vector<reports::Finding>& out) const;

 private:
  struct Track {
    int reflected_round = 0;
    int rounds_before = 0;  // rounds that saw the event without reflecting it
    std::int64_t lag_ms = 0;
    std::string last_complete;  // the last complete round that started after it
  };
  std::map<int, Track> tracks_;  // by event index
  std::size_t last_stale_ = 0;
};

// Follows the timeline's events through every sync round of a drill
// (FreshnessTracker) and fills the report's freshness section at the end;
// each round's stale record count is its metric "freshness.stale_records".
class FreshnessScorer final : public Scorer {
 public:
  std::string_view name() const override { return "freshness"; }
  std::vector<std::string_view> findingIds() const override {
    return {"stale-unannounced", "leaver-shown-active", "stale-data", "timeline-event-not-applied"};
  }
  NegativeControl negativeControl() const override {
    return {"cached_rounds.json", "scenarios/freshness.json", 1};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override;
  void finish(const DrillEndInput& input, ScoreSink& sink) override;

 private:
  FreshnessTracker tracker_;
};

}  // namespace faultline::harness
