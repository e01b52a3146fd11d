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
  std::vector<MetricChange> changes;  // regressions, improvements and neutral changes, in order
  // Drills of BASE with no report in HEAD (not run?): not a metric that got
  // worse, yet HEAD proves less, so regressed() counts them.
  std::vector<std::string> missing_from_head;
  std::vector<std::string> only_in_head;  // drills HEAD ran that BASE did not
  std::vector<std::string> unmatched;     // operations present on one side only
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

// Text for a terminal or CI log: regressions first, then improvements and
// neutral changes, then drills on one side only, then a one-line total
// ("result: 1 regression, 2 improvements, 1 drill missing from HEAD").
std::string renderComparison(const Comparison& comparison);

// The same as Markdown, for a pull-request comment: a headline with the
// total, then a table per kind of change.
std::string renderComparisonMarkdown(const Comparison& comparison);

// The same as JSON (docs/report-format.md, "compare --format json").
std::string renderComparisonJson(const Comparison& comparison);

}  // namespace faultline::reports
