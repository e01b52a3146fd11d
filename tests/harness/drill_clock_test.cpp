// The drill clock is injectable: a drill that runs no connector process is
// timed entirely on a fake clock, with no sleeping and no real time.
#include <gtest/gtest.h>

#include <string>

#include "harness/drill.h"
#include "harness/manifest.h"
#include "mocks/clock.h"
#include "scenarios/scenario.h"
#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

using testing::kSource;
using testing::testOutDir;

// The fixture connector offers only sync, so neither revoke runs a process.
reports::Report revokeOnlyDrill(const mocks::Clock& clock, const std::string& name) {
  const auto scenario = scenarios::parseScenario(R"({
    "faultline_scenario": 1,
    "name": "revoke-only",
    "description": "Two revokes the connector cannot run.",
    "seed": 9,
    "tenant": {"accounts": 10, "groups": 2, "entitlements": 2, "nesting_depth": 1},
    "operations": [{"op": "revoke", "label": "revoke-1", "deprovision": 1},
                   {"op": "revoke", "label": "revoke-2", "deprovision": 1}]
  })",
                                                 "revoke_only.json");
  DrillOptions options;
  options.out_dir = testOutDir(name).string();
  options.connector_path = "misbehaving_crash.json";
  options.clock = &clock;
  return runDrill(scenario,
                  loadManifest(kSource + "/tests/fixtures/connectors/misbehaving_crash.json"),
                  options);
}

TEST(DrillClockTest, AFrozenFakeClockTimesEveryOperationAtItsInstant) {
  mocks::ManualClock clock;
  clock.setMs(86'400'000);  // a day in: no real monotonic clock reads this
  const auto r = revokeOnlyDrill(clock, "drill-clock-frozen");
  ASSERT_EQ(r.operations.size(), 2u);
  for (const auto& op : r.operations) {
    EXPECT_EQ(op.declared_status, "unsupported");
    EXPECT_EQ(op.started_ms, 86'400'000);
    EXPECT_EQ(op.duration_ms, 0);
  }
  EXPECT_EQ(r.duration_ms, 0);
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  EXPECT_EQ(r.journal_requests, 0u);
}

// A clock that moves 250 ms each time it is read: the drill's times are then
// a pure function of how often the loop reads it, the same on every run.
class TickingClock final : public mocks::Clock {
 public:
  std::int64_t nowMs() const override { return now_ += 250; }

 private:
  mutable std::int64_t now_ = 0;
};

TEST(DrillClockTest, TimesComeFromTheInjectedClockAndRepeatExactly) {
  TickingClock first;
  TickingClock second;
  const auto a = revokeOnlyDrill(first, "drill-clock-ticking-a");
  const auto b = revokeOnlyDrill(second, "drill-clock-ticking-b");
  ASSERT_EQ(a.operations.size(), 2u);
  ASSERT_EQ(b.operations.size(), 2u);
  EXPECT_GT(a.duration_ms, 0);
  EXPECT_EQ(a.duration_ms % 250, 0) << "every time is a whole number of ticks";
  EXPECT_EQ(a.duration_ms, b.duration_ms);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a.operations[i].started_ms % 250, 0);
    EXPECT_EQ(a.operations[i].started_ms, b.operations[i].started_ms);
    EXPECT_EQ(a.operations[i].duration_ms, b.operations[i].duration_ms);
  }
  EXPECT_LT(a.operations[0].started_ms, a.operations[1].started_ms);
}

}  // namespace
}  // namespace faultline::harness
