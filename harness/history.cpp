#include "harness/history.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "reports/printable_text.h"
#include "reports/wording.h"

using faultline::reports::counted;

namespace faultline::harness {
namespace {

// A statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  bool ok() const { return stmt_ != nullptr; }
  void text(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void integer(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void real(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  std::string column(int i) const {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p != nullptr ? reinterpret_cast<const char*>(p) : "";
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE drills (
  id                INTEGER PRIMARY KEY,
  recorded_at       TEXT NOT NULL,
  connector         TEXT NOT NULL,
  connector_version TEXT NOT NULL,
  connector_digest  TEXT NOT NULL,
  dialect           TEXT NOT NULL,
  scenario          TEXT NOT NULL,
  scenario_digest   TEXT NOT NULL,
  seed              TEXT NOT NULL,
  policy            TEXT NOT NULL,
  verdict           TEXT NOT NULL,
  failure_classes   TEXT NOT NULL,
  wall_ms           INTEGER NOT NULL,
  report_path       TEXT NOT NULL,
  report_sha256     TEXT NOT NULL,
  suite             TEXT NOT NULL
);
CREATE INDEX drills_by_pair ON drills (connector, scenario, recorded_at);
CREATE TABLE measures (
  drill_id INTEGER NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  value    REAL NOT NULL,
  PRIMARY KEY (drill_id, name)
);
PRAGMA user_version = 1;
)sql";

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", v);
  return buffer;
}

}  // namespace

std::map<std::string, double> reportMeasures(const reports::Report& r) {
  std::map<std::string, double> m;
  double amplification = 0, confirm_ms = -1;
  int confirmed_true = 0, false_confirmations = 0, revocations = 0;
  for (const auto& op : r.operations) {
    for (const auto& t : op.completeness) {
      for (const auto& [suffix, value] :
           {std::pair{".recall", t.recall}, {".precision", t.precision}}) {
        const std::string key = "completeness." + t.type + suffix;
        m[key] = m.count(key) != 0 ? std::min(m[key], value) : value;
      }
    }
    for (const auto& v : op.revocations) {
      ++revocations;
      confirmed_true += v.outcome == "confirmed-true";
      false_confirmations += v.outcome == "false-confirmation";
      if (v.result_ms) confirm_ms = std::max(confirm_ms, static_cast<double>(*v.result_ms));
    }
    amplification = std::max(amplification, op.amplification);
  }
  int silent_loss = 0, retry_after = 0;
  for (const auto& f : r.findings) {
    silent_loss += f.id == "silent-loss";
    retry_after += f.id == "retry-after-violation";
  }
  m["silent_loss"] = silent_loss;
  m["retry_after_violations"] = retry_after;
  if (revocations > 0) {
    m["revocations.confirmed_true"] = confirmed_true;
    m["revocations.false_confirmations"] = false_confirmations;
  }
  if (confirm_ms >= 0) m["time_to_confirm_ms.max"] = confirm_ms;
  if (r.freshness.max_lag_ms)
    m["freshness.max_lag_ms"] = static_cast<double>(*r.freshness.max_lag_ms);
  if (amplification > 0) m["amplification.max"] = amplification;
  m["wall_ms"] = static_cast<double>(r.duration_ms);
  return m;
}

History::History(const std::string& path, int busy_timeout_ms)
    : path_(path), busy_timeout_ms_(busy_timeout_ms) {
  try {
    open();
  } catch (...) {
    sqlite3_close_v2(db_);  // the destructor does not run for a constructor that throws
    db_ = nullptr;
    throw;
  }
}

void History::open() {
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK)
    fail("cannot open");
  sqlite3_busy_timeout(db_, busy_timeout_ms_);
  // Reading the version is the first read: a file that is not a database fails here.
  const int found = userVersion();
  if (found > kHistorySchemaVersion)
    throw HistoryError(path_ + ": history schema version " + std::to_string(found) +
                       " is newer than this faultline reads (" +
                       std::to_string(kHistorySchemaVersion) + "); use a newer faultline");
  exec("PRAGMA journal_mode = WAL");
  exec("PRAGMA foreign_keys = ON");
  if (found < 1) {
    // Migrations run in one immediate transaction: two processes opening a
    // new database at once create it once.
    exec("BEGIN IMMEDIATE");
    if (userVersion() < 1) exec(kSchemaV1);
    exec("COMMIT");
  }
}

int History::userVersion() const {
  Statement version(db_, "PRAGMA user_version");
  if (!version.ok() || sqlite3_step(version.get()) != SQLITE_ROW) fail("cannot read");
  return sqlite3_column_int(version.get(), 0);
}

History::~History() {
  sqlite3_close_v2(db_);
}

void History::fail(const std::string& what) const {
  const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
  throw HistoryError(path_ + ": " + what + " the history database: " + message);
}

void History::exec(const std::string& sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw HistoryError(path_ + ": " + message);
  }
}

void History::record(const reports::Report& r, const HistoryContext& c) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement insert(db_,
                     "INSERT INTO drills (recorded_at, connector, connector_version, "
                     "connector_digest, dialect, scenario, scenario_digest, seed, policy, verdict, "
                     "failure_classes, wall_ms, report_path, report_sha256, suite) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    if (!insert.ok()) fail("cannot write to");
    insert.text(1, r.started_at);
    insert.text(2, r.connector.name);
    insert.text(3, r.connector.version);
    insert.text(4, c.connector_digest);
    insert.text(5, r.scenario.dialect);
    insert.text(6, r.scenario.name);
    insert.text(7, c.scenario_digest);
    insert.text(8, std::to_string(r.seed));
    insert.text(9, joined(r.policy.sources));
    insert.text(10, reports::verdictName(r.verdict));
    insert.text(11, joined(r.failure_classes));
    insert.integer(12, r.duration_ms);
    insert.text(13, c.report_path);
    insert.text(14, c.report_sha256);
    insert.text(15, c.suite);
    if (sqlite3_step(insert.get()) != SQLITE_DONE) fail("cannot write to");
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    Statement measure(db_, "INSERT INTO measures (drill_id, name, value) VALUES (?1, ?2, ?3)");
    if (!measure.ok()) fail("cannot write to");
    for (const auto& [name, value] : reportMeasures(r)) {
      sqlite3_reset(measure.get());
      measure.integer(1, id);
      measure.text(2, name);
      measure.real(3, value);
      if (sqlite3_step(measure.get()) != SQLITE_DONE) fail("cannot write to");
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<HistoryDrill> History::drills(const Filter& f) const {
  Statement select(db_,
                   "SELECT id, recorded_at, connector, connector_version, connector_digest, "
                   "dialect, scenario, scenario_digest, seed, verdict, failure_classes, wall_ms, "
                   "report_path, report_sha256, suite FROM drills "
                   "WHERE (?1 = '' OR connector = ?1) AND (?2 = '' OR scenario = ?2) "
                   "AND (?3 = '' OR recorded_at >= ?3) ORDER BY recorded_at, id");
  if (!select.ok()) fail("cannot read");
  select.text(1, f.connector);
  select.text(2, f.scenario);
  select.text(3, f.since);
  std::vector<HistoryDrill> out;
  std::map<std::int64_t, std::size_t> by_id;
  int rc = 0;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    HistoryDrill d;
    d.id = sqlite3_column_int64(select.get(), 0);
    d.recorded_at = select.column(1);
    d.connector = select.column(2);
    d.connector_version = select.column(3);
    d.connector_digest = select.column(4);
    d.dialect = select.column(5);
    d.scenario = select.column(6);
    d.scenario_digest = select.column(7);
    d.seed = select.column(8);
    d.verdict = select.column(9);
    d.failure_classes = select.column(10);
    d.wall_ms = sqlite3_column_int64(select.get(), 11);
    d.report_path = select.column(12);
    d.report_sha256 = select.column(13);
    d.suite = select.column(14);
    by_id[d.id] = out.size();
    out.push_back(std::move(d));
  }
  if (rc != SQLITE_DONE) fail("cannot read");
  Statement measures(db_, "SELECT drill_id, name, value FROM measures");
  if (!measures.ok()) fail("cannot read");
  while ((rc = sqlite3_step(measures.get())) == SQLITE_ROW) {
    const auto it = by_id.find(sqlite3_column_int64(measures.get(), 0));
    if (it != by_id.end())
      out[it->second].measures[measures.column(1)] = sqlite3_column_double(measures.get(), 2);
  }
  if (rc != SQLITE_DONE) fail("cannot read");
  return out;
}

int History::prune(const std::string& cutoff) {
  exec("BEGIN IMMEDIATE");
  Statement del(db_, "DELETE FROM drills WHERE recorded_at < ?1");
  if (!del.ok()) fail("cannot write to");
  del.text(1, cutoff);
  if (sqlite3_step(del.get()) != SQLITE_DONE) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    fail("cannot write to");
  }
  const int removed = sqlite3_changes(db_);
  exec("COMMIT");
  return removed;
}

std::vector<HistoryTrend> historyTrends(const std::vector<HistoryDrill>& drills) {
  std::map<std::pair<std::string, std::string>, HistoryTrend> groups;
  for (const auto& d : drills) {
    HistoryTrend& t = groups[{d.connector, d.scenario}];
    t.connector = d.connector;
    t.scenario = d.scenario;
    t.runs.push_back(&d);
  }
  std::vector<HistoryTrend> out;
  for (auto& [key, t] : groups) {
    const HistoryDrill* latest = t.runs.back();
    for (std::size_t i = t.runs.size() - 1; i-- > 0;) {
      if (t.runs[i]->verdict == "passed") {
        t.last_good = t.runs[i];
        for (std::size_t j = i + 1; j < t.runs.size(); ++j) {
          if (t.runs[j]->verdict != "passed") {
            t.first_bad = t.runs[j];
            break;
          }
        }
        break;
      }
    }
    if (t.last_good != nullptr) {
      const auto& was = t.last_good->measures;
      const auto& now = latest->measures;
      if (latest->verdict != "passed")
        t.regressions.push_back("verdict: passed -> " + latest->verdict);
      auto value = [](const std::map<std::string, double>& m, const std::string& k) {
        const auto it = m.find(k);
        return it == m.end() ? std::optional<double>() : std::optional<double>(it->second);
      };
      for (const auto& [name, before] : was) {
        const auto after = value(now, name);
        if (!after) continue;
        const bool lower_is_worse =
            name.rfind("completeness.", 0) == 0 || name == "revocations.confirmed_true";
        const bool higher_is_worse = name == "silent_loss" || name == "retry_after_violations" ||
                                     name == "revocations.false_confirmations";
        // Times and amplification wobble: only a rise of a quarter counts.
        const bool grows_is_worse = name == "amplification.max" ||
                                    name == "time_to_confirm_ms.max" ||
                                    name == "freshness.max_lag_ms";
        if ((lower_is_worse && *after < before) || (higher_is_worse && *after > before) ||
            (grows_is_worse && *after > before * 1.25 && *after - before > 1e-9))
          t.regressions.push_back(name + ": " + number(before) + " -> " + number(*after));
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string renderHistoryText(const std::vector<HistoryTrend>& trends) {
  std::ostringstream out;
  for (const auto& t : trends) {
    int passed = 0;
    for (const auto* d : t.runs) passed += d->verdict == "passed";
    const HistoryDrill* latest = t.runs.back();
    out << t.connector << " / " << t.scenario << ": " << counted(t.runs.size(), "run") << ", "
        << passed << " passed (" << number(100.0 * passed / static_cast<double>(t.runs.size()))
        << " %); latest " << latest->recorded_at << " " << latest->verdict << " ("
        << latest->connector_version << ", seed " << latest->seed << ")\n";
    if (t.last_good != nullptr) {
      out << "  last known good: " << t.last_good->recorded_at << " ("
          << t.last_good->connector_version << ")\n";
    } else if (latest->verdict != "passed") {
      out << "  never passed in this history\n";
    }
    if (t.first_bad != nullptr)
      out << "  first failure after it: " << t.first_bad->recorded_at << " ("
          << t.first_bad->connector_version << ", " << t.first_bad->failure_classes << ")\n";
    for (const auto& r : t.regressions) out << "  REGRESSED " << r << "\n";
  }
  return out.str();
}

std::string renderHistoryJson(const std::vector<HistoryTrend>& trends) {
  nlohmann::ordered_json j = {{"faultline_history", kHistorySchemaVersion},
                              {"trends", nlohmann::ordered_json::array()}};
  for (const auto& t : trends) {
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const auto* d : t.runs) {
      runs.push_back({{"recorded_at", d->recorded_at},
                      {"connector_version", d->connector_version},
                      {"seed", d->seed},
                      {"verdict", d->verdict},
                      {"failure_classes", d->failure_classes},
                      {"report", d->report_path},
                      {"measures", d->measures}});
    }
    j["trends"].push_back(
        {{"connector", t.connector},
         {"scenario", t.scenario},
         {"last_good", t.last_good ? nlohmann::ordered_json(t.last_good->recorded_at) : nullptr},
         {"first_bad", t.first_bad ? nlohmann::ordered_json(t.first_bad->recorded_at) : nullptr},
         {"regressions", t.regressions},
         {"runs", runs}});
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string renderHistoryMarkdown(const std::vector<HistoryTrend>& trends) {
  std::ostringstream out;
  out << "| connector | scenario | runs | passed | latest | last known good | first failure after "
         "it | regressions |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& t : trends) {
    int passed = 0;
    for (const auto* d : t.runs) passed += d->verdict == "passed";
    std::string regressions;
    for (const auto& r : t.regressions) regressions += (regressions.empty() ? "" : "; ") + r;
    out << "| " << t.connector << " | " << t.scenario << " | " << t.runs.size() << " | " << passed
        << " | " << t.runs.back()->verdict << " " << t.runs.back()->recorded_at << " | "
        << (t.last_good ? t.last_good->recorded_at : "-") << " | "
        << (t.first_bad ? t.first_bad->recorded_at : "-") << " | "
        << (regressions.empty() ? "-" : "**" + regressions + "**") << " |\n";
  }
  return out.str();
}

namespace {

// A 240x60 line chart of one measure over the runs; `mark` is the index of
// the first failure after the last good run, or -1.
std::string measureChart(const std::string& name, const std::vector<const HistoryDrill*>& runs,
                         int mark) {
  constexpr double kWidth = 240, kHeight = 60, kPad = 4;
  std::vector<std::pair<std::size_t, double>> points;
  double low = 0, high = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto it = runs[i]->measures.find(name);
    if (it == runs[i]->measures.end()) continue;
    if (points.empty()) low = high = it->second;
    low = std::min(low, it->second);
    high = std::max(high, it->second);
    points.emplace_back(i, it->second);
  }
  if (points.empty()) return "";
  const double span = high > low ? high - low : 1.0;
  auto x = [&](std::size_t i) {
    return kPad + (runs.size() > 1 ? (kWidth - 2 * kPad) * static_cast<double>(i) /
                                         static_cast<double>(runs.size() - 1)
                                   : (kWidth - 2 * kPad) / 2);
  };
  auto y = [&](double v) { return kHeight - kPad - (kHeight - 2 * kPad) * (v - low) / span; };
  std::ostringstream out;
  out << "<figure><figcaption>" << reports::escapeMarkup(name, false) << " <small>" << number(low)
      << " to " << number(high) << "</small></figcaption><svg width=\"240\" height=\"60\" "
      << "viewBox=\"0 0 240 60\" role=\"img\" aria-label=\"" << reports::escapeMarkup(name, true)
      << "\">";
  if (mark >= 0) {
    out << "<line class=\"mark\" x1=\"" << number(x(static_cast<std::size_t>(mark)))
        << "\" y1=\"0\" x2=\"" << number(x(static_cast<std::size_t>(mark))) << "\" y2=\"60\"/>";
  }
  out << "<polyline points=\"";
  for (const auto& [i, v] : points) out << number(x(i)) << "," << number(y(v)) << " ";
  out << "\"/>";
  for (const auto& [i, v] : points) {
    out << "<circle cx=\"" << number(x(i)) << "\" cy=\"" << number(y(v)) << "\" r=\"2\"><title>"
        << reports::escapeMarkup(runs[i]->recorded_at + ": " + number(v), false)
        << "</title></circle>";
  }
  out << "</svg></figure>";
  return out.str();
}

}  // namespace

std::string renderHistoryHtml(const std::vector<HistoryTrend>& trends) {
  auto esc = [](const std::string& s) { return reports::escapeMarkup(s, false); };
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>faultline drill history</title>\n<style>"
         "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1f2328}"
         "section{border-top:1px solid #d1d9e0;padding:.5em 0 1em}"
         ".strip span{display:inline-block;width:10px;height:16px;margin-right:1px}"
         ".passed{background:#1a7f37}.failed{background:#cf222e}.inconclusive{background:#bf8700}"
         "figure{display:inline-block;width:240px;margin:.3em 1em .6em 0;vertical-align:top}"
         "figcaption{font-size:12px;overflow-wrap:anywhere;min-height:2.6em}"
         "svg{background:#f6f8fa;border:1px solid #d1d9e0}"
         "polyline{fill:none;stroke:#0969da;stroke-width:1.5}circle{fill:#0969da}"
         "line.mark{stroke:#cf222e;stroke-width:2}.bad{color:#a40e26;font-weight:600}"
         "</style>\n</head>\n<body>\n<h1>faultline drill history</h1>\n";
  for (const auto& t : trends) {
    int passed = 0, mark = -1;
    for (std::size_t i = 0; i < t.runs.size(); ++i) {
      passed += t.runs[i]->verdict == "passed";
      if (t.runs[i] == t.first_bad) mark = static_cast<int>(i);
    }
    out << "<section>\n<h2>" << esc(t.connector) << " / " << esc(t.scenario) << "</h2>\n<p>"
        << counted(t.runs.size(), "run") << ", " << passed << " passed";
    if (t.last_good != nullptr)
      out << "; last known good " << esc(t.last_good->recorded_at) << " ("
          << esc(t.last_good->connector_version) << ")";
    if (t.first_bad != nullptr)
      out << "; <span class=\"bad\">first failure after it " << esc(t.first_bad->recorded_at)
          << " (" << esc(t.first_bad->connector_version) << ")</span>";
    out << "</p>\n<p class=\"strip\">";
    for (const auto* d : t.runs) {
      out << "<span class=\"" << esc(d->verdict) << "\" title=\""
          << reports::escapeMarkup(d->recorded_at + " " + d->verdict + " " + d->connector_version,
                                   true)
          << "\"></span>";
    }
    out << "</p>\n";
    if (!t.regressions.empty()) {
      out << "<ul class=\"bad\">";
      for (const auto& r : t.regressions) out << "<li>regressed: " << esc(r) << "</li>";
      out << "</ul>\n";
    }
    std::set<std::string> names;
    for (const auto* d : t.runs)
      for (const auto& [name, value] : d->measures) names.insert(name);
    for (const auto& name : names) out << measureChart(name, t.runs, mark);
    out << "\n</section>\n";
  }
  out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace faultline::harness
