#include "reports/markdown_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "reports/printable_text.h"
#include "reports/triage.h"
#include "reports/wording.h"

namespace faultline::reports {
namespace {

constexpr std::size_t kMaxFindings = 10;
constexpr std::size_t kMaxTextBytes = 600;          // a title, detail or cell
constexpr std::size_t kMaxEvidenceLines = 6;        // of each kind, per finding
constexpr std::size_t kMaxEvidenceLineBytes = 160;  // a journal line fits whole
constexpr std::size_t kMaxTableRows = 20;           // rounds, freshness events, actions

// ASCII punctuation that can start Markdown or HTML syntax anywhere in a line;
// GitHub renders each literally after a backslash. Syntax that only counts at
// the start of a line (#, -, 1.) never arises: inline text never starts one.
constexpr std::string_view kInlineSyntax = "\\`|*_~[]<>&";

// `clean` (printable UTF-8) cut to `max_bytes`, marked when cut.
std::string cut(const std::string& clean, std::size_t max_bytes) {
  const std::string_view kept = cutUtf8(clean, max_bytes);
  return kept.size() == clean.size() ? clean : std::string(kept) + "…";
}

// Text for a table cell, heading or one-line paragraph.
std::string inlineText(std::string_view raw) {
  const std::string clean = cut(printableUtf8(raw), kMaxTextBytes);
  std::string out;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    if (c == '\r' && i + 1 < clean.size() && clean[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      out += "<br>";  // a line break that does not end the table row
    } else if (c == '\t') {
      out += ' ';
    } else {
      if (kInlineSyntax.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

// A fenced code block whose fence is longer than any backtick run in `body`,
// so no line of it can close the block early.
std::string codeBlock(const std::string& body, std::string_view info) {
  std::size_t longest = 0, run = 0;
  for (const char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  return fence + std::string(info) + "\n" + body +
         (body.empty() || body.back() == '\n' ? "" : "\n") + fence + "\n";
}

std::string fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + c + " |";
  return out + "\n";
}

const char* verdictMark(Verdict v) {
  switch (v) {
    case Verdict::Passed:
      return "✅";
    case Verdict::Failed:
      return "❌";
    case Verdict::Inconclusive:
      return "⚠️";
  }
  return "";
}

std::string secondsText(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

std::string optionalSeconds(const std::optional<std::int64_t>& ms) {
  return ms ? secondsText(*ms) : "–";
}

// `items` escaped and joined, the first `max_items` of them.
std::string joined(const std::vector<std::string>& items, const char* separator,
                   std::size_t max_items = 8) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max_items; ++i)
    out += (i ? separator : "") + inlineText(items[i]);
  if (items.size() > max_items)
    out += separator + ("… " + std::to_string(items.size() - max_items) + " more");
  return out;
}

// The kinds of trust a failed drill broke sit beside its verdict, where a
// reader looks first; "–" when nothing broke.
std::string brokenCell(const Report& r) {
  return r.failure_classes.empty() ? "–" : "**" + joined(r.failure_classes, ", ", 16) + "**";
}

std::string policyLine(const PolicySummary& p) {
  std::string line = "Judged by " + (p.sources.empty() ? std::string("an unrecorded policy")
                                                       : joined(p.sources, " + "));
  line += ": honest partials " + std::string(p.accept_honest_partial ? "accepted" : "fail") +
          ", inconclusive " + (p.pass_inconclusive ? "passes" : "fails") + ", min recall " +
          fixed3(p.min_recall) + ", min precision " + fixed3(p.min_precision) +
          ", Retry-After violations allowed " + std::to_string(p.max_retry_after_violations) +
          ", max amplification " + fixed3(p.max_amplification);
  for (const auto& [source, reason] : p.reasons)
    line += "; reason of " + inlineText(source) + ": " + inlineText(reason);
  if (!p.severity.empty()) {
    line += "; severity overrides:";
    std::size_t shown = 0;
    for (const auto& [id, severity] : p.severity) {
      if (shown++ == 8) {
        line += " … " + std::to_string(p.severity.size() - 8) + " more";
        break;
      }
      line += (shown > 1 ? ", " : " ") + inlineText(id) + " → " + inlineText(severity);
    }
  }
  return line;
}

void writeHeader(std::ostringstream& out, const Report& r) {
  out << "## " << verdictMark(r.verdict) << " faultline drill " << verdictName(r.verdict) << ": "
      << inlineText(r.scenario.name) << " × " << inlineText(r.connector.name) << "\n\n";
  out << row({"scenario", "seed", "verdict", "trust broken", "reason"})
      << row({"---", "---", "---", "---", "---"});
  out << row({inlineText(r.scenario.name), std::to_string(r.seed),
              std::string("**") + verdictName(r.verdict) + "**" +
                  (exemptionBanner(r).empty() ? "" : " (with exemptions)"),
              brokenCell(r), inlineText(r.verdict_reason)});
  out << "\nConnector " << inlineText(r.connector.name);
  if (!r.connector.version.empty()) out << " " << inlineText(r.connector.version);
  out << " · drill " << inlineText(r.drill_id) << " · " << r.journal_requests << " requests · "
      << secondsText(r.duration_ms);
  if (!r.started_at.empty()) out << " · started " << inlineText(r.started_at);
  out << "\n\n";
  if (const std::string banner = exemptionBanner(r); !banner.empty())
    out << "> ⚠️ **" << inlineText(banner) << "**\n\n";
  out << policyLine(r.policy) << "\n\n";
}

std::string completenessNote(const TypeScore& t) {
  std::string note = std::to_string(t.matched) + " of " + std::to_string(t.expected) +
                     " matched, " + std::to_string(t.missing_total) + " missing, " +
                     std::to_string(t.phantom_total) + " phantom";
  if (t.duplicates > 0) note += ", " + counted(t.duplicates, "duplicate");
  if (t.attribute_mismatches > 0)
    note += ", " + std::to_string(t.attribute_mismatches) + " attribute mismatch(es)";
  return note;
}

std::string revocationNote(const OperationReport& o) {
  std::map<std::string, std::size_t> outcomes;
  for (const auto& rv : o.revocations) ++outcomes[rv.outcome];
  std::string note = counted(o.revocations.size(), "action") + ":";
  for (const auto& [outcome, n] : outcomes) {
    note += (note.back() == ':' ? " " : ", ") + std::to_string(n) + " " + outcome;
  }
  return note;
}

void writeScorecard(std::ostringstream& out, const Report& r) {
  out << "### Scorecard\n\n";
  out << row({"operation", "kind", "declared", "measure", "recall", "precision", "detail"})
      << row({"---", "---", "---", "---", "---:", "---:", "---"});
  for (const auto& o : r.operations) {
    const std::string label = inlineText(o.label), kind = inlineText(o.kind),
                      declared = inlineText(
                          o.declared_status +
                          (o.declared_incomplete
                               ? " (" + declaredIncompleteText(o.declared_incomplete) + ")"
                               : ""));
    for (const auto& t : o.completeness) {
      out << row({label, kind, declared, inlineText(t.type), fixed3(t.recall), fixed3(t.precision),
                  inlineText(completenessNote(t))});
    }
    if (!o.revocations.empty()) {
      out << row({label, kind, declared, "revocations", "–", "–", inlineText(revocationNote(o))});
    }
    if (o.minimum_requests > 0) {
      out << row({label, kind, declared, "requests", "–", "–",
                  std::to_string(o.requests) + " sent; amplification " + fixed3(o.amplification) +
                      " over a minimum of " + std::to_string(o.minimum_requests)});
    }
    if (o.restarts > 0) {
      out << row({label, kind, declared, "process", "–", "–",
                  "killed by a fault and restarted " + counted(o.restarts, "time") +
                      "; the last run is scored" + killedClaimsNote(o)});
    }
    if (!o.auth_trouble.empty()) {
      out << row({label, kind, declared, "authentication", "–", "–",
                  "ended refused: " + inlineText(o.auth_trouble)});
    }
    if (o.completeness.empty() && o.revocations.empty()) {
      out << row({label, kind, declared, "–", "–", "–",
                  o.declared_reason.empty() ? "nothing scored" : inlineText(o.declared_reason)});
    }
  }
  for (const auto& f : r.faults) {
    out << row({"drill", "fault", "–", inlineText("fault " + f.id + " (" + f.kind + ")"), "–", "–",
                "fired " + std::to_string(f.fired) + ", required " + std::to_string(f.min_fires)});
  }
  out << "\n";
}

std::string declaredText(const std::string& status, const std::string& reason) {
  return inlineText(reason.empty() ? status : status + ": " + reason);
}

// Only a sync run more than once has rounds worth a table: with one round the
// scorecard row already says it all.
void writeRounds(std::ostringstream& out, const Report& r) {
  const bool any = std::any_of(r.operations.begin(), r.operations.end(),
                               [](const OperationReport& o) { return o.rounds.size() > 1; });
  if (!any) return;
  out << "### Rounds\n\n"
      << row({"operation", "round", "drill round", "declared", "stale since", "lowest recall",
              "stale records", "requests", "duration"})
      << row({"---", "---:", "---:", "---", "---", "---:", "---:", "---:", "---:"});
  std::size_t rows = 0;
  for (const auto& o : r.operations) {
    if (o.rounds.size() < 2) continue;
    for (const auto& rd : o.rounds) {
      if (++rows > kMaxTableRows) continue;
      out << row({inlineText(o.label), std::to_string(rd.round), std::to_string(rd.drill_round),
                  declaredText(rd.declared_status, rd.declared_reason),
                  rd.stale_since.empty() ? "–" : inlineText(rd.stale_since), fixed3(rd.recall),
                  std::to_string(rd.stale_records), std::to_string(rd.requests),
                  secondsText(rd.duration_ms)});
    }
  }
  if (rows > kMaxTableRows)
    out << "\n… and " << counted(rows - kMaxTableRows, "more round") << ", in the JSON report.\n";
  out << "\n";
}

std::string reflectedText(const FreshnessEvent& e) {
  if (!e.applied) return "not applied";
  if (e.reflected_round == 0) return "**never**";
  return "drill round " + std::to_string(e.reflected_round);
}

std::string lagText(const FreshnessEvent& e) {
  if (!e.lag_ms) return "–";
  std::string lag = secondsText(*e.lag_ms);
  if (e.lag_rounds) lag += ", " + counted(*e.lag_rounds, "round") + " late";
  return lag;
}

void writeFreshness(std::ostringstream& out, const Report& r) {
  const FreshnessSummary& f = r.freshness;
  if (f.events.empty()) return;
  const auto applied = static_cast<std::size_t>(std::count_if(
      f.events.begin(), f.events.end(), [](const FreshnessEvent& e) { return e.applied; }));
  out << "### Freshness\n\n"
      << counted(f.events.size(), "timeline event") << ", " << applied << " applied, "
      << (f.never_reflected > 0 ? "**" : "") << f.never_reflected << " never reflected"
      << (f.never_reflected > 0 ? "**" : "") << " · lag p50 " << optionalSeconds(f.p50_lag_ms)
      << ", p95 " << optionalSeconds(f.p95_lag_ms) << ", max " << optionalSeconds(f.max_lag_ms)
      << " · " << counted(f.stale_records_at_end, "stale record") << " at the end\n\n"
      << row({"event", "kind", "subjects", "reflected", "lag"})
      << row({"---:", "---", "---", "---", "---"});
  const std::size_t shown = std::min(kMaxTableRows, f.events.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const FreshnessEvent& e = f.events[i];
    out << row({std::to_string(e.index), inlineText(e.kind), joined(e.subjects, ", "),
                reflectedText(e), lagText(e)});
  }
  if (f.events.size() > shown)
    out << "\n… and " << counted(f.events.size() - shown, "more event")
        << ", in the JSON report.\n";
  out << "\n";
}

// What the tenant shows, settled, and what it showed when the connector
// exited if that differed: a confirmation whose access came back is false.
std::string actualText(const RevocationOutcome& rv, const std::string& tone) {
  // The same colour language as the HTML page, in marks a table cell can hold.
  const char* mark = tone == "bad"    ? "🔴 "
                     : tone == "warn" ? "🟠 "
                     : tone == "good" ? "🟢 "
                                      : "⚪ ";
  std::string actual = mark + ("**" + inlineText(rv.outcome) + "**: ");
  if (rv.applied) {
    actual += "gone";
  } else {
    actual += rv.remaining.empty() ? "remains" : "remains, " + inlineText(rv.remaining);
  }
  if (rv.applied_at_exit != rv.applied)
    actual += rv.applied_at_exit ? " (gone at exit)" : " (still held at exit)";
  return actual;
}

void writeRevocations(std::ostringstream& out, const Report& r) {
  std::vector<std::pair<const OperationReport*, const RevocationOutcome*>> rows;
  for (const auto& o : r.operations)
    for (const auto& rv : o.revocations) rows.emplace_back(&o, &rv);
  if (rows.empty()) return;
  out << "### Revocations\n\n"
      << row({"operation", "action", "claimed", "actual", "time", "read back"})
      << row({"---", "---", "---", "---", "---:", "---"});
  const std::size_t shown = std::min(kMaxTableRows, rows.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& [o, rv] = rows[i];
    const std::string action = rv->action_id + " " + actionText(r, *rv);
    const std::string claimed =
        rv->claimed + (rv->claimed_before_restart.empty()
                           ? ""
                           : " (before a restart: " + rv->claimed_before_restart + ")");
    out << row({inlineText(o->label), inlineText(action), inlineText(claimed),
                actualText(*rv, revocationTone(r, *o, *rv)),
                rv->result_ms ? std::to_string(*rv->result_ms) + " ms" : "–",
                rv->read_back ? "yes" : "no"});
  }
  if (rows.size() > shown)
    out << "\n… and " << counted(rows.size() - shown, "more action") << ", in the JSON report.\n";
  out << "\n";
}

void appendEvidence(std::string& body, const char* heading, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  body += std::string(heading) + ":\n";
  for (std::size_t i = 0; i < lines.size() && i < kMaxEvidenceLines; ++i)
    body += "  " + cut(printableLine(lines[i]), kMaxEvidenceLineBytes) + "\n";
  if (lines.size() > kMaxEvidenceLines)
    body += "  … " + counted(lines.size() - kMaxEvidenceLines, "more line") + "\n";
}

void writeFinding(std::ostringstream& out, const Report& r, std::size_t number, const Finding& f) {
  out << "#### " << number << ". " << severityName(f.severity) << ": " << inlineText(f.id);
  if (!f.operation.empty()) out << " in " << inlineText(f.operation);
  out << "\n\n**" << inlineText(f.title) << "**";
  if (!f.detail.empty()) out << " — " << inlineText(f.detail);
  out << "\n\n";
  if (const std::string who = involvedNames(r, f); !who.empty())
    out << "Who: " << inlineText(who) << "\n\n";
  if (!f.policy.empty()) out << "Policy: " << inlineText(f.policy) << "\n\n";
  std::string evidence;
  appendEvidence(evidence, "journal", f.evidence.journal);
  appendEvidence(evidence, "connector output", f.evidence.connector_output);
  if (!evidence.empty()) out << codeBlock(evidence, "text") << "\n";
}

void writeFindings(std::ostringstream& out, const Report& r) {
  if (r.findings.empty()) {
    out << "### What to fix first\n\nNothing: the drill raised no finding.\n\n";
    return;
  }
  const std::vector<const Finding*> worst_first = fixFirstOrder(r);
  out << "### What to fix first (" << counted(r.findings.size(), "finding")
      << ": by severity, then privileged and non-human identities first)\n\n";
  const std::size_t shown = std::min(kMaxFindings, worst_first.size());
  for (std::size_t i = 0; i < shown; ++i) writeFinding(out, r, i + 1, *worst_first[i]);
  if (worst_first.size() > shown) {
    out << "… and " << counted(worst_first.size() - shown, "more finding")
        << ", in the JSON report.\n\n";
  }
}

}  // namespace

std::string renderMarkdownReport(const Report& r) {
  std::ostringstream out;
  writeHeader(out, r);
  writeFindings(out, r);
  writeScorecard(out, r);
  writeRounds(out, r);
  writeFreshness(out, r);
  writeRevocations(out, r);
  out << "### Replay\n\n" << codeBlock(printableUtf8(r.replay_command), "sh");
  return out.str();
}

}  // namespace faultline::reports
