// What each command says about itself, and how it finds what it is given.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "tests/harness/cli_run.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

using testing::CliRun;
using testing::cli;

class CommandHelpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CommandHelpTest, PrintsThatCommandsHelpOnly) {
  const std::string command = GetParam();
  const CliRun r = cli({command, "--help"});
  EXPECT_EQ(r.code, kExitPassed) << r.err;
  EXPECT_EQ(r.out.rfind("usage:\n  faultline " + command + " ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("exit codes:"), std::string::npos);
  for (const std::string other : {"run", "validate", "list-scenarios", "compare", "mock"}) {
    if (other != command) {
      EXPECT_EQ(r.out.find("  faultline " + other + " "), std::string::npos) << r.out;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Commands, CommandHelpTest,
                         ::testing::Values("run", "validate", "list-scenarios", "compare", "mock"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(CliCommandsTest, ScenarioIsFoundByTheNameListScenariosPrints) {
  const CliRun listed = cli({"list-scenarios"});
  ASSERT_NE(listed.out.find("rate-limits "), std::string::npos) << listed.out;
  const CliRun unknown = cli({"mock", "--scenario", "no-such-scenario"});
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_NE(unknown.err.find("no scenario of that name in scenarios/"), std::string::npos)
      << unknown.err;
  EXPECT_NE(unknown.err.find("list-scenarios prints the names"), std::string::npos);
}

TEST(CliCommandsTest, RunAcceptsAShippedScenarioByName) {
  std::random_device random;
  const fs::path out =
      fs::temp_directory_path() / ("cli_commands_test." + std::to_string(random() % 1000000));
  const CliRun r = cli({"run", "--connector", "tests/fixtures/connectors/misbehaving_crash.json",
                        "--scenario", "baseline", "--out", out.string(), "--quiet"});
  EXPECT_NE(r.code, kExitUsage) << r.err;
  EXPECT_TRUE(fs::exists(out / "baseline-seed20261123.json")) << r.out << r.err;
  fs::remove_all(out);
}

TEST(CliCommandsTest, ValidateResolvesAManifestsCommandAsRunWould) {
  std::random_device random;
  const fs::path dir =
      fs::temp_directory_path() / ("cli_commands_test." + std::to_string(random() % 1000000));
  fs::create_directories(dir);
  const fs::path manifest = dir / "m.json";
  std::ofstream(manifest) << R"({"faultline_manifest": 1, "name": "x", "command": "./nowhere.sh",
    "operations": ["sync"]})";
  const CliRun r = cli({"validate", manifest.string()});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find(manifest.string() + ":/command: connector command './nowhere.sh': not found"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace faultline::harness
