// The CI templates under examples/ci cannot run here (no GitHub, GitLab or
// Kubernetes), so each is parsed as YAML and every faultline command in it is
// checked against the CLI: the command exists, each option is one its help
// lists, and the suite it names is a suite faultline loads. The sharded flow
// they drive (shards, then merge) runs for real in SuiteMergeTest.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
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

class CiTemplateTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CiTemplateTest, IsYamlAndEveryFaultlineCommandFitsTheCli) {
  const std::string file = kSource + "/examples/ci/" + GetParam();
  int code = -1;
  // Debian's python3-yaml is in the system Python (setup.sh installs it).
  const std::string json = run("/usr/bin/python3 " + kSource + "/tests/harness/ci_commands.py '" +
                                   file + "' </dev/null",
                               &code);
  ASSERT_EQ(code, 0) << json;
  const auto commands = nlohmann::json::parse(json);
  ASSERT_GE(commands.size(), 2u) << "a suite run and a merge at least";
  bool suite = false, merge = false;
  for (const auto& words : commands) {
    ASSERT_FALSE(words.empty());
    const std::string command = words[0];
    std::ostringstream help, err;
    ASSERT_EQ(runCli({command, "--help"}, help, err), kExitPassed) << command << err.str();
    for (std::size_t i = 1; i < words.size(); ++i) {
      const std::string word = words[i];
      if (word.rfind("--", 0) == 0) {
        EXPECT_NE(help.str().find(word), std::string::npos)
            << GetParam() << ": faultline " << command << " has no option " << word;
      } else if (word.rfind("examples/", 0) == 0) {
        EXPECT_NO_THROW(scenarios::loadSuite(kSource + "/" + word, {})) << word;
      }
    }
    suite = suite || command == "suite";
    merge = merge || command == "merge";
    if (command == "suite") {
      const std::string line = words.dump();
      EXPECT_NE(line.find("\"--shard\""), std::string::npos) << line;
      // Four shards, as the merge expects; GitLab's `parallel: 4` sets CI_NODE_TOTAL.
      EXPECT_TRUE(line.find("/4\"") != std::string::npos ||
                  line.find("/${CI_NODE_TOTAL}\"") != std::string::npos)
          << line;
    }
    if (command == "merge") {
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
