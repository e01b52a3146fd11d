// The scorer registry: every scorer a drill runs is listed once, and each
// names a negative control, a flawed fixture connector that must make it fail.
#include "harness/scorers/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

using testing::kSource;

std::vector<std::string> scorerNames() {
  std::vector<std::string> out;
  for (const auto& s : makeScorers()) out.emplace_back(s->name());
  return out;
}

TEST(ScorerRegistryTest, NamesAndFindingIdsAreUnique) {
  const auto scorers = makeScorers();
  ASSERT_FALSE(scorers.empty());
  std::set<std::string_view> names;
  std::set<std::string_view> ids;
  for (const auto& s : scorers) {
    EXPECT_FALSE(s->name().empty());
    EXPECT_TRUE(names.insert(s->name()).second) << "two scorers named " << s->name();
    EXPECT_FALSE(s->findingIds().empty()) << s->name();
    for (const auto id : s->findingIds())
      EXPECT_TRUE(ids.insert(id).second) << id << " is raised by two scorers";
  }
}

TEST(ScorerRegistryTest, ListsEveryScorerTheDrillRanByHand) {
  EXPECT_EQ(scorerNames(), (std::vector<std::string>{"completeness", "revocation", "collateral",
                                                     "process", "protocol", "retry-after",
                                                     "behaviour", "secret-hygiene", "freshness"}));
}

TEST(ScorerRegistryTest, EachNamesANegativeControlThatExists) {
  for (const auto& s : makeScorers()) {
    SCOPED_TRACE(std::string(s->name()));
    const NegativeControl c = s->negativeControl();
    const std::filesystem::path fixture =
        std::filesystem::path(kSource) / "tests/fixtures/connectors" / std::string(c.fixture);
    EXPECT_TRUE(std::filesystem::is_regular_file(fixture)) << fixture;
    EXPECT_EQ(fixture.extension(), ".json") << "a manifest";
    EXPECT_TRUE(
        std::filesystem::is_regular_file(std::filesystem::path(kSource) / std::string(c.scenario)))
        << c.scenario;
  }
}

// Each scorer's negative control, run as a drill, must fail it: at least one
// error or critical finding among the ids that scorer raises.
class NegativeControlOfScorer : public ::testing::TestWithParam<std::string> {};

TEST_P(NegativeControlOfScorer, FailsTheScorer) {
  const auto scorers = makeScorers();
  const auto it = std::find_if(scorers.begin(), scorers.end(),
                               [&](const auto& s) { return s->name() == GetParam(); });
  ASSERT_NE(it, scorers.end());
  const Scorer& scorer = **it;
  const NegativeControl c = scorer.negativeControl();
  const auto r =
      testing::runFixtureDrill("tests/fixtures/connectors/" + std::string(c.fixture),
                               std::string(c.scenario), c.seed, "negative-control-" + GetParam());
  const auto ids = scorer.findingIds();
  const bool failed = std::any_of(r.findings.begin(), r.findings.end(), [&](const auto& f) {
    return f.severity >= reports::Severity::Error &&
           std::find(ids.begin(), ids.end(), f.id) != ids.end();
  });
  EXPECT_TRUE(failed) << c.fixture << " on " << c.scenario << " did not fail " << GetParam() << "\n"
                      << testing::describeFindings(r);
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
}

INSTANTIATE_TEST_SUITE_P(Registry, NegativeControlOfScorer, ::testing::ValuesIn(scorerNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace faultline::harness
