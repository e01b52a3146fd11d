#include "reports/markdown_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

#include "reports/printable_text.h"

namespace faultline::reports {
namespace {

constexpr std::size_t kMaxFindings = 10;
constexpr std::size_t kMaxTextBytes = 600;          // a title, detail or cell
constexpr std::size_t kMaxEvidenceLines = 6;        // of each kind, per finding
constexpr std::size_t kMaxEvidenceLineBytes = 160;  // a journal line fits whole

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

void writeHeader(std::ostringstream& out, const Report& r) {
  out << "## " << verdictMark(r.verdict) << " faultline drill " << verdictName(r.verdict) << ": "
      << inlineText(r.scenario.name) << " × " << inlineText(r.connector.name) << "\n\n";
  out << row({"scenario", "seed", "verdict", "reason"}) << row({"---", "---", "---", "---"});
  out << row({inlineText(r.scenario.name), std::to_string(r.seed),
              std::string("**") + verdictName(r.verdict) + "**", inlineText(r.verdict_reason)});
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f s", static_cast<double>(r.duration_ms) / 1000.0);
  out << "\nConnector " << inlineText(r.connector.name);
  if (!r.connector.version.empty()) out << " " << inlineText(r.connector.version);
  out << " · drill " << inlineText(r.drill_id) << " · " << r.journal_requests << " requests · "
      << duration;
  if (!r.started_at.empty()) out << " · started " << inlineText(r.started_at);
  out << "\n\n";
}

std::string completenessNote(const TypeScore& t) {
  std::string note = std::to_string(t.matched) + " of " + std::to_string(t.expected) +
                     " matched, " + std::to_string(t.missing_total) + " missing, " +
                     std::to_string(t.phantom_total) + " phantom";
  if (t.duplicates > 0) note += ", " + std::to_string(t.duplicates) + " duplicate(s)";
  if (t.attribute_mismatches > 0)
    note += ", " + std::to_string(t.attribute_mismatches) + " attribute mismatch(es)";
  return note;
}

std::string revocationNote(const OperationReport& o) {
  std::map<std::string, std::size_t> outcomes;
  for (const auto& rv : o.revocations) ++outcomes[rv.outcome];
  std::string note = std::to_string(o.revocations.size()) + " action(s):";
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
                      declared = inlineText(o.declared_status);
    for (const auto& t : o.completeness) {
      out << row({label, kind, declared, inlineText(t.type), fixed3(t.recall), fixed3(t.precision),
                  inlineText(completenessNote(t))});
    }
    if (!o.revocations.empty()) {
      out << row({label, kind, declared, "revocations", "–", "–", inlineText(revocationNote(o))});
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

void appendEvidence(std::string& body, const char* heading, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  body += std::string(heading) + ":\n";
  for (std::size_t i = 0; i < lines.size() && i < kMaxEvidenceLines; ++i)
    body += "  " + cut(printableLine(lines[i]), kMaxEvidenceLineBytes) + "\n";
  if (lines.size() > kMaxEvidenceLines)
    body += "  … " + std::to_string(lines.size() - kMaxEvidenceLines) + " more line(s)\n";
}

void writeFinding(std::ostringstream& out, std::size_t number, const Finding& f) {
  out << "#### " << number << ". " << severityName(f.severity) << ": " << inlineText(f.id);
  if (!f.operation.empty()) out << " in " << inlineText(f.operation);
  out << "\n\n**" << inlineText(f.title) << "**";
  if (!f.detail.empty()) out << " — " << inlineText(f.detail);
  out << "\n\n";
  std::string evidence;
  appendEvidence(evidence, "journal", f.evidence.journal);
  appendEvidence(evidence, "connector output", f.evidence.connector_output);
  if (!evidence.empty()) out << codeBlock(evidence, "text") << "\n";
}

void writeFindings(std::ostringstream& out, const Report& r) {
  if (r.findings.empty()) {
    out << "### Findings\n\nNone.\n\n";
    return;
  }
  std::vector<const Finding*> worst_first;
  for (const auto& f : r.findings) worst_first.push_back(&f);
  // Stable: findings of one severity keep the order they were found in.
  std::stable_sort(worst_first.begin(), worst_first.end(),
                   [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
  out << "### Findings (" << r.findings.size() << ", worst first)\n\n";
  const std::size_t shown = std::min(kMaxFindings, worst_first.size());
  for (std::size_t i = 0; i < shown; ++i) writeFinding(out, i + 1, *worst_first[i]);
  if (worst_first.size() > shown) {
    out << "… and " << worst_first.size() - shown << " more finding(s), in the JSON report.\n\n";
  }
}

}  // namespace

std::string renderMarkdownReport(const Report& r) {
  std::ostringstream out;
  writeHeader(out, r);
  writeScorecard(out, r);
  writeFindings(out, r);
  out << "### Replay\n\n" << codeBlock(printableUtf8(r.replay_command), "sh");
  return out.str();
}

}  // namespace faultline::reports
