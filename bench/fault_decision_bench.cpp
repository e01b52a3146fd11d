// The fault engine's per-request cost (issue #3 target: under 1 us for a
// 20-rule plan), measured on the decision alone.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "mocks/fault_engine.h"

namespace {

using namespace faultline;

std::vector<scenarios::FaultRule> twentyRules() {
  std::vector<scenarios::FaultRule> rules;
  const scenarios::FaultKind kinds[] = {
      scenarios::FaultKind::RateLimit, scenarios::FaultKind::ServerError,
      scenarios::FaultKind::ShortPage, scenarios::FaultKind::RenameAttribute};
  for (int i = 0; i < 20; ++i) {
    scenarios::FaultRule r;
    r.id = "rule-" + std::to_string(i);
    r.kind = kinds[i % 4];
    r.status = r.kind == scenarios::FaultKind::RateLimit ? 429 : 503;
    r.match.resource = i % 2 == 0 ? "Users" : "Groups";
    r.match.page = scenarios::Range{i + 2, i + 3};
    r.match.probability = 0.01;
    r.from = "userName";
    r.to = "login";
    rules.push_back(r);
  }
  return rules;
}

void BM_FaultDecision20Rules(benchmark::State& state) {
  mocks::FaultEngine engine(twentyRules(), 7);
  mocks::FaultRequest request{"GET", "/scim/v2/Users", "", "Users", "", 1, 1, 0, "tok-1"};
  std::int64_t n = 0;
  for (auto _ : state) {
    request.page = 1 + (n % 30);
    request.query = "startIndex=" + std::to_string(1 + (n % 30) * 100) + "&count=100";
    request.ordinal = static_cast<std::uint64_t>(++n);
    auto decision = engine.decide(request);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_FaultDecision20Rules);

}  // namespace
