#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/report.h"

struct sqlite3;

namespace faultline::harness {

// A history database that cannot be used: locked past the busy timeout,
// read-only, not a database, or of a newer schema than this faultline reads.
struct HistoryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr int kHistorySchemaVersion = 1;

// What a history row knows beyond the report itself.
struct HistoryContext {
  std::string connector_digest;  // SHA-256 of the manifest and the command, joined
  std::string scenario_digest;   // SHA-256 of the scenario file
  std::string report_path;
  std::string report_sha256;
  std::string suite;  // "" for a single run
};

// One recorded drill, as `faultline history` reads it back.
struct HistoryDrill {
  std::int64_t id = 0;
  std::string recorded_at;  // the drill's start, RFC 3339 UTC
  std::string connector, connector_version, connector_digest;
  std::string dialect, scenario, scenario_digest;
  std::string seed;  // decimal; seeds go up to 2^64 - 1, past SQLite's integers
  std::string verdict;
  std::string failure_classes;  // space-separated
  std::int64_t wall_ms = 0;
  std::string report_path, report_sha256, suite;
  std::map<std::string, double> measures;
};

// The measures a drill is tracked by (docs/history.md): recall and precision
// per type (lowest over the drill's syncs), silent-loss findings, revocations
// confirmed and true, false confirmations, slowest time to confirmation,
// freshness lag, highest amplification, Retry-After violations, wall time.
std::map<std::string, double> reportMeasures(const reports::Report& report);

// The drill history in SQLite (docs/history.md): schema versioned in
// PRAGMA user_version and migrated on open, WAL journal, a busy timeout, one
// transaction per drill, so writers in several processes lose nothing and a
// crash leaves the database consistent. One object per thread, or guard it.
class History {
 public:
  // Throws HistoryError. A writer that finds the database locked waits up to
  // `busy_timeout_ms` for it.
  explicit History(const std::string& path, int busy_timeout_ms = 30000);
  ~History();
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  void record(const reports::Report& report, const HistoryContext& context);

  struct Filter {
    std::string connector, scenario, since;  // "" for any
  };
  // Oldest first.
  std::vector<HistoryDrill> drills(const Filter& filter) const;

  // Deletes drills recorded before `cutoff` (RFC 3339); returns how many.
  int prune(const std::string& cutoff);

 private:
  void open();
  void exec(const std::string& sql) const;
  int userVersion() const;
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  int busy_timeout_ms_;
  sqlite3* db_ = nullptr;
};

// What `faultline history` says of one connector and scenario.
struct HistoryTrend {
  std::string connector, scenario;
  std::vector<const HistoryDrill*> runs;   // oldest first
  const HistoryDrill* last_good = nullptr;  // the latest passed run before the latest run
  const HistoryDrill* first_bad = nullptr;  // the first run after last_good that did not pass
  std::vector<std::string> regressions;     // latest against last_good, in words; empty: none
};

// Groups drills by connector and scenario and judges each latest run against
// its last known good run, by compare's rules (docs/history.md).
std::vector<HistoryTrend> historyTrends(const std::vector<HistoryDrill>& drills);

std::string renderHistoryText(const std::vector<HistoryTrend>& trends);
std::string renderHistoryJson(const std::vector<HistoryTrend>& trends);
std::string renderHistoryMarkdown(const std::vector<HistoryTrend>& trends);
// One self-contained page (no script, no outside resource): per connector
// and scenario, a strip of verdicts and a small SVG chart per measure, with a
// red mark where the first failure after the last known good run began.
std::string renderHistoryHtml(const std::vector<HistoryTrend>& trends);

}  // namespace faultline::harness
