#pragma once

// Parts of the HTML report writer (reports/html_report.h) shared between its
// source files (html_report.cpp, html_timeline.cpp, html_freshness.cpp,
// html_revocations.cpp); not an interface of the reports library.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reports/html_report.h"

namespace faultline::reports {

// `raw` made printable UTF-8 (printable_text.h), with & < > " ' escaped:
// safe in HTML and SVG element content and in quoted attribute values.
std::string escapeHtml(std::string_view raw);

// The report's "Timeline" section: a heading, an inline SVG of the journal's
// requests by arrival time and status class, fired faults, operation spans
// and the revocation phase, a legend and a caption saying how it is drawn.
// Beyond kMaxTimelineMarks requests, each status lane is drawn as time slices
// rather than one mark per request, so the page stays small.
inline constexpr std::size_t kMaxTimelineMarks = 2000;
std::string renderTimeline(const Report& report, const std::vector<JournalPoint>& journal);

// The report's "Revocations" section: per action its operation, id, account
// and target, what the connector claimed, what the tenant shows (outcome and
// what access remains, settled and at exit), the time to the connector's
// result and whether it read the subject back; then what each outcome means.
std::string renderRevocations(const Report& report);

// An axis step over [0, end]: 1, 2 or 5 times a power of ten, giving at most
// 11 ticks. No product overflows, whatever `end` is.
std::int64_t axisStep(std::int64_t end);

// The scorecard's freshness cells: how many timeline events, how many the
// output never reflected, the lag percentiles and the stale records at the
// end; or a line saying freshness was not measured (no timeline).
std::string renderFreshnessSummary(const Report& report);

// A sync's rounds as a table (round, drill round, start, duration, requests,
// declared status and reason, stale_since, lowest recall, stale records); ""
// for an operation run once, whose scorecard already says it all.
std::string renderRounds(const OperationReport& operation);

// The report's "Freshness" section: an inline SVG with one bar per timeline
// event, as long as the event's lag, an event the output never reflected
// marked across the whole width and one that never landed marked as such;
// then each event in a table. "" when the scenario has no timeline.
inline constexpr std::size_t kMaxLagBars = 100;
std::string renderFreshness(const Report& report);

}  // namespace faultline::reports
