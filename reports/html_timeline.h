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

// "<span class=\"badge sev-error\">error</span>", the severity's badge.
std::string severityBadge(Severity severity);

// "What to fix first", directly under the verdict: each finding by severity
// and then by the risk of the identities it touches (triage.h), linking to
// its evidence; "Nothing" when there is no finding.
std::string renderFixFirst(const Report& report);

// Every finding in the same order, each with its anchor (`finding-N`, N its
// place in report.findings), who it touches, its detail (collapsed when it
// lists many ids), what the policy did to it and its evidence.
std::string renderFindings(const Report& report);

// A list of missing or phantom records of one type, collapsed: a <details>
// whose summary counts the records and each risk group, and inside it one
// collapsed <details> per group naming each record beside its id; "" when
// `list` is empty.
std::string renderRecordList(const Report& report, const OperationReport& operation,
                             const std::string& type, const char* what,
                             const std::vector<std::string>& list, std::size_t total);

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
