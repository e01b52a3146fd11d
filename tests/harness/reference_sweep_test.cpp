// The reference connector against every shipped scenario, seeds 1 to 10
// (issue #4): each drill must pass with no finding above informational. The
// negative controls prove each scorer can fail; this sweep proves none of
// them fails a connector that does everything right, whatever the seed
// schedules. A scenario added to scenarios/ joins the sweep by itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

using testing::describeFindings;
using testing::kReference;
using testing::kSource;
using testing::runFixtureDrill;

constexpr std::uint64_t kSeeds = 10;

std::vector<std::string> shippedScenarios() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/scenarios")) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ReferenceSweepTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceSweepTest, PassesEverySeedWithNothingAboveInformational) {
  const std::string scenario = "scenarios/" + GetParam() + ".json";
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE(scenario + " seed " + std::to_string(seed));
    const reports::Report r = runFixtureDrill(kReference, scenario, seed,
                                              "sweep-" + GetParam() + "-" + std::to_string(seed));
    EXPECT_EQ(r.verdict, reports::Verdict::Passed) << r.verdict_reason << "\n"
                                                   << describeFindings(r);
    for (const auto& f : r.findings) {
      EXPECT_EQ(f.severity, reports::Severity::Info)
          << f.id << " [" << f.metric << "] (" << f.operation << "): " << f.title;
    }
    // Every required fault fired, or the verdict would be inconclusive: the
    // sweep is only worth something if the faults were really there.
    for (const auto& fault : r.faults) {
      if (fault.min_fires > 0) {
        EXPECT_GE(fault.fired, fault.min_fires) << fault.id;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, ReferenceSweepTest, ::testing::ValuesIn(shippedScenarios()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// The sweep must not silently shrink: a renamed folder or a glob that finds
// nothing would otherwise pass with zero drills.
TEST(ReferenceSweepTest, FindsTheShippedScenarios) {
  const auto names = shippedScenarios();
  EXPECT_GE(names.size(), 25u);
  EXPECT_NE(std::find(names.begin(), names.end(), "baseline"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "process_death"), names.end());
}

}  // namespace
}  // namespace faultline::harness
