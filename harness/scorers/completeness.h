#pragma once

#include <string>
#include <vector>

#include "harness/protocol.h"
#include "harness/scorers/scorer.h"
#include "mocks/tenant.h"
#include "reports/report.h"

namespace faultline::harness {

// Completeness of one sync against the ground truth (docs/scoring.md).
struct CompletenessScore {
  std::vector<reports::TypeScore> types;  // account, group, entitlement, grant, credential
  std::size_t dangling_total = 0;
  std::vector<std::string> dangling;  // capped examples: "grant line 12: target g-1 not returned"
  std::vector<std::string> attribute_examples;  // capped examples of wrong attribute values
  bool complete() const;                        // recall 1 for every type
  bool exact() const;  // complete, precision 1, no duplicates, no mismatches
  double minRecall() const;
};

inline constexpr std::size_t kMaxListedIds = 50;

// A record counts as expected when it existed both at the start and at the
// end of the sync window (the tenant may change in between); a returned
// record is a phantom only when it existed at neither instant.
CompletenessScore scoreCompleteness(const mocks::TenantState& at_start,
                                    const mocks::TenantState& at_end,
                                    const ConnectorOutput& output);

// Judges each sync round's output against the ground truth: what is
// missing, invented, duplicated, wrong or dangling, and whether the declared
// status owned up to it (docs/scoring.md, "Completeness", "Honesty").
class CompletenessScorer final : public Scorer {
 public:
  std::string_view name() const override { return "completeness"; }
  std::vector<std::string_view> findingIds() const override;
  NegativeControl negativeControl() const override {
    return {"first_page_only.json", "scenarios/baseline.json", 3};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override;
};

}  // namespace faultline::harness
