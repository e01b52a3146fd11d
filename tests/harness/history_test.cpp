// The drill history: a month of nightly drills with a regression in the
// middle, writers at once, and databases that cannot be used.
#include "harness/history.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/cli.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::random_device random;
    path = fs::temp_directory_path() / ("history_test." + std::to_string(random() % 10000000));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

// A nightly drill on `day` of November 2026; from day 15 the connector's new
// version loses accounts and says nothing.
reports::Report nightly(int day) {
  reports::Report r;
  char date[32];
  std::snprintf(date, sizeof date, "2026-11-%02dT02:00:00Z", day);
  r.started_at = date;
  r.seed = static_cast<std::uint64_t>(day);
  r.connector = {"acme-okta", day < 15 ? "2.3.0" : "2.4.0", "", "", {}, {}};
  r.scenario.name = "partial-pages";
  r.scenario.dialect = "scim";
  r.duration_ms = 4000 + day;
  reports::OperationReport sync;
  sync.kind = "sync";
  reports::TypeScore accounts;
  accounts.type = "account";
  accounts.recall = day < 15 ? 1.0 : 0.9;
  sync.completeness.push_back(accounts);
  sync.amplification = 1.1;
  r.operations.push_back(sync);
  if (day >= 15) {
    r.verdict = reports::Verdict::Failed;
    r.failure_classes = {"partial-success"};
    reports::Finding f;
    f.id = "silent-loss";
    f.severity = reports::Severity::Critical;
    r.findings.push_back(f);
  }
  return r;
}

TEST(HistoryTest, AMonthOfDrillsFindsTheLastGoodRunAndTheRegression) {
  TempDir dir;
  const std::string db = (dir.path / "history.db").string();
  {
    History history(db);
    for (int day = 1; day <= 30; ++day) history.record(nightly(day), {"d", "s", "", "", ""});
  }
  History history(db);
  const auto drills = history.drills({});
  ASSERT_EQ(drills.size(), 30u);
  const auto trends = historyTrends(drills);
  ASSERT_EQ(trends.size(), 1u);
  const HistoryTrend& t = trends[0];
  ASSERT_NE(t.last_good, nullptr);
  EXPECT_EQ(t.last_good->recorded_at, "2026-11-14T02:00:00Z");
  EXPECT_EQ(t.last_good->connector_version, "2.3.0");
  ASSERT_NE(t.first_bad, nullptr);
  EXPECT_EQ(t.first_bad->recorded_at, "2026-11-15T02:00:00Z");
  EXPECT_EQ(t.first_bad->connector_version, "2.4.0");
  EXPECT_EQ(t.regressions, (std::vector<std::string>{"verdict: passed -> failed",
                                                     "completeness.account.recall: 1.000 -> 0.900",
                                                     "silent_loss: 0.000 -> 1.000"}));

  std::ostringstream out, err;
  EXPECT_EQ(runCli({"history", db, "--check"}, out, err), kExitFailed);
  EXPECT_NE(out.str().find("acme-okta / partial-pages: 30 runs, 14 passed"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("last known good: 2026-11-14T02:00:00Z (2.3.0)"), std::string::npos);
  EXPECT_NE(out.str().find("first failure after it: 2026-11-15T02:00:00Z (2.4.0, partial-success)"),
            std::string::npos);
  EXPECT_NE(out.str().find("REGRESSED completeness.account.recall: 1.000 -> 0.900"),
            std::string::npos);
  // Before the regression, nothing to alert on.
  std::ostringstream early, e2;
  EXPECT_EQ(runCli({"history", db, "--check", "--format", "json"}, early, e2), kExitFailed);
  EXPECT_NE(early.str().find("\"last_good\": \"2026-11-14T02:00:00Z\""), std::string::npos);
}

TEST(HistoryTest, AHealthyHistoryPassesTheCheck) {
  TempDir dir;
  const std::string db = (dir.path / "history.db").string();
  {
    History history(db);
    for (int day = 1; day <= 10; ++day) history.record(nightly(day), {});
  }
  std::ostringstream out, err;
  EXPECT_EQ(runCli({"history", db, "--check", "--format", "md"}, out, err), kExitPassed)
      << err.str();
  EXPECT_NE(out.str().find("| acme-okta | partial-pages | 10 | 10 | passed"), std::string::npos)
      << out.str();
}

TEST(HistoryTest, WritersAtOnceLoseNothing) {
  TempDir dir;
  const std::string db = (dir.path / "history.db").string();
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&db] {
      History history(db);  // a connection of its own, as another process would have
      for (int day = 1; day <= 25; ++day) history.record(nightly(day), {});
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(History(db).drills({}).size(), 100u);
}

TEST(HistoryTest, PruneRemovesOnlyOlderDrillsWithTheirMeasures) {
  TempDir dir;
  const std::string db = (dir.path / "history.db").string();
  History history(db);
  for (int day = 1; day <= 30; ++day) history.record(nightly(day), {});
  EXPECT_EQ(history.prune("2026-11-21T00:00:00Z"), 20);
  const auto left = history.drills({});
  ASSERT_EQ(left.size(), 10u);
  EXPECT_EQ(left.front().recorded_at, "2026-11-21T02:00:00Z");
  EXPECT_FALSE(left.front().measures.empty());
}

TEST(HistoryTest, ADatabaseThatCannotBeUsedSaysWhy) {
  TempDir dir;
  const std::string garbage = (dir.path / "garbage.db").string();
  std::ofstream(garbage) << std::string(4096, 'x');
  try {
    History h(garbage);
    ADD_FAILURE() << "a file that is not a database was opened";
  } catch (const HistoryError& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.db: cannot read the history database: file is "
                                         "not a database"),
              std::string::npos)
        << e.what();
  }
  const std::string newer = (dir.path / "newer.db").string();
  { History h(newer); }
  sqlite3* db = nullptr;
  sqlite3_open(newer.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 7", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    History h(newer);
    ADD_FAILURE() << "a newer schema was opened";
  } catch (const HistoryError& e) {
    EXPECT_NE(std::string(e.what()).find("history schema version 7 is newer than this faultline "
                                         "reads (1)"),
              std::string::npos)
        << e.what();
  }
}

TEST(HistoryTest, RunRecordsItsDrillAndABrokenHistoryStillLeavesTheReport) {
  TempDir dir;
  const std::string manifest =
      std::string(FAULTLINE_SOURCE_DIR) + "/examples/connectors/reference/manifest.json";
  const std::string scenario = std::string(FAULTLINE_SOURCE_DIR) + "/tests/fixtures/sync_once.json";
  const std::string db = (dir.path / "h.db").string();
  for (int i = 0; i < 2; ++i) {
    std::ostringstream out, err;
    ASSERT_EQ(runCli({"run", "--connector", manifest, "--scenario", scenario, "--out",
                      (dir.path / "out").string(), "--history", db, "--quiet"},
                     out, err),
              kExitPassed)
        << err.str();
  }
  const auto drills = History(db).drills({});
  ASSERT_EQ(drills.size(), 2u);
  EXPECT_EQ(drills[0].connector, "reference-scim");
  EXPECT_EQ(drills[0].verdict, "passed");
  EXPECT_EQ(drills[0].report_sha256.size(), 64u);
  EXPECT_EQ(drills[0].connector_digest.size(), 64u);
  EXPECT_EQ(drills[0].measures.at("completeness.account.recall"), 1.0);

  const std::string broken = (dir.path / "broken.db").string();
  std::ofstream(broken) << std::string(4096, 'x');
  std::ostringstream out, err;
  EXPECT_EQ(runCli({"run", "--connector", manifest, "--scenario", scenario, "--out",
                    (dir.path / "out2").string(), "--history", broken, "--quiet"},
                   out, err),
            kExitUsage);
  EXPECT_NE(err.str().find("its report was written, but it was not recorded"), std::string::npos)
      << err.str();
  EXPECT_TRUE(fs::exists(dir.path / "out2" / "reference-scim" / "sync-once-seed5.json"));
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

TEST(HistoryTest, ASuiteRecordsEveryDrill) {
  TempDir dir;
  const std::string src = FAULTLINE_SOURCE_DIR;
  std::ofstream(dir.path / "s.json") << R"({"faultline_suite": 1, "name": "nightly",
    "connectors": [")" << src << R"(/examples/connectors/reference/manifest.json"],
    "scenarios": [")" << src << R"(/tests/fixtures/sync_once.json"], "seeds": 3})";
  const std::string db = (dir.path / "h.db").string();
  std::ostringstream out, err;
  ASSERT_EQ(runCli({"suite", (dir.path / "s.json").string(), "--out", (dir.path / "out").string(),
                    "--jobs", "3", "--history", db, "--quiet"},
                   out, err),
            kExitPassed)
      << err.str();
  const auto drills = History(db).drills({});
  ASSERT_EQ(drills.size(), 3u);
  for (const auto& d : drills) {
    EXPECT_EQ(d.suite, "nightly");
    EXPECT_EQ(d.verdict, "passed");
    EXPECT_TRUE(fs::exists(d.report_path)) << d.report_path;
  }
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

TEST(HistoryTest, TheTrendPageMarksWhereTheRegressionBegan) {
  std::vector<HistoryDrill> drills;
  for (int day = 1; day <= 30; ++day) {
    const reports::Report r = nightly(day);
    HistoryDrill d;
    d.recorded_at = r.started_at;
    d.connector = r.connector.name;
    d.connector_version = r.connector.version;
    d.scenario = r.scenario.name;
    d.verdict = reports::verdictName(r.verdict);
    d.measures = reportMeasures(r);
    drills.push_back(d);
  }
  const std::string page = renderHistoryHtml(historyTrends(drills));
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_NE(page.find("first failure after it 2026-11-15T02:00:00Z (2.4.0)"), std::string::npos);
  EXPECT_NE(page.find("<li>regressed: completeness.account.recall: 1.000 -&gt; 0.900</li>"),
            std::string::npos)
      << page.substr(0, 3000);
  // Day 15 is run 14 of 0..29: x = 4 + 232 * 14 / 29.
  const std::string mark = "<line class=\"mark\" x1=\"116.000\"";
  std::size_t marks = 0;
  for (auto at = page.find(mark); at != std::string::npos; at = page.find(mark, at + 1)) ++marks;
  EXPECT_EQ(marks, reportMeasures(nightly(1)).size()) << "one mark per measure chart";
  EXPECT_NE(page.find("<span class=\"failed\" title=\"2026-11-15T02:00:00Z failed 2.4.0\">"),
            std::string::npos);
}

}  // namespace
}  // namespace faultline::harness

namespace faultline::harness {
namespace {

TEST(HistoryTest, ALockedDatabaseIsAClearErrorAfterTheBusyTimeout) {
  TempDir dir;
  const std::string path = (dir.path / "h.db").string();
  { History h(path); }
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  History history(path, 50);
  try {
    history.record(nightly(1), {});
    ADD_FAILURE() << "wrote through an exclusive lock";
  } catch (const HistoryError& e) {
    EXPECT_NE(std::string(e.what()).find("database is locked"), std::string::npos) << e.what();
  }
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  history.record(nightly(2), {});
  EXPECT_EQ(history.drills({}).size(), 1u) << "the lock gone, writing works again";
}

TEST(HistoryTest, AWriterKilledMidWriteLeavesWholeDrillsOnly) {
  TempDir dir;
  const std::string path = (dir.path / "h.db").string();
  { History h(path); }
  const pid_t writer = ::fork();
  if (writer == 0) {
    History h(path);
    for (int n = 0;; ++n) h.record(nightly(n % 30 + 1), {});
  }
  ASSERT_GT(writer, 0);
  // Kill it once it has written a while: whenever the kill lands, a drill is
  // in the database with all its measures or not at all.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int seen = 0; seen < 20 && std::chrono::steady_clock::now() < deadline;) {
    History reader(path);
    seen = static_cast<int>(reader.drills({}).size());
  }
  ::kill(writer, SIGKILL);
  ::waitpid(writer, nullptr, 0);
  History after(path);
  const auto drills = after.drills({});
  ASSERT_GE(drills.size(), 20u);
  const std::size_t measures = reportMeasures(nightly(1)).size();
  for (const auto& d : drills) EXPECT_EQ(d.measures.size(), measures) << d.id;
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* check = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr);
  ASSERT_EQ(sqlite3_step(check), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(check, 0)), "ok");
  sqlite3_finalize(check);
  sqlite3_close(db);
}

}  // namespace
}  // namespace faultline::harness
