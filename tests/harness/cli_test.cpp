#include "harness/cli.h"
#include "tests/harness/cli_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

const std::string kSource = FAULTLINE_SOURCE_DIR;
const std::string kBaseline = kSource + "/scenarios/baseline.json";
const std::string kSyncOnce = kSource + "/tests/fixtures/sync_once.json";
const std::string kReferenceManifest = kSource + "/examples/connectors/reference/manifest.json";

using testing::cli;
using testing::CliRun;

using testing::freshDir;
using testing::writeFile;

TEST(CliTest, HelpExitsZeroAndDescribesTheTool) {
  const CliRun r = cli({"--help"});
  EXPECT_EQ(r.code, kExitPassed);
  EXPECT_EQ(r.out.rfind("faultline: chaos drills", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("exit codes:"), std::string::npos);
  EXPECT_EQ(r.err, "");
}

TEST(CliTest, VersionExitsZero) {
  const CliRun r = cli({"--version"});
  EXPECT_EQ(r.code, kExitPassed);
  EXPECT_EQ(r.out.rfind("faultline ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("(connector protocol 1, scenario format 1, report format 1)\n"),
            std::string::npos)
      << r.out;
}

TEST(CliTest, ValidateAcceptsTheBundledScenario) {
  const CliRun r = cli({"validate", kBaseline});
  EXPECT_EQ(r.code, kExitPassed) << r.err;
  EXPECT_EQ(r.out, kBaseline + ": valid scenario \"baseline\" (3 operations)\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliTest, ValidateAcceptsAConnectorManifest) {
  const CliRun r = cli({"validate", kReferenceManifest});
  EXPECT_EQ(r.code, kExitPassed) << r.err;
  EXPECT_EQ(r.out, kReferenceManifest + ": valid connector manifest\n");
}

// Usage errors and bad files: exit 2 with a message on err.

TEST(CliTest, NoArgumentsPrintsHelpAndExitsTwo) {
  const CliRun r = cli({});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.out.rfind("faultline: chaos drills", 0), 0u) << r.out;
}

TEST(CliTest, RejectsUnknownCommand) {
  const CliRun r = cli({"frobnicate"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline: unknown command \"frobnicate\"; see faultline --help\n");
  EXPECT_EQ(r.out, "");
}

TEST(CliTest, RunRequiresConnector) {
  const CliRun r = cli({"run"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline run: --connector is required; see faultline --help\n");
}

TEST(CliTest, RunRequiresScenario) {
  const CliRun r = cli({"run", "--connector", kReferenceManifest});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline run: --scenario is required; see faultline --help\n");
}

TEST(CliTest, RunRejectsOptionWithoutValue) {
  const CliRun r = cli({"run", "--scenario", kSyncOnce, "--connector"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline run: --connector needs a value; see faultline --help\n");
}

TEST(CliTest, RunRejectsUnknownOption) {
  const CliRun r = cli({"run", "--fast"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline run: unknown option --fast; see faultline --help\n");
}

TEST(CliTest, RunRejectsManifestWhoseCommandDoesNotExist) {
  const std::string dir = freshDir("cli_missing_command");
  const std::string manifest = writeFile(
      dir + "/manifest.json",
      R"({"faultline_manifest":1,"name":"gone","command":"./no-such-connector","operations":["sync"]})");
  const CliRun r = cli({"run", "--connector", manifest, "--scenario", kSyncOnce, "--out", dir});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, manifest + ":/command: connector command './no-such-connector': not found at '" +
                       dir + "/no-such-connector'\n");
  EXPECT_EQ(r.out, "");
}

TEST(CliTest, RunRejectsInvalidManifestWithPointer) {
  const std::string dir = freshDir("cli_bad_manifest");
  const std::string manifest = writeFile(
      dir + "/manifest.json",
      R"({"faultline_manifest":1,"name":"x","command":"/bin/true","operations":["delete"]})");
  const CliRun r = cli({"run", "--connector", manifest, "--scenario", kSyncOnce, "--out", dir});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, manifest + ":/operations/0: must be \"sync\" or \"revoke\", got \"delete\"\n");
}

// The manifest is valid and its command exists, so only the seed can stop
// the run; were it accepted, the drill would run and exit 1, not 2.
class CliSeedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CliSeedTest, RunRejectsSeedThatIsNotAnUnsignedInteger) {
  const std::string dir = freshDir("cli_bad_seed");
  const std::string manifest = writeFile(
      dir + "/manifest.json",
      R"({"faultline_manifest":1,"name":"t","command":"/bin/true","operations":["sync"]})");
  const CliRun r = cli({"run", "--connector", manifest, "--scenario", kSyncOnce, "--seed",
                        GetParam(), "--out", dir, "--quiet"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline run: --seed must be an integer in [0, 2^64), got \"" + GetParam() +
                       "\"; see faultline --help\n");
}

INSTANTIATE_TEST_SUITE_P(BadSeeds, CliSeedTest,
                         ::testing::Values("abc", "-1", "12x", "", "18446744073709551616"));

TEST(CliTest, ValidateRejectsBadScenarioWithFileAndPointer) {
  const std::string dir = freshDir("cli_validate_bad");
  const std::string bad = writeFile(
      dir + "/bad.json",
      R"({"faultline_scenario":1,"name":"x","operations":[{"op":"dance"}],"tenant":{"accounts":0}})");
  const CliRun r = cli({"validate", bad});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, bad + ":/tenant/accounts: must be >= 1, got 0\n" + bad +
                       ":/operations/0/op: must be one of: sync, revoke, got \"dance\"\n");
  EXPECT_EQ(r.out, "");
}

TEST(CliTest, ValidateReportsEachFileAndFailsIfAnyIsBad) {
  const std::string dir = freshDir("cli_validate_mixed");
  const std::string bad = writeFile(dir + "/broken.json", "{\"faultline_scenario\":1,");
  const CliRun r = cli({"validate", kBaseline, bad});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.out, kBaseline + ": valid scenario \"baseline\" (3 operations)\n");
  EXPECT_EQ(r.err.rfind(bad + ": invalid JSON: ", 0), 0u) << r.err;
}

TEST(CliTest, ValidateRejectsMissingFile) {
  const std::string missing = freshDir("cli_validate_missing") + "/absent.json";
  const CliRun r = cli({"validate", missing});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, missing + ": cannot open file: No such file or directory\n");
}

TEST(CliTest, ValidateNeedsAFile) {
  const CliRun r = cli({"validate"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline validate: validate needs at least one file; see faultline --help\n");
}

TEST(CliTest, ListScenariosPrintsOneLinePerShippedScenario) {
  const auto r = cli({"list-scenarios", kSource + "/scenarios"});
  EXPECT_EQ(r.code, 0) << r.err;
  std::size_t lines = 0, files = 0;
  for (char c : r.out) lines += c == '\n';
  for (const auto& e : fs::directory_iterator(kSource + "/scenarios"))
    files += e.path().extension() == ".json";
  EXPECT_EQ(lines, files);
  EXPECT_NE(r.out.find("baseline        0 faults  No faults."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rate-limits     3 faults"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stale-reads     1 fault  "), std::string::npos) << r.out;
}

TEST(CliTest, ListScenariosReportsInvalidFilesAndExitsTwo) {
  const std::string dir = freshDir("list-bad");
  writeFile(dir + "/bad.json", R"({"faultline_scenario":1,"operations":[{"op":"sync"}]})");
  const auto r = cli({"list-scenarios", dir});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, dir + "/bad.json:/name: is required\n");
}

}  // namespace
}  // namespace faultline::harness
