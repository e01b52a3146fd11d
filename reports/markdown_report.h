#pragma once

#include <string>

#include "reports/report.h"

namespace faultline::reports {

// Renders one drill as GitHub-flavoured Markdown sized for a CI job summary
// or a pull-request comment (docs/report-format.md, "Markdown"): a title with
// the verdict, a verdict table with the trust a failed drill broke, the
// policy it was judged by, a scorecard table per operation, the rounds of a
// sync run more than once, the freshness of the timeline's events, the
// revocations (claimed, actual, time to result, read-back), the worst
// findings first (at most 10, each with a short evidence block) and the
// replay command. Long text and evidence are cut so the whole stays well
// under a comment's 65,536 characters; the JSON report keeps everything.
//
// Text from the report cannot change the document's structure: table cells
// and prose escape Markdown and HTML syntax, and evidence sits in a code
// fence longer than any backtick run inside it. A pure function of the
// report; thread-safe.
std::string renderMarkdownReport(const Report& report);

}  // namespace faultline::reports
