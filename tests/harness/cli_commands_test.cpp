// What each command says about itself, and how it finds what it is given.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "tests/harness/cli_run.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

using testing::cli;
using testing::CliRun;

const std::vector<std::string> kCommands = {
    "run", "suite", "verify", "history", "merge", "validate", "list-scenarios", "compare", "mock"};

class CommandHelpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CommandHelpTest, PrintsThatCommandsHelpOnly) {
  const std::string command = GetParam();
  const CliRun r = cli({command, "--help"});
  EXPECT_EQ(r.code, kExitPassed) << r.err;
  EXPECT_EQ(r.out.rfind("usage:\n  faultline " + command + " ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("exit codes:"), std::string::npos);
  for (const std::string other : kCommands) {
    if (other != command) {
      EXPECT_EQ(r.out.find("  faultline " + other + " "), std::string::npos) << r.out;
    }
  }
  // -h and `faultline help COMMAND` print the same text.
  const CliRun short_flag = cli({command, "-h"});
  EXPECT_EQ(short_flag.code, kExitPassed);
  EXPECT_EQ(short_flag.out, r.out);
  const CliRun help = cli({"help", command});
  EXPECT_EQ(help.code, kExitPassed) << help.err;
  EXPECT_EQ(help.out, r.out);
  // Even after other options, as a user adds it to a command line they are
  // writing.
  const CliRun late = cli({command, "--quiet", "--help"});
  EXPECT_EQ(late.code, kExitPassed);
  EXPECT_EQ(late.out, r.out);
}

INSTANTIATE_TEST_SUITE_P(Commands, CommandHelpTest, ::testing::ValuesIn(kCommands),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

// run reads the scenario before the manifest: with no manifest, a scenario
// that was found fails on the manifest instead.
bool scenarioFound(const std::string& name) {
  const CliRun r = cli({"run", "--connector", "/nonexistent/manifest.json", "--scenario", name});
  return r.err == "/nonexistent/manifest.json: cannot open file: No such file or directory\n";
}

TEST(CliCommandsTest, HelpForAnUnknownCommandIsAUsageError) {
  const CliRun r = cli({"help", "frobnicate"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err, "faultline help: unknown command \"frobnicate\"; see faultline --help\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(cli({"help"}).code, kExitPassed);
  EXPECT_EQ(cli({"help", "run", "suite"}).code, kExitUsage);
}

TEST(CliCommandsTest, HelpNamesEveryDocumentAndEveryFormat) {
  const CliRun r = cli({"--help"});
  for (const auto& entry : fs::directory_iterator(std::string(FAULTLINE_SOURCE_DIR) + "/docs")) {
    const std::string doc = "docs/" + entry.path().filename().string();
    EXPECT_NE(r.out.find(doc), std::string::npos) << doc << " is not named in --help";
  }
  EXPECT_NE(r.out.find("json, junit, md and html"), std::string::npos);
  EXPECT_NE(r.out.find("[--format text|md|json]"), std::string::npos);
}

TEST(CliCommandsTest, ScenarioIsFoundByTheNameListScenariosPrints) {
  const CliRun listed = cli({"list-scenarios"});
  ASSERT_EQ(listed.code, kExitPassed) << listed.err;
  // Every name printed is one --scenario takes.
  std::istringstream lines(listed.out);
  std::size_t names = 0;
  for (std::string line; std::getline(lines, line); ++names) {
    const std::string name = line.substr(0, line.find(' '));
    EXPECT_TRUE(scenarioFound(name)) << name << " was not found by --scenario";
  }
  EXPECT_GT(names, 20u);
}

TEST(CliCommandsTest, ScenarioNamesTakeHyphenOrUnderscoreAndMisspellingsGetASuggestion) {
  for (const std::string name : {"rate-limits", "rate_limits", "Rate_Limits"}) {
    EXPECT_TRUE(scenarioFound(name)) << name;
  }
  const CliRun typo = cli({"mock", "--scenario", "rate-limit"});
  EXPECT_EQ(typo.code, kExitUsage);
  EXPECT_EQ(
      typo.err.rfind("faultline mock: --scenario rate-limit: no such file, and no scenario of "
                     "that name in scenarios/",
                     0),
      0u)
      << typo.err;
  EXPECT_NE(typo.err.find(" (did you mean rate-limits? list-scenarios prints the names); see "
                          "faultline --help\n"),
            std::string::npos)
      << typo.err;
  const CliRun nothing_close = cli({"mock", "--scenario", "zzzzzzzzzzzz"});
  EXPECT_NE(nothing_close.err.find(" (list-scenarios prints the names)"), std::string::npos)
      << nothing_close.err;
  EXPECT_EQ(nothing_close.err.find("did you mean"), std::string::npos) << nothing_close.err;
  // A file path by the name instead of the file.
  const CliRun path = cli({"mock", "--scenario", "scenarios/rate-limits.json"});
  EXPECT_EQ(path.err,
            "faultline mock: --scenario scenarios/rate-limits.json: no such file (did you mean "
            "scenarios/rate_limits.json?); see faultline --help\n");
}

TEST(CliCommandsTest, ListScenariosOutsideTheRepositoryListsTheShippedOnes) {
  // The working directory has no scenarios folder: the one beside the build
  // is listed, as --scenario NAME would search it. Run as a process so the
  // working directory is its own.
  const std::string faultline = std::string(FAULTLINE_BINARY_DIR) + "/faultline";
  ASSERT_TRUE(fs::exists(faultline));
  const fs::path dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / "list-elsewhere";
  fs::create_directories(dir);
  const std::string command =
      "cd '" + dir.string() + "' && '" + faultline + "' list-scenarios > out.txt 2> err.txt";
  EXPECT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(dir / "out.txt");
  const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(out.find("rate-limits     3 faults"), std::string::npos) << out;
}

TEST(CliCommandsTest, RunAcceptsAShippedScenarioByName) {
  std::random_device random;
  const fs::path out =
      fs::temp_directory_path() / ("cli_commands_test." + std::to_string(random() % 1000000));
  const CliRun r = cli({"run", "--connector", "tests/fixtures/connectors/misbehaving_crash.json",
                        "--scenario", "baseline", "--out", out.string(), "--quiet"});
  EXPECT_NE(r.code, kExitUsage) << r.err;
  EXPECT_TRUE(fs::exists(out / "misbehaving-crash" / "baseline-seed20261123.json"))
      << r.out << r.err;
  fs::remove_all(out);
}

TEST(CliCommandsTest, QuietPrintsOneLineWithVerdictScoresAndReport) {
  const std::string out = testing::freshDir("cli_quiet");
  const CliRun r =
      cli({"run", "--connector", "examples/connectors/reference/manifest.json", "--scenario",
           "tests/fixtures/sync_once.json", "--out", out, "--quiet", "--format", "md,json"});
  ASSERT_EQ(r.code, kExitPassed) << r.err;
  EXPECT_EQ(r.out,
            "passed: sync-once seed 5, reference-scim: min recall 1.000, min precision "
            "1.000, 0 findings; report " +
                out + "/reference-scim/sync-once-seed5.json\n");
  EXPECT_EQ(r.err, "");
  const CliRun failed = cli({"run", "--connector", "tests/fixtures/connectors/first_page_only.json",
                             "--scenario", "partial-pages", "--out", out, "--quiet"});
  EXPECT_EQ(failed.code, kExitFailed) << failed.err;
  EXPECT_EQ(std::count(failed.out.begin(), failed.out.end(), '\n'), 1) << failed.out;
  EXPECT_EQ(failed.out.rfind("failed: partial-pages seed 7171, first-page-only: min recall ", 0),
            0u)
      << failed.out;
  EXPECT_NE(failed.out.find(" critical"), std::string::npos) << failed.out;
  EXPECT_NE(failed.out.find("; report " + out + "/first-page-only/partial-pages-seed7171.json\n"),
            std::string::npos)
      << failed.out;
}

TEST(CliCommandsTest, SuiteQuietPrintsOneLine) {
  const std::string dir = testing::freshDir("cli_suite_quiet");
  const std::string source = FAULTLINE_SOURCE_DIR;
  const std::string suite =
      testing::writeFile(dir + "/suite.json",
                         R"({"faultline_suite": 1, "name": "quiet", "connectors": [")" + source +
                             R"(/examples/connectors/reference/manifest.json"], "scenarios": [")" +
                             source + R"(/tests/fixtures/sync_once.json"], "seeds": [1]})");
  const CliRun r = cli({"suite", suite, "--out", dir + "/out", "--quiet", "--jobs", "1"});
  ASSERT_EQ(r.code, kExitPassed) << r.out << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_EQ(r.out.rfind("suite quiet: passed, 1 drill, 1 passed (", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(" ms, 1 job); summary " + dir + "/out/summary.json\n"), std::string::npos)
      << r.out;
}

// Two connectors drilled into one --out keep their own reports; every run
// has its own drill id; the connector's state folder is not left in --out.
TEST(CliCommandsTest, ReportsCarryTheConnectorAndRunsTheirOwnDrillId) {
  const std::string out = testing::freshDir("cli_two_connectors");
  for (const std::string manifest :
       {"examples/connectors/reference/manifest.json", "tests/fixtures/connectors/single_pass.json",
        "examples/connectors/reference/manifest.json"}) {
    const CliRun r = cli({"run", "--connector", manifest, "--scenario", "baseline", "--seed", "3",
                          "--out", out, "--quiet"});
    ASSERT_NE(r.code, kExitUsage) << r.err;
  }
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(out))
    files.push_back(e.path().lexically_relative(out).generic_string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files,
            (std::vector<std::string>{
                "reference-scim", "reference-scim/baseline-seed3.journal.jsonl",
                "reference-scim/baseline-seed3.json", "single-pass",
                "single-pass/baseline-seed3.journal.jsonl", "single-pass/baseline-seed3.json"}));
  std::ifstream a(fs::path(out) / "reference-scim" / "baseline-seed3.json");
  std::ifstream b(fs::path(out) / "single-pass" / "baseline-seed3.json");
  const auto idOf = [](std::ifstream& in) {
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("\"drill_id\": \"") + 13;
    return text.substr(at, text.find('"', at) - at);
  };
  const std::string first = idOf(a), second = idOf(b);
  EXPECT_NE(first, second);
  // Same scenario and seed: the same first part, a different run part.
  EXPECT_EQ(first.substr(0, first.rfind('-')), second.substr(0, second.rfind('-')));
  EXPECT_EQ(first.size(), second.size());
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
  EXPECT_NE(
      r.err.find(manifest.string() + ":/command: connector command './nowhere.sh': not found"),
      std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  fs::remove_all(dir);
}

// validate and run resolve a manifest's command with one function: a file
// that is not executable, a name not on PATH and a name that is all get the
// same answer from both.
TEST(CliCommandsTest, ValidateAndRunAgreeOnTheCommand) {
  const std::string dir = testing::freshDir("cli_validate_command");
  testing::writeFile(dir + "/plain.sh", "#!/bin/sh\n");
  const std::string not_executable = testing::writeFile(
      dir + "/not_executable.json",
      R"({"faultline_manifest":1,"name":"x","command":"plain.sh","operations":["sync"]})");
  const std::string not_on_path = testing::writeFile(
      dir + "/not_on_path.json",
      R"({"faultline_manifest":1,"name":"x","command":"no-such-connector-zz","operations":["sync"]})");
  const std::string on_path = testing::writeFile(
      dir + "/on_path.json",
      R"({"faultline_manifest":1,"name":"x","command":"true","operations":["sync"]})");
  const CliRun v1 = cli({"validate", not_executable});
  EXPECT_EQ(v1.code, kExitUsage);
  EXPECT_EQ(v1.err, not_executable +
                        ":/command: connector command './plain.sh': not executable at '" + dir +
                        "/plain.sh'\n");
  const CliRun v2 = cli({"validate", not_on_path});
  EXPECT_EQ(v2.err, not_on_path +
                        ":/command: connector command 'no-such-connector-zz': not found on PATH\n");
  const CliRun v3 = cli({"validate", on_path});
  EXPECT_EQ(v3.code, kExitPassed) << v3.err;
  // A suite naming that manifest is refused for it, as suite would refuse it.
  const std::string suite =
      testing::writeFile(dir + "/suite.json",
                         R"({"faultline_suite": 1, "name": "s", "connectors": ["not_on_path.json"],
      "scenarios": [")" + std::string(FAULTLINE_SOURCE_DIR) +
                             R"(/tests/fixtures/sync_once.json"], "seeds": [1]})");
  const CliRun v4 = cli({"validate", suite});
  EXPECT_EQ(v4.code, kExitUsage);
  EXPECT_EQ(v4.err, v2.err);
  EXPECT_EQ(v4.out, "");
  for (const auto& [manifest, validated] :
       {std::pair{not_executable, v1}, std::pair{not_on_path, v2}}) {
    const CliRun ran = cli({"run", "--connector", manifest, "--scenario",
                            "tests/fixtures/sync_once.json", "--out", dir, "--quiet"});
    EXPECT_EQ(ran.code, kExitUsage);
    EXPECT_EQ(ran.err, validated.err);
  }
}

}  // namespace
}  // namespace faultline::harness
