#pragma once

#include <string>
#include <vector>

#include "harness/scorers/findings.h"
#include "harness/scorers/revocation.h"
#include "harness/scorers/scorer.h"
#include "mocks/tenant.h"

namespace faultline::harness {

// A change to the tenant that a connector request made and nobody asked for
// (docs/scoring.md, "Collateral changes").
struct CollateralChange {
  mocks::Change change;
  std::uint64_t request = 0;  // the journal seq of the request that made it
  // The request whose change this one reverses in the same operation (a
  // membership re-added after its removal): state flipped; 0 when none.
  std::uint64_t undoes = 0;
  std::string describe() const;
};

// The changes among `changes` made by the connector's own requests (cause
// "request #N") that none of `actions` asked for. A sync asks for nothing,
// so every change a sync's requests make is collateral. Changes the target
// made itself (fault reverts, timeline events) are never the connector's.
std::vector<CollateralChange> findCollateral(const std::vector<mocks::Change>& changes,
                                             const std::vector<RevokeAction>& actions);

// One critical `collateral-change` finding per operation that made any,
// naming each principal, the access path and the request.
void addCollateralFindings(const OperationEvidence& op,
                           const std::vector<CollateralChange>& collateral,
                           std::vector<reports::Finding>& out);

// Flags every change the connector's requests made that its operation did
// not ask for; a sync asks for none.
class CollateralScorer final : public Scorer {
 public:
  std::string_view name() const override { return "collateral"; }
  std::vector<std::string_view> findingIds() const override { return {"collateral-change"}; }
  NegativeControl negativeControl() const override {
    return {"overreach.json", "scenarios/baseline.json", 1};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override {
    const std::vector<RevokeAction> none;
    addCollateralFindings(*input.evidence,
                          findCollateral(*input.changes, input.actions ? *input.actions : none),
                          sink.findings());
  }
};

}  // namespace faultline::harness
