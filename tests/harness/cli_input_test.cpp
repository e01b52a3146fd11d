// Untrusted input files through the command line: whatever a file holds,
// faultline exits 2 with the file and the JSON pointer, never aborts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "tests/harness/cli_run.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

const std::string kSource = FAULTLINE_SOURCE_DIR;
const std::string kReference = kSource + "/examples/connectors/reference/manifest.json";
const std::string kSyncOnce = kSource + "/tests/fixtures/sync_once.json";

using Outcome = testing::CliRun;

Outcome run(const std::vector<std::string>& args) {
  return testing::cli(args);
}

std::string freshDir(const std::string& name) {
  return testing::freshDir("cli-input/" + name);
}

using testing::writeFile;

TEST(CliInputTest, AnOperationKindThatIsNotAStringIsAUsageError) {
  const std::string dir = freshDir("op-number");
  const std::string file = writeFile(
      dir + "/s.json", R"({"faultline_scenario":1,"name":"x","operations":[{"op":50,"label":"a"}]})");
  const Outcome validated = run({"validate", file});
  EXPECT_EQ(validated.code, 2);
  EXPECT_EQ(validated.err, file + ":/operations/0/op: must be a string, got 50\n");
  const Outcome ran =
      run({"run", "--connector", kReference, "--scenario", file, "--out", dir, "--quiet"});
  EXPECT_EQ(ran.code, 2);
  EXPECT_EQ(ran.err, file + ":/operations/0/op: must be a string, got 50\n");
}

TEST(CliInputTest, ANulByteInTheManifestIsAUsageErrorNotAStartFailure) {
  const std::string dir = freshDir("nul-arg");
  const std::string manifest = writeFile(
      dir + "/manifest.json",
      R"({"faultline_manifest":1,"name":"n","command":"true","args":["a\u0000b"],"operations":["sync"]})");
  const Outcome ran =
      run({"run", "--connector", manifest, "--scenario", kSyncOnce, "--out", dir, "--quiet"});
  EXPECT_EQ(ran.code, 2) << ran.out;
  EXPECT_EQ(ran.err, manifest +
                         ":/args/0: must not contain a NUL byte (\\u0000): a process argument or "
                         "environment value cannot hold one\n");
}

TEST(CliInputTest, APathThatIsAFolderOrASymlinkLoopSaysSo) {
  const std::string dir = freshDir("paths");
  const Outcome folder = run({"validate", dir});
  EXPECT_EQ(folder.code, 2);
  EXPECT_EQ(folder.err, dir + ": is a directory, not a file\n");
  const std::string loop = dir + "/loop.json";
  fs::create_symlink(loop, loop);
  const Outcome looped = run({"validate", loop});
  EXPECT_EQ(looped.code, 2);
  EXPECT_EQ(looped.err, loop + ": cannot open file: Too many levels of symbolic links\n");
}

TEST(CliInputTest, DeeplyNestedFilesOfEveryKindAreRefused) {
  const std::string dir = freshDir("deep");
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const std::string limit =
      ": arrays and objects nested deeper than 128 levels; faultline reads at most 128\n";
  const std::vector<std::string> heads = {R"({"faultline_policy":1,"x":)",
                                          R"({"faultline_manifest":1,"x":)",
                                          R"({"faultline_scenario":1,"x":)", ""};
  for (std::size_t i = 0; i < heads.size(); ++i) {
    const std::string file = writeFile(dir + "/f" + std::to_string(i) + ".json",
                                       heads[i] + deep + (heads[i].empty() ? "" : "}"));
    const Outcome validated = run({"validate", file});
    EXPECT_EQ(validated.code, 2);
    EXPECT_EQ(validated.err, file + limit);
  }
  const std::string policy = writeFile(dir + "/policy.json", R"({"faultline_policy":1,"x":)" + deep + "}");
  const Outcome ran = run({"run", "--connector", kReference, "--scenario", kSyncOnce, "--policy",
                           policy, "--out", dir, "--quiet"});
  EXPECT_EQ(ran.code, 2);
  EXPECT_EQ(ran.err, policy + limit);
}

TEST(CliInputTest, AnEmptyScenarioNameIsRefusedBeforeItNamesAReport) {
  const std::string dir = freshDir("empty-name");
  const std::string file = writeFile(
      dir + "/s.json", R"({"faultline_scenario":1,"name":"","operations":[{"op":"sync"}]})");
  const Outcome ran =
      run({"run", "--connector", kReference, "--scenario", file, "--out", dir, "--quiet"});
  EXPECT_EQ(ran.code, 2);
  EXPECT_NE(ran.err.find(file + ":/name: must be 1 to 100 letters"), std::string::npos) << ran.err;
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename(), "s.json") << "no report may be written";
}

}  // namespace
}  // namespace faultline::harness
