#include "harness/scorers/registry.h"

#include "harness/scorers/behaviour.h"
#include "harness/scorers/collateral.h"
#include "harness/scorers/completeness.h"
#include "harness/scorers/findings.h"
#include "harness/scorers/freshness.h"
#include "harness/scorers/revocation.h"

namespace faultline::harness {

std::vector<std::unique_ptr<Scorer>> makeScorers() {
  std::vector<std::unique_ptr<Scorer>> out;
  // The order is the report's: what the records say, then what the
  // requests did, then how the process behaved, then freshness, which also
  // sums up the whole drill at the end.
  out.push_back(std::make_unique<CompletenessScorer>());
  out.push_back(std::make_unique<RevocationScorer>());
  out.push_back(std::make_unique<CollateralScorer>());
  out.push_back(std::make_unique<ProcessScorer>());
  out.push_back(std::make_unique<ProtocolScorer>());
  out.push_back(std::make_unique<RetryAfterScorer>());
  out.push_back(std::make_unique<BehaviourScorer>());
  out.push_back(std::make_unique<SecretHygieneScorer>());
  out.push_back(std::make_unique<FreshnessScorer>());
  return out;
}

}  // namespace faultline::harness
