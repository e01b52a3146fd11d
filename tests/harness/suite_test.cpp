// Suites: loading and checking the file, running drills side by side with
// the same verdicts as one by one, shards that partition the drills, and the
// summary every format tells.
#include "harness/suite.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cli.h"
#include "reports/json_report.h"
#include "scenarios/config_error.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

const std::string kSource = FAULTLINE_SOURCE_DIR;
const std::string kReference = kSource + "/examples/connectors/reference/manifest.json";
const std::string kSyncOnly = kSource + "/tests/fixtures/connectors/misbehaving_crash.json";
const std::string kSyncOnce = kSource + "/tests/fixtures/sync_once.json";
const std::string kBaseline = kSource + "/scenarios/baseline.json";

std::string readAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct TempDir {
  TempDir() {
    std::random_device random;
    path = fs::temp_directory_path() / ("suite_test." + std::to_string(random() % 10000000));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
  fs::path path;
};

scenarios::ConfigError loadError(const fs::path& file) {
  try {
    scenarios::loadSuite(file.string(), {kSource + "/scenarios"});
  } catch (const scenarios::ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << file;
  return scenarios::ConfigError(file.string(), {});
}

TEST(SuiteFileTest, EveryProblemIsNamedAtItsPointer) {
  TempDir dir;
  const auto file = dir.write("bad.json", R"({"faultline_suite": 1, "name": "x",
    "connectors": ["missing.json", 7],
    "scenarios": ["baseline", "no-such-scenario", "nowhere/*.json", "absent.json"],
    "seeds": [1, 1, -2],
    "overrides": {"baselin": {"seeds": 2}},
    "extra": true})");
  const auto e = loadError(file);
  const std::string what = e.what();
  for (const std::string expected :
       {":/connectors/0: no manifest file at", ":/connectors/1: must be a string",
        ":/scenarios/1: no scenario named \"no-such-scenario\" in", ":/scenarios/2: the glob",
        ":/scenarios/3: no scenario file at", ":/seeds/1: repeats seed 1",
        ":/seeds/2: must be an unsigned integer", ":/overrides/baselin: names no scenario",
        "did you mean \"baseline\"?", ":/extra: unknown key"}) {
    EXPECT_NE(what.find(expected), std::string::npos) << expected << "\nin:\n" << what;
  }
}

// A suite finds a scenario by the names --scenario takes: its file's
// spelling and any case are the same scenario.
TEST(SuiteFileTest, FindsAScenarioByItsFilesSpellingToo) {
  TempDir dir;
  const auto file = dir.write("ok.json", R"({"faultline_suite": 1, "name": "ok",
    "connectors": [")" + kReference + R"("],
    "scenarios": ["rate_limits", "Partial-Pages"], "seeds": 1})");
  const auto suite = scenarios::loadSuite(file.string(), {kSource + "/scenarios"});
  EXPECT_EQ(suite.scenario_names, (std::vector<std::string>{"rate-limits", "partial-pages"}));
}

TEST(SuiteFileTest, NamesFilesAndGlobsExpandToEachScenarioOnce) {
  TempDir dir;
  const auto file = dir.write("ok.json", R"({"faultline_suite": 1, "name": "ok",
    "connectors": [")" + kReference + R"("],
    "scenarios": ["baseline", ")" + kSource + R"(/scenarios/base*.json", ")" +
                                             kSyncOnce + R"("],
    "seeds": 3,
    "overrides": {"sync-once": {"skip": "not today"}}})");
  const auto suite = scenarios::loadSuite(file.string(), {kSource + "/scenarios"});
  EXPECT_EQ(suite.scenario_names, (std::vector<std::string>{"baseline", "sync-once"}));
  EXPECT_EQ(suite.seeds, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(suite.overrides.at("sync-once").skip_reason, "not today");
}

TEST(SuiteFileTest, ShardsPartitionTheDrills) {
  for (int count : {1, 2, 3, 7}) {
    std::vector<int> seen(50, 0);
    for (int index = 1; index <= count; ++index) {
      for (std::size_t i = 0; i < seen.size(); ++i) seen[i] += inShard(i, index, count);
    }
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << i << " of " << count;
  }
}

// What a drill's report says, without what changes from run to run (times,
// ports, dates): the part that must not depend on what ran beside it.
std::string verdictPart(const fs::path& report) {
  const auto j = nlohmann::json::parse(readAll(report));
  nlohmann::json kept;
  kept["verdict"] = j["verdict"];
  kept["failure_classes"] = j["failure_classes"];
  for (const auto& f : j["findings"])
    kept["findings"].push_back(f["id"].get<std::string>() + " " + f["title"].get<std::string>());
  for (const auto& op : j["operations"]) kept["completeness"].push_back(op["completeness"]);
  return kept.dump();
}

reports::SuiteSummary runIn(const fs::path& suite_file, const fs::path& out, int jobs,
                            int shard_index = 1, int shard_count = 1) {
  const auto suite = scenarios::loadSuite(suite_file.string(), {kSource + "/scenarios"});
  SuiteOptions options;
  options.out_dir = out.string();
  options.jobs = jobs;
  options.shard_index = shard_index;
  options.shard_count = shard_count;
  options.write_reports = [](const reports::Report& r, const std::string& stem) {
    reports::writeFileAtomically(stem + ".json", reports::renderJsonReport(r));
  };
  return runSuite(suite, options);
}

TEST(SuiteRunTest, SideBySideGivesTheVerdictsOneByOneGives) {
  TempDir dir;
  const auto file = dir.write("s.json", R"({"faultline_suite": 1, "name": "s",
    "connectors": [")" + kReference + R"(", ")" +
                                            kSyncOnly + R"("],
    "scenarios": [")" + kSyncOnce + R"(", ")" +
                                            kBaseline + R"("],
    "seeds": [1, 2],
    "overrides": {"baseline": {"seeds": [3]}}})");
  const auto serial = runIn(file, dir.path / "serial", 1);
  const auto parallel = runIn(file, dir.path / "parallel", 3);
  ASSERT_EQ(serial.drills.size(), 6u);  // 2 connectors x (2 seeds of sync-once + 1 of baseline)
  ASSERT_EQ(parallel.drills.size(), serial.drills.size());
  for (std::size_t i = 0; i < serial.drills.size(); ++i) {
    const auto& a = serial.drills[i];
    const auto& b = parallel.drills[i];
    EXPECT_EQ(std::tie(a.connector, a.scenario, a.seed, a.verdict, a.worst),
              std::tie(b.connector, b.scenario, b.seed, b.verdict, b.worst))
        << i;
    if (!a.report.empty()) {
      EXPECT_EQ(verdictPart(dir.path / "serial" / a.report),
                verdictPart(dir.path / "parallel" / b.report))
          << a.report;
    }
  }
  // The reference passes; the sync-only fixture cannot revoke, so baseline is not applicable.
  EXPECT_EQ(serial.drills[0].verdict, "passed")
      << serial.drills[0].reason << serial.drills[0].worst;
  EXPECT_EQ(serial.drills[2].scenario, "baseline");
  EXPECT_EQ(serial.drills[2].verdict, "passed") << serial.drills[2].worst;
  EXPECT_EQ(serial.drills[5].verdict, "not-applicable");
  EXPECT_NE(serial.drills[5].reason.find("revoke operation"), std::string::npos);
  EXPECT_EQ(serial.drills[3].verdict, "failed");  // the crash fixture on sync-once
  EXPECT_FALSE(serial.passed());
  EXPECT_TRUE(fs::exists(dir.path / "parallel" / "reference-scim" / "sync-once-seed2.json"));
}

TEST(SuiteRunTest, ThreeShardsTogetherRunEachDrillOnce) {
  TempDir dir;
  const auto file = dir.write("s.json", R"({"faultline_suite": 1, "name": "s",
    "connectors": [")" + kSyncOnly + R"("],
    "scenarios": [")" + kSyncOnce + R"(", ")" +
                                            kBaseline + R"("], "seeds": 4})");
  const auto whole = runIn(file, dir.path / "whole", 2);
  std::multiset<std::string> merged, expected;
  for (const auto& d : whole.drills)
    expected.insert(d.scenario + "/" + std::to_string(d.seed) + "/" + d.verdict);
  for (int shard = 1; shard <= 3; ++shard) {
    for (const auto& d : runIn(file, dir.path / "shards", 2, shard, 3).drills)
      merged.insert(d.scenario + "/" + std::to_string(d.seed) + "/" + d.verdict);
  }
  EXPECT_EQ(merged, expected);
  EXPECT_EQ(expected.size(), 8u);
}

TEST(SuiteCliTest, WritesTheSummaryInEveryFormatAndExitsByTheWorstDrill) {
  TempDir dir;
  const auto file = dir.write("s.json", R"({"faultline_suite": 1, "name": "cli",
    "connectors": [")" + kReference + R"("], "scenarios": [")" +
                                            kSyncOnce + R"("], "seeds": 2})");
  std::ostringstream out, err;
  const int code = runCli({"suite", file.string(), "--out", (dir.path / "out").string(), "--jobs",
                           "2", "--format", "json,md"},
                          out, err);
  EXPECT_EQ(code, kExitPassed) << out.str() << err.str();
  const auto summary = nlohmann::json::parse(readAll(dir.path / "out" / "summary.json"));
  EXPECT_EQ(summary["faultline_suite_summary"], 1);
  EXPECT_EQ(summary["passed"], true);
  EXPECT_EQ(summary["drills"].size(), 2u);
  EXPECT_EQ(summary["totals"]["passed"], 2);
  EXPECT_NE(
      readAll(dir.path / "out" / "summary.md").find("| reference-scim | sync-once | 2 | passed |"),
      std::string::npos);
  const std::string junit = readAll(dir.path / "out" / "summary.junit.xml");
  EXPECT_NE(junit.find("<testsuite name=\"sync-once\" tests=\"2\" failures=\"0\""),
            std::string::npos)
      << junit;
  EXPECT_TRUE(fs::exists(dir.path / "out" / "reference-scim" / "sync-once-seed1.md"));
  EXPECT_NE(
      readAll(dir.path / "out" / "index.html").find("href=\"reference-scim/sync-once-seed2.json\""),
      std::string::npos)
      << "without html reports the matrix links the JSON ones";
  EXPECT_NE(out.str().find("suite cli: passed, 2 drills, 2 passed"), std::string::npos)
      << out.str();
}

TEST(SuiteCliTest, AMissingScenarioStopsTheSuiteBeforeAnyDrill) {
  TempDir dir;
  const auto file = dir.write("s.json", R"({"faultline_suite": 1, "name": "bad",
    "connectors": [")" + kReference + R"("], "scenarios": ["not-a-scenario"]})");
  std::ostringstream out, err;
  const int code = runCli({"suite", file.string(), "--out", (dir.path / "out").string()}, out, err);
  EXPECT_EQ(code, kExitUsage);
  EXPECT_NE(err.str().find(":/scenarios/0: no scenario named \"not-a-scenario\""),
            std::string::npos)
      << err.str();
  EXPECT_FALSE(fs::exists(dir.path / "out" / "summary.json"));
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

TEST(SuiteFileTest, ShippedSuitesLoad) {
  for (const std::string name : {"ci-gate", "acceptance"}) {
    const auto suite = scenarios::loadSuite(kSource + "/examples/suites/" + name + ".json", {});
    EXPECT_EQ(suite.name, name);
    EXPECT_FALSE(suite.scenario_files.empty());
    EXPECT_FALSE(suite.policy.empty());
  }
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

// The summary without what differs between one run and another (times, jobs).
nlohmann::json stable(const fs::path& file) {
  auto j = nlohmann::json::parse(readAll(file));
  for (const char* key : {"started_at", "duration_ms", "jobs", "shard"}) j.erase(key);
  for (auto& d : j["drills"]) d.erase("duration_ms");
  return j;
}

TEST(SuiteMergeTest, ThreeShardsMergedEqualOneUnshardedRun) {
  TempDir dir;
  const auto file = dir.write("s.json", R"({"faultline_suite": 1, "name": "m",
    "connectors": [")" + kSyncOnly + R"(", ")" +
                                            kReference + R"("],
    "scenarios": [")" + kSyncOnce + R"(", ")" +
                                            kBaseline + R"("], "seeds": 2})");
  std::ostringstream out, err;
  ASSERT_EQ(
      runCli({"suite", file.string(), "--out", (dir.path / "whole").string(), "--quiet"}, out, err),
      kExitFailed)
      << err.str();
  // Two shards share a folder, the third has its own: both layouts merge.
  for (int shard = 1; shard <= 3; ++shard) {
    const fs::path where = dir.path / (shard == 3 ? "b" : "a");
    runCli({"suite", file.string(), "--out", where.string(), "--shard",
            std::to_string(shard) + "/3", "--quiet"},
           out, err);
  }
  const int code = runCli({"merge", (dir.path / "merged").string(), (dir.path / "a").string(),
                           (dir.path / "b").string()},
                          out, err);
  EXPECT_EQ(code, kExitFailed) << err.str();  // the crash fixture fails, as in the whole run
  EXPECT_EQ(stable(dir.path / "merged" / "summary.json"),
            stable(dir.path / "whole" / "summary.json"));
  for (const auto& d :
       nlohmann::json::parse(readAll(dir.path / "merged" / "summary.json"))["drills"]) {
    if (!d["report"].get<std::string>().empty()) {
      EXPECT_TRUE(fs::exists(dir.path / "merged" / d["report"].get<std::string>())) << d;
    }
  }
}

TEST(SuiteMergeTest, RefusesAMissingShardAndAMalformedSummary) {
  TempDir dir;
  const auto file = dir.write("s.json", R"({"faultline_suite": 1, "name": "m",
    "connectors": [")" + kSyncOnly + R"("], "scenarios": [")" +
                                            kBaseline + R"("], "seeds": 4})");
  std::ostringstream out, err;
  runCli({"suite", file.string(), "--out", (dir.path / "a").string(), "--shard", "1/2", "--quiet"},
         out, err);
  std::ostringstream err1;
  EXPECT_EQ(runCli({"merge", (dir.path / "m").string(), (dir.path / "a").string()}, out, err1),
            kExitUsage);
  EXPECT_NE(err1.str().find("cannot merge: shard 2 of 2 is missing"), std::string::npos)
      << err1.str();
  fs::create_directories(dir.path / "bad");
  dir.write("bad/summary-shard1of1.json",
            R"({"faultline_suite_summary": 1, "suite": "x", "shard": {"index": 1, "count": 1},
                "total_drills": 1, "drills": [{"index": "zero", "seed": 1, "verdict": "maybe"}]})");
  std::ostringstream err2;
  EXPECT_EQ(runCli({"merge", (dir.path / "m").string(), (dir.path / "bad").string()}, out, err2),
            kExitUsage);
  EXPECT_NE(err2.str().find("summary-shard1of1.json:/drills/0/index: must be an integer"),
            std::string::npos)
      << err2.str();
  EXPECT_NE(err2.str().find("/drills/0/verdict: unknown verdict \"maybe\""), std::string::npos)
      << err2.str();
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

TEST(SuiteHtmlTest, TheMatrixLinksEveryDrillAndColoursItsVerdict) {
  reports::SuiteSummary s;
  s.suite = "m<x>";
  s.drills = {{0, "ref", "baseline", 1, "passed", "", "ref/baseline-seed1.json", "", 0, 0, 0, 10},
              {1, "ref", "baseline", 2, "failed", "", "ref/baseline-seed2.json",
               "[critical] silent-loss: 3 accounts missing", 1, 0, 0, 10},
              {2, "ref", "lost-scope", 1, "not-applicable", "no revoke", "", "", 0, 0, 0, 0}};
  const std::string page = reports::renderSuiteHtml(s, true);
  EXPECT_NE(page.find("<title>faultline suite m&lt;x&gt;: failed</title>"), std::string::npos)
      << page;
  EXPECT_NE(
      page.find(
          "<td class=\"passed\" title=\"\"><a href=\"ref/baseline-seed1.html\">passed</a></td>"),
      std::string::npos)
      << page;
  EXPECT_NE(page.find("<td class=\"failed\" title=\"[critical] silent-loss: 3 accounts missing\">"),
            std::string::npos);
  EXPECT_NE(page.find("<td class=\"not-applicable\" title=\"no revoke\">not-applicable</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<th>ref<br>seed 2</th>"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

// A suite whose connector and scenario are copies in the test's folder, so
// the test may edit them; sync-once on seeds 1 to `seeds`.
fs::path certifiableSuite(const TempDir& dir, int seeds) {
  fs::copy(kSource + "/examples/connectors/reference", dir.path / "connector",
           fs::copy_options::recursive);
  fs::copy_file(kSyncOnce, dir.path / "sync_once.json");
  return dir.write("s.json", R"({"faultline_suite": 1, "name": "cert",
    "connectors": ["connector/manifest.json"], "scenarios": ["sync_once.json"], "seeds": )" +
                                 std::to_string(seeds) + "}");
}

TEST(CertificateTest, IssuedVerifiedAndRefusedOnceTheConnectorChanges) {
  TempDir dir;
  const auto file = certifiableSuite(dir, 2);
  const std::string out = (dir.path / "out").string();
  std::ostringstream o1, e1;
  ASSERT_EQ(runCli({"suite", file.string(), "--out", out, "--certificate", "--quiet"}, o1, e1),
            kExitPassed)
      << o1.str() << e1.str();
  const auto cert = nlohmann::json::parse(readAll(dir.path / "out" / "certificate.json"));
  EXPECT_EQ(cert["verdict"], "passed");
  EXPECT_EQ(cert["connectors"][0]["name"], "reference-scim");
  EXPECT_EQ(cert["connectors"][0]["command"]["file"], "../connector/connector.py");
  EXPECT_EQ(cert["drills"].size(), 2u);
  EXPECT_EQ(cert["drills"][1]["report_sha256"].get<std::string>().size(), 64u);
  EXPECT_NE(readAll(dir.path / "out" / "certificate.html").find("reference-scim"),
            std::string::npos);

  const std::string certificate = (dir.path / "out" / "certificate.json").string();
  std::ostringstream o2, e2;
  EXPECT_EQ(runCli({"verify", certificate}, o2, e2), kExitPassed) << o2.str() << e2.str();
  EXPECT_NE(o2.str().find("verified: 2 drills re-run, 0 verdicts differ"), std::string::npos)
      << o2.str();
  std::ostringstream o3, e3;
  EXPECT_EQ(runCli({"verify", certificate, "--digests-only"}, o3, e3), kExitPassed) << e3.str();

  // A report edited after the fact no longer matches its digest.
  std::ofstream(dir.path / "out" / "reference-scim" / "sync-once-seed2.json", std::ios::app) << " ";
  std::ostringstream o4, e4;
  EXPECT_EQ(runCli({"verify", certificate, "--digests-only"}, o4, e4), kExitFailed);
  EXPECT_NE(o4.str().find("DIFFERS sync-once seed 2 (reference-scim)"), std::string::npos)
      << o4.str();

  // The connector changed since: the certificate says nothing about it any more.
  std::ofstream(dir.path / "connector" / "connector.py", std::ios::app) << "\n# edited\n";
  std::ostringstream o5, e5;
  EXPECT_EQ(runCli({"verify", certificate}, o5, e5), kExitUsage);
  EXPECT_NE(e5.str().find("refused: connector reference-scim's command"), std::string::npos)
      << e5.str();
  EXPECT_NE(e5.str().find("changed since the certificate was issued"), std::string::npos);
}

TEST(CertificateTest, AMalformedCertificateIsRefusedWithItsPointer) {
  TempDir dir;
  const auto file = dir.write("c.json", R"({"faultline_certificate": 1, "suite": {"file": 3},
    "scenarios": [], "connectors": [], "drills": [{"index": "x"}]})");
  std::ostringstream out, err;
  EXPECT_EQ(runCli({"verify", file.string()}, out, err), kExitUsage);
  EXPECT_NE(err.str().find(":/suite/file: must be a string, got 3"), std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find(":/suite/sha256: is required"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find(":/drills/0/index: must be an integer in [0, 2^64), got a string"),
            std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

TEST(SuiteRunTest, OnATerminalOneLineIsRedrawnAndWhatDidNotPassIsListedAtTheEnd) {
  TempDir dir;
  const auto file = dir.write("s.json", R"({"faultline_suite": 1, "name": "live",
    "connectors": [")" + kReference + R"(", ")" +
                                            kSyncOnly + R"("],
    "scenarios": [")" + kBaseline + R"(", ")" +
                                            kSyncOnce + R"("]})");
  const auto suite = scenarios::loadSuite(file.string(), {});
  std::ostringstream progress;
  SuiteOptions options;
  options.out_dir = (dir.path / "out").string();
  options.jobs = 1;
  options.progress = &progress;
  options.live = true;
  runSuite(suite, options);
  const std::string text = progress.str();
  // Drawn at least once while the baseline drill (about a second) runs.
  EXPECT_NE(text.find("\r\033[Ksuite live: 0/4 done, 1 running, 0 not passed, "), std::string::npos)
      << text;
  EXPECT_EQ(text.find("[1/4]"), std::string::npos) << "no line per drill on a terminal";
  EXPECT_NE(text.find("  sync-once seed 5 (misbehaving-crash): failed"), std::string::npos) << text;
  EXPECT_EQ(text.find("not-applicable\n"), std::string::npos) << "only what did not pass";
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

TEST(CertificateTest, ShardCertificatesMergeIntoOneThatVerifies) {
  TempDir dir;
  const auto file = certifiableSuite(dir, 3);
  std::ostringstream out, err;
  for (int shard = 1; shard <= 2; ++shard) {
    ASSERT_EQ(runCli({"suite", file.string(), "--out",
                      (dir.path / ("s" + std::to_string(shard))).string(), "--shard",
                      std::to_string(shard) + "/2", "--certificate", "--quiet"},
                     out, err),
              kExitPassed)
        << err.str();
  }
  EXPECT_TRUE(fs::exists(dir.path / "s2" / "certificate-shard2of2.json"));
  ASSERT_EQ(runCli({"merge", (dir.path / "m" / "all").string(), (dir.path / "s1").string(),
                    (dir.path / "s2").string()},
                   out, err),
            kExitPassed)
      << err.str();
  const auto cert = nlohmann::json::parse(readAll(dir.path / "m" / "all" / "certificate.json"));
  EXPECT_EQ(cert["drills"].size(), 3u);
  EXPECT_EQ(cert["suite"]["file"], "../../s.json") << "rebased from the shard folders";
  std::ostringstream o2, e2;
  EXPECT_EQ(
      runCli({"verify", (dir.path / "m" / "all" / "certificate.json").string(), "--digests-only"},
             o2, e2),
      kExitPassed)
      << o2.str() << e2.str();
  std::ostringstream o3, e3;
  EXPECT_EQ(runCli({"verify", (dir.path / "m" / "all" / "certificate.json").string()}, o3, e3),
            kExitPassed)
      << o3.str() << e3.str();
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

// Shard certificates come from other machines; whatever is in them, merge
// refuses them with exit 2 and never aborts.
TEST(CertificateTest, MalformedShardCertificatesAreRefusedNeverAborted) {
  TempDir dir;
  const auto file = dir.write("s.json", R"({"faultline_suite": 1, "name": "m",
    "connectors": [")" + kSyncOnly + R"("], "scenarios": [")" +
                                            kSyncOnce + R"("], "seeds": 2})");
  std::ostringstream out, err;
  for (int shard = 1; shard <= 2; ++shard) {
    runCli({"suite", file.string(), "--out", (dir.path / "s").string(), "--shard",
            std::to_string(shard) + "/2", "--certificate", "--quiet"},
           out, err);
  }
  const fs::path cert = dir.path / "s" / "certificate-shard2of2.json";
  const std::string good = readAll(cert);
  const std::vector<std::pair<std::string, std::string>> breakages = {
      {"\"faultline_certificate\": 1", "\"faultline_certificate\": \"1\""},
      {"\"count\": 2", "\"count\": \"two\""},
      {"\"connectors\": [", "\"connectors\": [7, "},
      {"\"drills\": [", "\"drills\": [{\"index\": -1}, "},
      {"\"total_drills\": 2", "\"total_drills\": 2, \"total_drills\": 3"},
      {"\"suite\": {",
       "\"suite\": {\"deep\": " + std::string(200, '[') + std::string(200, ']') + ", "},
  };
  for (const auto& [from, to] : breakages) {
    std::string broken = good;
    const auto at = broken.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    broken.replace(at, from.size(), to);
    std::ofstream(cert, std::ios::trunc) << broken;
    std::ostringstream o, e;
    EXPECT_EQ(runCli({"merge", (dir.path / "m").string(), (dir.path / "s").string()}, o, e),
              kExitUsage)
        << to;
    EXPECT_NE(e.str().find("cannot merge the certificates"), std::string::npos) << e.str();
  }
}

}  // namespace
}  // namespace faultline::harness
