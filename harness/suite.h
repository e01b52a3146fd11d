#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "reports/report.h"
#include "reports/suite_summary.h"
#include "scenarios/suite.h"

namespace faultline::harness {

struct SuiteOptions {
  std::string out_dir = "faultline-out";
  int jobs = 0;  // drills at once; 0: what the machine holds (at least 2, drills mostly wait)
  int shard_index = 1, shard_count = 1;  // this run's share: drills i with i % count == index - 1
  std::ostream* progress = nullptr;      // a line per finished drill; null for none
  // On a terminal: one redrawn line (done, running, failed, time left) instead
  // of a line per drill, and the drills that did not pass listed at the end.
  bool live = false;
  // Writes one drill's reports under `stem` (a path without extension).
  std::function<void(const reports::Report&, const std::string& stem)> write_reports;
};

// Runs every drill of `suite` (connector x scenario x seed, in the suite's
// order), `jobs` at a time, each with its own mock, port, state directory and
// reports under OUT/<connector>/<scenario>-seed<N>. A drill's verdict does not
// depend on what runs beside it. A scenario that needs an operation the
// connector does not offer is not-applicable; one the suite skips is skipped,
// with the suite's reason; a drill that cannot be set up is an error and the
// others go on. A stop request (SIGINT, SIGTERM) ends running drills, starts
// no new ones, and returns a summary marked incomplete.
//
// Throws std::runtime_error (naming file and pointer) before any drill starts
// when a manifest or policy does not load or a connector command is missing.
reports::SuiteSummary runSuite(const scenarios::Suite& suite, const SuiteOptions& options);

// The folder a connector's reports go in under OUT, for run and suite alike:
// its name with every character other than letters, digits, '-', '_' and '.'
// as '_' ("connector" for a name that is empty or only dots).
std::string connectorFolderName(const std::string& name);

// The drills of one shard: stable for a given suite, so N shards together run
// each drill exactly once.
bool inShard(std::size_t drill_index, int shard_index, int shard_count);

}  // namespace faultline::harness
