// The CI templates under examples/ci cannot run here (no GitHub, GitLab or
// Kubernetes), so each is parsed as YAML and every faultline command in it is
// checked against the CLI: the command exists, each option is one its help
// lists, and the suite it names is a suite faultline loads. The sharded flow
// they drive (shards, then merge) runs for real in SuiteMergeTest.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cli.h"
#include "scenarios/suite.h"

namespace faultline::harness {
namespace {

const std::string kSource = FAULTLINE_SOURCE_DIR;

std::string run(const std::string& command, int* code) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// Every faultline command in a YAML file, each checked against the CLI: the
// command exists, each option is one its help lists, and a suite it names
// loads. Returns the commands, each as its words.
std::vector<std::vector<std::string>> checkedCommands(const std::string& file) {
  int code = -1;
  // Debian's python3-yaml is in the system Python (setup.sh installs it).
  const std::string json = run("/usr/bin/python3 " + kSource + "/tests/harness/ci_commands.py '" +
                                   file + "' </dev/null",
                               &code);
  EXPECT_EQ(code, 0) << json;
  std::vector<std::vector<std::string>> out;
  if (code != 0) return out;
  for (const auto& words : nlohmann::json::parse(json)) {
    out.push_back(words.get<std::vector<std::string>>());
    if (out.back().empty()) continue;
    const std::string command = out.back()[0];
    std::ostringstream help, err;
    EXPECT_EQ(runCli({command, "--help"}, help, err), kExitPassed) << command << err.str();
    for (std::size_t i = 1; i < out.back().size(); ++i) {
      const std::string& word = out.back()[i];
      if (word.rfind("--", 0) == 0) {
        EXPECT_NE(help.str().find(word), std::string::npos)
            << file << ": faultline " << command << " has no option " << word;
      } else if (word.rfind("examples/", 0) == 0) {
        EXPECT_NO_THROW(scenarios::loadSuite(kSource + "/" + word, {})) << word;
      }
    }
  }
  return out;
}

class CiTemplateTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CiTemplateTest, IsYamlAndEveryFaultlineCommandFitsTheCli) {
  const auto commands = checkedCommands(kSource + "/examples/ci/" + GetParam());
  ASSERT_GE(commands.size(), 2u) << "a suite run and a merge at least";
  bool suite = false, merge = false;
  for (const auto& words : commands) {
    ASSERT_FALSE(words.empty());
    suite = suite || words[0] == "suite";
    merge = merge || words[0] == "merge";
    if (words[0] == "suite") {
      const std::string line = nlohmann::json(words).dump();
      EXPECT_NE(line.find("\"--shard\""), std::string::npos) << line;
      // Four shards, as the merge expects; GitLab's `parallel: 4` sets CI_NODE_TOTAL.
      EXPECT_TRUE(line.find("/4\"") != std::string::npos ||
                  line.find("/${CI_NODE_TOTAL}\"") != std::string::npos)
          << line;
    }
    if (words[0] == "merge") {
      EXPECT_EQ(words.size(), 6u) << "OUT and the four shard folders";
    }
  }
  EXPECT_TRUE(suite && merge);
}

INSTANTIATE_TEST_SUITE_P(Templates, CiTemplateTest,
                         ::testing::Values("github-actions.yml", "gitlab-ci.yml",
                                           "k8s-indexed-job.yaml"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

// The scheduled-drill recipes: the suite records into the history, and the
// history is checked.
TEST(ScheduledRecipeTest, GithubWorkflowRecordsAndChecksTheHistory) {
  const auto commands = checkedCommands(kSource + "/examples/scheduled/github-scheduled.yml");
  std::string all;
  for (const auto& words : commands) all += nlohmann::json(words).dump();
  EXPECT_NE(all.find("\"suite\""), std::string::npos);
  EXPECT_NE(all.find("\"--history\",\"history.db\""), std::string::npos) << all;
  EXPECT_NE(all.find("[\"history\",\"history.db\",\"--check\"]"), std::string::npos) << all;
}

// systemd units and the crontab are not YAML: their faultline commands are
// read line by line and checked the same way.
TEST(ScheduledRecipeTest, SystemdAndCronCommandsFitTheCli) {
  for (const std::string file : {"faultline-drill.service", "crontab"}) {
    std::ifstream in(kSource + "/examples/scheduled/" + file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    int checked = 0;
    const std::string binary = "build/faultline ";
    for (std::size_t at = text.find(binary); at != std::string::npos;
         at = text.find(binary, at + 1)) {
      const std::size_t from = at + binary.size();
      const std::size_t end = text.find_first_of(";\n'>", from);
      std::istringstream words(text.substr(from, end - from));
      std::vector<std::string> command((std::istream_iterator<std::string>(words)),
                                       std::istream_iterator<std::string>());
      ASSERT_FALSE(command.empty());
      std::ostringstream help, err;
      ASSERT_EQ(runCli({command[0], "--help"}, help, err), kExitPassed) << file << " " << command[0];
      for (const auto& word : command) {
        if (word.rfind("--", 0) == 0) {
          EXPECT_NE(help.str().find(word), std::string::npos) << file << ": " << command[0] << " " << word;
        }
      }
      ++checked;
    }
    EXPECT_GE(checked, 2) << file;
  }
}

}  // namespace
}  // namespace faultline::harness
