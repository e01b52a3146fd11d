// `faultline compare` on real drills: two runs of the same connector agree;
// the same connector with one flaw switched on is flagged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

const std::string kSource = FAULTLINE_SOURCE_DIR;

int run(const std::vector<std::string>& args, std::string* out = nullptr) {
  std::ostringstream o, e;
  const int code = runCli(args, o, e);
  if (out != nullptr) *out = o.str() + e.str();
  return code;
}

std::string drillInto(const std::string& name, const std::string& manifest) {
  const auto dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / "compare" / name;
  fs::remove_all(dir);
  run({"run", "--connector", kSource + "/" + manifest, "--scenario",
       kSource + "/scenarios/partial_pages.json", "--out", dir.string(), "--quiet"});
  fs::remove_all(dir / "state");
  return dir.string();
}

TEST(CliCompareTest, SameConnectorTwiceIsNoRegressionAndAPlantedFlawIs) {
  const std::string base = drillInto("base", "examples/connectors/reference/manifest.json");
  const std::string same = drillInto("same", "examples/connectors/reference/manifest.json");
  const std::string flawed = drillInto("flawed", "tests/fixtures/connectors/first_page_only.json");
  std::string out;
  EXPECT_EQ(run({"compare", base, same}, &out), 0) << out;
  EXPECT_NE(out.find("result: 0 regression(s)"), std::string::npos) << out;
  EXPECT_EQ(run({"compare", base, flawed}, &out), 1) << out;
  EXPECT_NE(out.find("REGRESSED partial-pages seed 7171  -  verdict: passed -> failed"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("sync-1  completeness.account.recall: 1.000 -> "), std::string::npos) << out;
  EXPECT_NE(out.find("because: silent-loss: Declared complete but"), std::string::npos) << out;
}

TEST(CliCompareTest, ADrillMissingFromHeadIsARegressionAndBadInputIsAUsageError) {
  const auto root = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / "compare-missing";
  fs::remove_all(root);
  fs::create_directories(root / "empty");
  const std::string base = drillInto("base2", "examples/connectors/reference/manifest.json");
  std::string out;
  EXPECT_EQ(run({"compare", base, (root / "empty").string()}, &out), 1) << out;
  EXPECT_NE(out.find("missing from HEAD"), std::string::npos) << out;
  EXPECT_EQ(run({"compare", base}, &out), 2);
  EXPECT_EQ(
      run({"compare", kSource + "/scenarios/baseline.json", kSource + "/scenarios/baseline.json"},
          &out),
      2);
  EXPECT_NE(out.find("/faultline_report: missing"), std::string::npos) << out;
}

TEST(CliCompareTest, AMalformedReportIsRefusedNamingFileAndPointer) {
  const auto dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / "compare-malformed";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string good = (dir / "good.json").string();
  const std::string bad = (dir / "bad.json").string();
  const std::string head =
      R"({"faultline_report":1,"scenario":{"name":"d"},"seed":7,"verdict":"failed",)"
      R"("operations":[{"label":"sync-1"}],"findings":[)";
  std::ofstream(good) << head << "]}";
  std::ofstream(bad) << head << R"({"id":"silent-loss","severity":4}]})";
  std::string out;
  EXPECT_EQ(run({"compare", good, bad}, &out), 2) << out;
  EXPECT_EQ(out, "faultline compare: " + bad + ":/findings/0/severity: must be a string, got 4\n");
  std::ofstream(bad, std::ios::trunc) << head << R"(],"seed":8})";
  EXPECT_EQ(run({"compare", good, bad}, &out), 2) << out;
  EXPECT_EQ(out, bad + ":/seed: duplicate key; each key may appear once in an object\n");
  std::ofstream(bad, std::ios::trunc) << std::string(100'000, '[') << std::string(100'000, ']');
  EXPECT_EQ(run({"compare", good, bad}, &out), 2) << out;
  EXPECT_NE(out.find(bad + ": arrays and objects nested deeper than 128 levels"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace faultline::harness
