// `faultline compare` on real drills: two runs of the same connector agree;
// the same connector with one flaw switched on is flagged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  return dir.string();
}

TEST(CliCompareTest, SameConnectorTwiceIsNoRegressionAndAPlantedFlawIs) {
  const std::string base = drillInto("base", "examples/connectors/reference/manifest.json");
  const std::string same = drillInto("same", "examples/connectors/reference/manifest.json");
  const std::string flawed = drillInto("flawed", "tests/fixtures/connectors/first_page_only.json");
  std::string out;
  EXPECT_EQ(run({"compare", base, same}, &out), 0) << out;
  EXPECT_NE(out.find("result: 0 regressions, 0 improvements\n"), std::string::npos) << out;
  EXPECT_EQ(run({"compare", base, flawed}, &out), 1) << out;
  EXPECT_NE(out.find("regressed partial-pages seed 7171  -  verdict: passed -> failed"),
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
  EXPECT_NE(out.find("missing   reference-scim/partial-pages-seed7171.json: in BASE, not in HEAD"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("result: 0 regressions, 0 improvements, 1 drill missing from HEAD"),
            std::string::npos)
      << out;
  EXPECT_EQ(run({"compare", base}, &out), 2);
  EXPECT_EQ(
      run({"compare", kSource + "/scenarios/baseline.json", kSource + "/scenarios/baseline.json"},
          &out),
      2);
  EXPECT_NE(out.find("/faultline_report: missing"), std::string::npos) << out;
}

// Reports sit in a folder per connector; compare pairs them by that path, and
// across two connectors' folders by the report's own name.
TEST(CliCompareTest, FoldersPairByPathAndAcrossConnectorFolders) {
  const std::string base = drillInto("pair-base", "examples/connectors/reference/manifest.json");
  const std::string flawed =
      drillInto("pair-flawed", "tests/fixtures/connectors/first_page_only.json");
  ASSERT_TRUE(fs::exists(fs::path(base) / "reference-scim" / "partial-pages-seed7171.json"));
  ASSERT_TRUE(fs::exists(fs::path(flawed) / "first-page-only" / "partial-pages-seed7171.json"));
  std::string out;
  EXPECT_EQ(run({"compare", base, flawed}, &out), 1) << out;
  EXPECT_EQ(out.find("missing   "), std::string::npos) << out;
  // A suite's summary beside the reports is not a report.
  std::ofstream(fs::path(base) / "summary.json") << "{}";
  EXPECT_EQ(run({"compare", base, base}, &out), 0) << out;
}

TEST(CliCompareTest, FormatMdAndJsonSayWhatTextSays) {
  const std::string base = drillInto("fmt-base", "examples/connectors/reference/manifest.json");
  const std::string flawed =
      drillInto("fmt-flawed", "tests/fixtures/connectors/first_page_only.json");
  std::string md, json_text;
  EXPECT_EQ(run({"compare", base, flawed, "--format", "md"}, &md), 1) << md;
  EXPECT_EQ(md.rfind("### faultline compare: regressed\n\n", 0), 0u) << md;
  EXPECT_NE(
      md.find("| **regressed** | partial-pages seed 7171 | - | `verdict` | passed | failed |"),
      std::string::npos)
      << md;
  EXPECT_EQ(run({"compare", base, flawed, "--format", "json"}, &json_text), 1) << json_text;
  const auto j = nlohmann::json::parse(json_text);
  EXPECT_EQ(j["faultline_comparison"], 1);
  EXPECT_EQ(j["regressed"], true);
  EXPECT_GE(j["counts"]["regressed"].get<int>(), 2);
  EXPECT_EQ(j["changes"][0]["metric"], "verdict");
  std::string bad;
  EXPECT_EQ(run({"compare", base, flawed, "--format", "html"}, &bad), 2);
  EXPECT_EQ(bad,
            "faultline compare: --format must be text, md or json, got \"html\"; see faultline "
            "--help\n");
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
  EXPECT_NE(out.find(bad + ": arrays and objects nested deeper than 128 levels"), std::string::npos)
      << out;
}

}  // namespace
}  // namespace faultline::harness
