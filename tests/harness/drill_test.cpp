// End-to-end drills: real connector processes against the real mock target.
#include "harness/drill.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/manifest.h"
#include "reports/json_report.h"
#include "scenarios/scenario.h"

namespace faultline::harness {
namespace {

const std::string kSource = FAULTLINE_SOURCE_DIR;

std::string outDir(const std::string& name) {
  const auto dir = std::filesystem::path(FAULTLINE_BINARY_DIR) / "test-out" / name;
  std::filesystem::remove_all(dir);
  return dir.string();
}

reports::Report drill(const std::string& manifest, const std::string& scenario,
                      std::optional<std::uint64_t> seed, const std::string& name) {
  const auto s = scenarios::loadScenario(kSource + "/" + scenario);
  const auto m = loadManifest(kSource + "/" + manifest);
  DrillOptions options;
  options.seed = seed;
  options.out_dir = outDir(name);
  options.connector_path = manifest;
  return runDrill(s, m, options);
}

std::vector<const reports::Finding*> findingsWithId(const reports::Report& r,
                                                    const std::string& id) {
  std::vector<const reports::Finding*> out;
  for (const auto& f : r.findings) {
    if (f.id == id) out.push_back(&f);
  }
  return out;
}

std::string allFindings(const reports::Report& r) {
  std::string out;
  for (const auto& f : r.findings)
    out += std::string(reports::severityName(f.severity)) + " " + f.id + ": " + f.title + "\n";
  return out;
}

TEST(DrillTest, ReferenceConnectorPassesBaselineAcrossTenSeeds) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto r = drill("examples/connectors/reference/manifest.json", "scenarios/baseline.json",
                         seed, "ref");
    EXPECT_EQ(r.verdict, reports::Verdict::Passed) << "seed " << seed << "\n" << allFindings(r);
    EXPECT_EQ(r.seed, seed);
    ASSERT_EQ(r.operations.size(), 3u);
    for (const auto& op : r.operations) {
      for (const auto& t : op.completeness) {
        EXPECT_DOUBLE_EQ(t.recall, 1.0) << "seed " << seed << " " << op.label << " " << t.type;
        EXPECT_DOUBLE_EQ(t.precision, 1.0) << "seed " << seed << " " << op.label << " " << t.type;
      }
    }
    for (const auto& rv : r.operations[1].revocations) {
      EXPECT_EQ(rv.outcome, "confirmed") << "seed " << seed << " " << rv.action_id;
    }
    EXPECT_EQ(r.operations[1].revocations.size(), 7u);
  }
}

TEST(DrillTest, FirstPageOnlyFixtureFailsWithSilentLossNamingMissingIds) {
  const auto r =
      drill("tests/fixtures/connectors/first_page_only.json", "scenarios/baseline.json", 3, "fpo");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto loss = findingsWithId(r, "silent-loss");
  ASSERT_FALSE(loss.empty()) << allFindings(r);
  const auto* accounts = *std::find_if(
      loss.begin(), loss.end(), [](auto* f) { return f->metric == "completeness.accounts"; });
  EXPECT_EQ(accounts->severity, reports::Severity::Critical);
  // The finding names ids the scorer found missing, and the requests behind it.
  const auto& score = r.operations[0].completeness[0];
  ASSERT_EQ(score.type, "account");
  ASSERT_GT(score.missing_total, 0u);
  EXPECT_NE(accounts->detail.find(score.missing.front()), std::string::npos);
  ASSERT_FALSE(accounts->evidence.journal.empty());
  EXPECT_NE(accounts->evidence.journal.front().find("GET /scim/v2/Users"), std::string::npos);
  EXPECT_NE(accounts->evidence.connector_output.back().find("\"status\":\"complete\""),
            std::string::npos);
  EXPECT_LT(score.recall, 1.0);
}

TEST(DrillTest, GarbageOutputBecomesProtocolViolationNotACrash) {
  const auto r = drill("tests/fixtures/connectors/misbehaving_garbage.json",
                       "tests/fixtures/sync_once.json", {}, "garbage");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  const auto v = findingsWithId(r, "protocol-violation");
  ASSERT_EQ(v.size(), 1u);
  const std::string evidence = [&] {
    std::string s;
    for (const auto& l : v[0]->evidence.connector_output) s += l + "\n";
    return s;
  }();
  EXPECT_NE(evidence.find("stdout:1: not a JSON value | this is not json"), std::string::npos)
      << evidence;
  EXPECT_NE(evidence.find("stdout:2: not a JSON object"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("stdout:3: missing string field \"userName\""), std::string::npos)
      << evidence;
  EXPECT_NE(evidence.find("stdout:4: unknown type \"wizard\""), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("stdout: no status line"), std::string::npos) << evidence;
  EXPECT_EQ(r.operations[0].declared_status, "missing");
}

TEST(DrillTest, CrashingConnectorIsReportedWithItsSignal) {
  const auto r = drill("tests/fixtures/connectors/misbehaving_crash.json",
                       "tests/fixtures/sync_once.json", {}, "crash");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  ASSERT_EQ(findingsWithId(r, "connector-crashed").size(), 1u) << allFindings(r);
  EXPECT_EQ(r.operations[0].process.signal, SIGSEGV);
}

TEST(DrillTest, HangingConnectorIsKilledAtItsTimeout) {
  const auto r = drill("tests/fixtures/connectors/misbehaving_hang.json",
                       "tests/fixtures/sync_once.json", {}, "hang");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  ASSERT_EQ(findingsWithId(r, "connector-timeout").size(), 1u) << allFindings(r);
  EXPECT_TRUE(r.operations[0].process.timed_out);
  EXPECT_GE(r.operations[0].process.duration_ms, 1000);
  ASSERT_FALSE(r.operations[0].process.stderr_tail.empty());
  EXPECT_EQ(r.operations[0].process.stderr_tail.back(), "starting");
}

TEST(DrillTest, OrphanedGrandchildIsKilledAndReported) {
  const auto r = drill("tests/fixtures/connectors/misbehaving_orphan.json",
                       "tests/fixtures/sync_once.json", {}, "orphan");
  ASSERT_EQ(findingsWithId(r, "connector-left-processes").size(), 1u) << allFindings(r);
  // The state directory is gone with the drill; the fixture names its grandchild on stderr.
  pid_t pid = 0;
  for (const auto& line : r.operations[0].process.stderr_tail) {
    if (line.rfind("orphan pid ", 0) == 0) pid = static_cast<pid_t>(std::stol(line.substr(11)));
  }
  ASSERT_GT(pid, 0) << "no pid on stderr";
  EXPECT_EQ(::kill(pid, 0), -1) << "the grandchild " << pid << " outlived the drill";
  EXPECT_EQ(errno, ESRCH);
}

TEST(DrillTest, FloodingConnectorIsCappedAndReported) {
  const auto r = drill("tests/fixtures/connectors/misbehaving_flood.json",
                       "tests/fixtures/sync_once.json", {}, "flood");
  EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  EXPECT_TRUE(r.operations[0].process.stdout_truncated);
  EXPECT_EQ(r.operations[0].process.stdout_bytes, 80000000u);
  const auto v = findingsWithId(r, "protocol-violation");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0]->evidence.connector_output[0].find("stdout exceeded the harness's cap"),
            std::string::npos);
}

// The manifest's max_stdout_mib moves the cap both ways: 80 MB fits under
// 128 MiB (no cut, so the only complaint is the missing status line) and is
// cut at 1 MiB.
TEST(DrillTest, ManifestSetsTheStdoutCap) {
  const auto wide = drill("tests/fixtures/connectors/misbehaving_flood_wide.json",
                          "tests/fixtures/sync_once.json", {}, "flood-wide");
  EXPECT_FALSE(wide.operations[0].process.stdout_truncated);
  EXPECT_EQ(wide.operations[0].process.stdout_bytes, 80000000u);
  const auto v = findingsWithId(wide, "protocol-violation");
  ASSERT_EQ(v.size(), 1u) << allFindings(wide);
  for (const auto& line : v[0]->evidence.connector_output)
    EXPECT_EQ(line.find("cap"), std::string::npos) << line;

  const auto narrow = drill("tests/fixtures/connectors/misbehaving_flood_narrow.json",
                            "tests/fixtures/sync_once.json", {}, "flood-narrow");
  EXPECT_TRUE(narrow.operations[0].process.stdout_truncated);
  const auto cut = findingsWithId(narrow, "protocol-violation");
  ASSERT_EQ(cut.size(), 1u) << allFindings(narrow);
  EXPECT_NE(cut[0]->evidence.connector_output[0].find("raise the manifest's max_stdout_mib"),
            std::string::npos);
}

TEST(DrillTest, LeakedSecretIsCriticalAndRedactedEverywhere) {
  const auto r = drill("tests/fixtures/connectors/misbehaving_leak.json",
                       "tests/fixtures/sync_once.json", {}, "leak");
  const auto leak = findingsWithId(r, "secret-leak");
  ASSERT_EQ(leak.size(), 1u) << allFindings(r);
  EXPECT_EQ(leak[0]->severity, reports::Severity::Critical);
  const std::string json = reports::renderJsonReport(r);
  EXPECT_NE(json.find("using secret <redacted>"), std::string::npos);
  EXPECT_EQ(json.find("fls_"), std::string::npos) << "the client secret reached the report";
}

TEST(DrillTest, ConnectorSeesOnlyItsManifestEnvironment) {
  ::setenv("FAULTLINE_TEST_LEAK", "must-not-pass", 1);
  const auto r = drill("tests/fixtures/connectors/misbehaving_env.json",
                       "tests/fixtures/sync_once.json", {}, "env");
  ::unsetenv("FAULTLINE_TEST_LEAK");
  const auto& tail = r.operations[0].process.stderr_tail;
  ASSERT_EQ(tail.size(), 4u) << ::testing::PrintToString(tail);
  EXPECT_EQ(tail[0], "CLIENT_SECRET=<redacted>");
  EXPECT_EQ(tail[1], "PATH=/usr/bin:/bin");
  EXPECT_EQ(tail[2].rfind("PWD=", 0), 0u);  // set by the shell itself
  EXPECT_EQ(tail[3].rfind("STATE_DIR=", 0), 0u);
}

TEST(DrillTest, ReportRecordsSeedReplayCommandAndRedactedManifest) {
  const auto r = drill("examples/connectors/reference/manifest.json",
                       "tests/fixtures/sync_once.json", 77, "meta");
  EXPECT_EQ(r.seed, 77u);
  EXPECT_EQ(r.replay_command,
            "faultline run --connector examples/connectors/reference/manifest.json --scenario " +
                kSource + "/tests/fixtures/sync_once.json --seed 77");
  EXPECT_EQ(r.connector.env.at("CLIENT_SECRET"), "{client_secret}");
  EXPECT_EQ(r.scenario.accounts, 40u);
}

}  // namespace
}  // namespace faultline::harness
