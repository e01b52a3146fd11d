#pragma once

// Parts of the HTML report writer (reports/html_report.h) shared between its
// two source files; not an interface of the reports library.

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

}  // namespace faultline::reports
