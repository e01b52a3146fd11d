#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace faultline::reports {

// One drill of a suite as the summary tells it.
struct SuiteDrill {
  std::size_t index = 0;  // its place among all the suite's drills, shards or not
  std::string connector;  // the manifest's name
  std::string scenario;   // the scenario's name
  std::uint64_t seed = 0;
  // passed, failed, inconclusive, not-applicable (not run: the connector does
  // not offer what the scenario needs), skipped (the suite says why), error
  // (the drill could not be set up), not-run (the suite was stopped first).
  std::string verdict;
  std::string reason;        // why, in a sentence
  std::string report;        // the drill's JSON report, relative to the summary; "" if none
  std::string worst;         // "[severity] id: title" of the worst finding; "" if none
  int critical = 0, errors = 0, warnings = 0;
  std::int64_t duration_ms = 0;
};

// The summary of a suite run (docs/suite-format.md, "Summary").
struct SuiteSummary {
  std::string suite;  // the suite's name
  std::string suite_file;
  std::string tool_version;
  std::string started_at;  // RFC 3339, UTC
  std::int64_t duration_ms = 0;
  int jobs = 1;
  int shard_index = 1, shard_count = 1;
  std::size_t total_drills = 0;  // in the whole suite, every shard together
  bool complete = true;  // false when the suite was stopped before every drill ran
  std::string stopped_by;  // "SIGINT" or "SIGTERM" when not complete
  std::vector<SuiteDrill> drills;

  // Passed unless a drill failed, was inconclusive, could not be set up, or
  // did not run because the suite was stopped.
  bool passed() const;
};

inline constexpr int kSuiteSummaryVersion = 1;

std::string renderSuiteJson(const SuiteSummary& s);
std::string renderSuiteMarkdown(const SuiteSummary& s);
// index.html: one self-contained page, the matrix of scenarios (rows) and
// connector x seed (columns) coloured by verdict, each cell linking the
// drill's HTML report when `link_html` (else its JSON report).
std::string renderSuiteHtml(const SuiteSummary& s, bool link_html);
// One <testsuite> per scenario, one <testcase> per drill (connector and seed),
// the failure message naming the worst finding.
std::string renderSuiteJunit(const SuiteSummary& s);

}  // namespace faultline::reports
