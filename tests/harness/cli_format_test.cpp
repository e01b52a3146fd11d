// faultline run --format: which report files are written and named.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "tests/harness/cli_run.h"
#include "tests/reports/external_checks.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;
using reports::checks::freshTestDir;
using reports::checks::readWholeFile;

const std::string kSource = FAULTLINE_SOURCE_DIR;
const std::string kSyncOnce = kSource + "/tests/fixtures/sync_once.json";
const std::string kReferenceManifest = kSource + "/examples/connectors/reference/manifest.json";

using testing::cli;
using testing::CliRun;

// The reference connector passes sync_once, seed 5.
CliRun runReference(const std::string& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {
      "run", "--connector", kReferenceManifest, "--scenario", kSyncOnce, "--out", dir};
  args.insert(args.end(), extra.begin(), extra.end());
  return cli(args);
}

std::vector<std::string> reportLines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("report: ", 0) == 0) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> filesIn(const std::string& dir) {
  std::vector<std::string> names;
  // Everything under --out: the connector's folder holds the reports.
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CliFormatTest, WritesEveryChosenFormatBesideTheJsonReport) {
  const std::string dir = freshTestDir("cli_format_all");
  const CliRun r = runReference(dir, {"--format", "md,junit,json"});
  ASSERT_EQ(r.code, kExitPassed) << r.out << r.err;
  const std::string stem = dir + "/reference-scim/sync-once-seed5";
  EXPECT_EQ(reportLines(r.out),
            (std::vector<std::string>{"report: " + stem + ".json", "report: " + stem + ".junit.xml",
                                      "report: " + stem + ".md"}));
  EXPECT_NE(r.out.find("report: " + stem + ".md\njournal: " + stem + ".journal.jsonl\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(filesIn(dir),
            (std::vector<std::string>{"sync-once-seed5.journal.jsonl", "sync-once-seed5.json",
                                      "sync-once-seed5.junit.xml", "sync-once-seed5.md"}));

  // A real drill's reports are valid and agree on the verdict.
  const auto json = reports::checks::validateJsonReports({stem + ".json"});
  EXPECT_EQ(json.code, 0) << json.output;
  const auto xml = reports::checks::validateJunitXml(stem + ".junit.xml");
  EXPECT_EQ(xml.code, 0) << xml.output;
  EXPECT_NE(readWholeFile(stem + ".json").find("\"verdict\": \"passed\""), std::string::npos);
  EXPECT_NE(readWholeFile(stem + ".junit.xml").find("failures=\"0\" errors=\"0\" skipped=\"0\""),
            std::string::npos);
  EXPECT_EQ(readWholeFile(stem + ".md").rfind("## ✅ faultline drill passed: sync-once × ", 0), 0u);
}

TEST(CliFormatTest, WritesOnlyTheJsonReportByDefault) {
  const std::string dir = freshTestDir("cli_format_default");
  const CliRun r = runReference(dir, {});
  ASSERT_EQ(r.code, kExitPassed) << r.out << r.err;
  EXPECT_EQ(reportLines(r.out),
            std::vector<std::string>{"report: " + dir + "/reference-scim/sync-once-seed5.json"});
  EXPECT_EQ(filesIn(dir),
            (std::vector<std::string>{"sync-once-seed5.journal.jsonl", "sync-once-seed5.json"}));
}

TEST(CliFormatTest, WritesOnlyTheChosenFormatsEachOnce) {
  const std::string dir = freshTestDir("cli_format_junit_only");
  const CliRun r = runReference(dir, {"--format", "junit,junit"});
  ASSERT_EQ(r.code, kExitPassed) << r.out << r.err;
  EXPECT_EQ(
      reportLines(r.out),
      std::vector<std::string>{"report: " + dir + "/reference-scim/sync-once-seed5.junit.xml"});
  EXPECT_EQ(filesIn(dir), (std::vector<std::string>{"sync-once-seed5.journal.jsonl",
                                                    "sync-once-seed5.junit.xml"}));
}

// Bad lists are usage errors caught before the drill starts: nothing runs and
// nothing is written.
class CliBadFormatTest : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(CliBadFormatTest, RejectsTheListNamingTheBadValue) {
  const auto& [list, bad] = GetParam();
  // One folder per parameter: ctest runs the parameters in parallel.
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(name.begin(), name.end(), '/', '_');
  const std::string dir = freshTestDir("cli_format_bad_" + name);
  const CliRun r = runReference(dir, {"--format", list});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline run: --format: unknown format \"" + bad +
                       "\" (expected json, junit, md or html); see faultline --help\n");
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(filesIn(dir).empty());
}

INSTANTIATE_TEST_SUITE_P(Lists, CliBadFormatTest,
                         ::testing::Values(std::pair<std::string, std::string>{"xml", "xml"},
                                           std::pair<std::string, std::string>{"json,htm", "htm"},
                                           std::pair<std::string, std::string>{"JSON", "JSON"},
                                           std::pair<std::string, std::string>{"json,", ""},
                                           std::pair<std::string, std::string>{"", ""},
                                           std::pair<std::string, std::string>{"json, md", " md"}));

TEST(CliFormatTest, RejectsFormatWithoutValue) {
  const CliRun r = cli({"run", "--connector", kReferenceManifest, "--format"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline run: --format needs a value; see faultline --help\n");
}

TEST(CliFormatTest, HelpDescribesFormat) {
  const CliRun r = cli({"--help"});
  EXPECT_NE(r.out.find("[--format LIST]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("comma-separated list of json, junit, md and html (default json)"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace faultline::harness
