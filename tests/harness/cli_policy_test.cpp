// `faultline run --policy` and `validate` on policy files: the exit code
// follows the policy, and a bad policy is a usage error naming the pointer.
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
const std::string kDrift = kSource + "/scenarios/schema_drift.json";

using Outcome = testing::CliRun;

Outcome run(const std::vector<std::string>& args) {
  return testing::cli(args);
}

std::string scratch(const std::string& name, const std::string& policy) {
  const auto dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "policy.json") << policy;
  return dir.string();
}

TEST(CliPolicyTest, ScenarioAcceptsTheHonestPartialAndAStricterPolicyFailsIt) {
  const std::string dir =
      scratch("cli-policy", R"({"faultline_policy":1,"honest_partial":"fail"})");
  const Outcome lenient =
      run({"run", "--connector", kReference, "--scenario", kDrift, "--out", dir});
  EXPECT_EQ(lenient.code, 0) << lenient.out << lenient.err;
  EXPECT_NE(lenient.out.find("verdict: passed"), std::string::npos) << lenient.out;
  const Outcome strict = run({"run", "--connector", kReference, "--scenario", kDrift, "--out", dir,
                              "--policy", dir + "/policy.json"});
  EXPECT_EQ(strict.code, 1) << strict.out << strict.err;
  EXPECT_NE(strict.out.find("verdict: failed"), std::string::npos) << strict.out;
  EXPECT_NE(strict.out.find("broken: partial-success"), std::string::npos) << strict.out;
}

TEST(CliPolicyTest, BadPolicyIsAUsageErrorNamingFileAndPointer) {
  const std::string dir = scratch("cli-policy-bad", R"({"faultline_policy":1,"min_recall":2})");
  const Outcome bad = run({"run", "--connector", kReference, "--scenario", kDrift, "--out", dir,
                           "--policy", dir + "/policy.json", "--quiet"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find(dir + "/policy.json:/min_recall: must be in [0,1], got 2"),
            std::string::npos)
      << bad.err;
  const Outcome validated = run({"validate", dir + "/policy.json"});
  EXPECT_EQ(validated.code, 2);
  const std::string good = scratch("cli-policy-good", R"({"faultline_policy":1})");
  const Outcome ok = run({"validate", good + "/policy.json"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("valid acceptance policy"), std::string::npos);
  const Outcome shipped = run({"validate", kSource + "/examples/policies/ci-gate.json"});
  EXPECT_EQ(shipped.code, 0) << shipped.err;
}

}  // namespace
}  // namespace faultline::harness
