#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace faultline::reports {

// One metric that moved between two reports of the same drill (scenario,
// seed, connector name), or a finding that appeared or went away.
struct MetricChange {
  std::string drill;      // "<scenario> seed <N>"
  std::string metric;     // e.g. "completeness.account.recall", "verdict", "finding"
  std::string operation;  // operation label, "" for the whole drill
  std::string before;
  std::string after;
  bool regression = false;  // worse beyond the tolerance
  std::string why;          // the new findings behind a regression, one line
};

struct CompareOptions {
  // A ratio (recall, precision) may drop this much before it counts.
  double tolerance = 0.0;
  // Amplification may grow by this factor before it counts (1.25: 25 %).
  double amplification_tolerance = 1.25;
};

struct Comparison {
  std::vector<MetricChange> changes;   // regressions and improvements, in report order
  std::vector<std::string> unmatched;  // drills present on one side only
  bool regressed() const;
};

// Compares two JSON reports (docs/report-format.md) of the same drill.
// Reports are untrusted: every field compare reads is type-checked first.
// Throws std::runtime_error naming `base_name`/`head_name` and the JSON
// pointer when a report is not one faultline wrote or holds a field of the
// wrong type (one line per problem, e.g.
// `a.json:/findings/0/severity: must be a string, got 3`), or when they are
// reports of different drills.
Comparison compareReports(const nlohmann::json& base, const nlohmann::json& head,
                          const CompareOptions& options, const std::string& base_name = "BASE",
                          const std::string& head_name = "HEAD");

// Text for a terminal or CI log: regressions first, then improvements, then
// a one-line total.
std::string renderComparison(const Comparison& comparison);

}  // namespace faultline::reports
