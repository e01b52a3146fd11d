#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.h"

namespace faultline::reports {

// One request of the drill's journal (docs/report-format.md, "The journal
// file"), reduced to what the HTML timeline draws. The reports library reads
// the journal file rather than the mock's own type, so it stays independent
// of mocks/.
struct JournalPoint {
  std::uint64_t seq = 0;
  std::int64_t t_ms = 0;  // drill clock
  std::string method;
  std::string path;
  int status = 0;
  std::string note;  // fired faults ("fault <id> (<kind>): ..."), violations
  // How many faults acted on the request (journal format 2's `faults`);
  // -1 for a format 1 line, where only the note tells.
  int faults = -1;
};

// Parses a JSON Lines journal: one object per line with at least `seq`,
// `t_ms`, `method`, `path`, `status` and `note` of the right types; other
// fields are ignored. Nothing is skipped: an empty, malformed or incomplete
// line throws std::runtime_error naming `name` and the line, e.g.
// `out/x.journal.jsonl:3:/status: must be an integer in [0,999], got "200"`
// or `out/x.journal.jsonl:4:7: invalid JSON: syntax error ...` (line 4,
// column 7).
std::vector<JournalPoint> parseJournalLines(std::string_view text, const std::string& name);

// parseJournalLines over the file at `path`; also throws when it cannot be
// read.
std::vector<JournalPoint> readJournalFile(const std::string& path);

// Renders one drill as a single self-contained HTML page for people who have
// never seen faultline (docs/report-format.md, "HTML"): a verdict banner with
// the exemptions a pass rested on and the trust a failed drill broke; "what
// to fix first" right under it (findings by severity, then by the risk of
// the identities they touch, each named and linked to its evidence); the
// policy it was judged by; the scorecard (rounds, amplification, freshness,
// missing and phantom records collapsed and grouped by risk); a timeline of
// the journal and a freshness lag chart drawn in inline SVG; the revocation
// table (claimed, actual, time to result, read-back), coloured by the
// finding about each action; every finding with its evidence and what the
// policy did to it; and the replay command.
// The page loads nothing: inline CSS and SVG only, no script, and a
// Content-Security-Policy that forbids fetching anything.
//
// Every string from the report or journal is treated as hostile: it is made
// printable UTF-8 and escaped (& < > " ') wherever it lands, text or
// attribute. Journals of any length stay small: beyond a few thousand
// requests the timeline draws time slices instead of one mark per request,
// and says so in its caption. A pure function of its arguments; thread-safe.
std::string renderHtmlReport(const Report& report, const std::vector<JournalPoint>& journal);

}  // namespace faultline::reports
