// The HTML report's findings: what to fix first, under the verdict, and
// every finding with its evidence further down; and the collapsed lists of
// missing and phantom records (html_timeline.h).

#include <map>
#include <sstream>

#include "reports/html_timeline.h"
#include "reports/printable_text.h"
#include "reports/triage.h"

namespace faultline::reports {
namespace {

constexpr std::size_t kMaxEvidenceLineBytes = 1000;
// A finding detail listing more ids than this is collapsed, and a finding
// names at most this many identities.
constexpr std::size_t kMaxInlineIds = 5;

std::string esc(std::string_view raw) {
  return escapeHtml(raw);
}

std::string attr(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + esc(value) + "\"";
}

void writeEvidence(std::ostringstream& out, const char* label,
                   const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  out << "<p class=\"evidence-label\">" << label << "</p>\n<pre>";
  for (const auto& line : lines) {
    const std::string clean = printableLine(line);
    const std::string_view kept = cutUtf8(clean, kMaxEvidenceLineBytes);
    out << esc(kept);
    if (kept.size() < clean.size())
      out << " <span class=\"muted\">[… cut at " << kept.size() << " of " << clean.size()
          << " bytes; the JSON report has the whole line]</span>";
    out << "\n";
  }
  out << "</pre>\n";
}

// The identities a finding involves, riskiest first: each name with its id
// beside it, muted, and tagged privileged or non-human.
std::string whoHtml(const Report& r, const Finding& f, std::size_t max) {
  const auto ids = rankedInvolvedIds(r, f);
  std::string html;
  for (std::size_t i = 0; i < ids.size() && i < max; ++i) {
    const std::string name = identityName(r, ids[i]);
    html += std::string(i ? ", " : "") + "<span class=\"nowrap\">";
    if (!name.empty() && name != ids[i]) html += esc(name) + " ";
    html += "<code class=\"muted\">" + esc(ids[i]) + "</code>";
    if (isPrivileged(r, ids[i])) html += " <span class=\"tag\">privileged</span>";
    if (isNonHuman(r, ids[i])) html += " <span class=\"tag\">non-human</span>";
    html += "</span>";
  }
  if (ids.size() > max) html += " and " + std::to_string(ids.size() - max) + " more";
  return html;
}

// The anchor of a finding's evidence: its place in the report's findings.
std::string findingAnchor(const Report& r, const Finding* f) {
  return "finding-" + std::to_string(f - r.findings.data() + 1);
}

// A finding's detail; one that lists ids ("missing account ids: a, b, ...")
// beyond a few is collapsed like the scorecard's lists, since "Who" above
// already names them and a wall of ids buries the rest of the page.
void writeDetail(std::ostringstream& out, const std::string& detail) {
  if (detail.empty()) return;
  const auto list = detail.find("ids: ");
  std::size_t items = 0;
  if (list != std::string::npos) {
    for (auto at = detail.find(", ", list); at != std::string::npos; at = detail.find(", ", at + 2))
      ++items;
  }
  if (items < kMaxInlineIds) {
    out << "<p class=\"detail\">" << esc(detail) << "</p>\n";
    return;
  }
  out << "<details class=\"ids\" data-list=\"detail\"><summary>" << esc(detail.substr(0, list + 3))
      << " (" << items + 1 << " listed)</summary>\n<p class=\"detail mono\">" << esc(detail)
      << "</p>\n</details>\n";
}

}  // namespace

std::string severityBadge(Severity s) {
  return std::string("<span class=\"badge sev-") + severityName(s) + "\">" + severityName(s) +
         "</span>";
}

// A list of missing or phantom records, collapsed: one <details> per list,
// and inside it one per risk group (privileged, service accounts and their
// keys, others) with its count, each record named as people name it. Raw ids
// never fill the page: the scorecard's counts are what a reader scans.
std::string renderRecordList(const Report& r, const OperationReport& o, const std::string& type,
                             const char* what, const std::vector<std::string>& list,
                             std::size_t total) {
  if (list.empty()) return "";
  std::ostringstream out;
  std::map<RiskGroup, std::vector<const std::string*>> groups;
  for (const auto& key : list) groups[riskGroupOf(r, type, key)].push_back(&key);
  out << "<details class=\"ids\"" << attr("data-list", std::string(what) + " " + type)
      << attr("data-operation", o.label) << "><summary>" << what << " " << esc(type)
      << " records: " << total
      << (list.size() < total ? " (" + std::to_string(list.size()) + " listed)" : "");
  for (const auto& [group, keys] : groups)
    out << " · " << riskGroupTitle(group) << " " << keys.size();
  out << "</summary>\n";
  for (const auto& [group, keys] : groups) {
    out << "<details class=\"id-group\"" << attr("data-group", riskGroupTitle(group))
        << "><summary>" << riskGroupTitle(group) << " (" << keys.size() << ")</summary>\n<ul>";
    for (const std::string* key : keys) {
      const std::string named = describeRecord(r, type, *key);
      out << "<li>" << esc(named == *key ? "" : named) << (named == *key ? "" : " ")
          << "<code class=\"muted\">" << esc(*key) << "</code></li>";
    }
    out << "</ul>\n</details>\n";
  }
  out << "</details>\n";
  return out.str();
}

// Directly under the verdict: each finding in the order to fix it, by
// severity and then by the risk of the identities it touches, linking to its
// evidence further down.
std::string renderFixFirst(const Report& r) {
  std::ostringstream out;
  out << "<section id=\"fix-first\">\n<h2>What to fix first</h2>\n";
  const auto order = fixFirstOrder(r);
  if (order.empty()) {
    out << "<p>Nothing: the drill raised no finding.</p>\n</section>\n";
    return out.str();
  }
  out << "<p class=\"muted\">By severity, then privileged and non-human identities (service "
         "accounts and their keys) before others. Each links to its evidence.</p>\n"
         "<ol class=\"fix-first\">\n";
  for (const Finding* f : order) {
    out << "<li class=\"fix\"" << attr("data-finding", f->id) << " data-severity=\""
        << severityName(f->severity) << "\">" << severityBadge(f->severity) << " <a href=\"#"
        << findingAnchor(r, f) << "\">" << esc(f->title) << "</a>";
    if (!f->operation.empty())
      out << " <span class=\"muted\">in " << esc(f->operation) << "</span>";
    if (const std::string who = whoHtml(r, *f, kMaxInlineIds); !who.empty())
      out << "<br><span class=\"who\">" << who << "</span>";
    if (!f->policy.empty())
      out << "<br><span class=\"muted\">policy: " << esc(f->policy) << "</span>";
    out << "</li>\n";
  }
  out << "</ol>\n</section>\n";
  return out.str();
}

std::string renderFindings(const Report& r) {
  std::ostringstream out;
  out << "<h2 id=\"findings\">Findings and evidence (" << r.findings.size()
      << ", in the order to fix them)</h2>\n";
  if (r.findings.empty()) {
    out << "<p>None.</p>\n";
    return out.str();
  }
  out << "<ol class=\"findings\">\n";
  for (const Finding* f : fixFirstOrder(r)) {
    out << "<li class=\"finding\" id=\"" << findingAnchor(r, f) << "\""
        << attr("data-finding", f->id) << " data-severity=\"" << severityName(f->severity)
        << "\">\n<p>" << severityBadge(f->severity) << " <code>" << esc(f->id) << "</code>";
    if (!f->operation.empty()) out << " in " << esc(f->operation);
    out << " <span class=\"muted\">· metric " << esc(f->metric) << "</span></p>\n"
        << "<p class=\"finding-title\">" << esc(f->title) << "</p>\n";
    if (const std::string who = whoHtml(r, *f, kMaxInlineIds); !who.empty())
      out << "<p class=\"who\"><b>Who:</b> " << who << "</p>\n";
    writeDetail(out, f->detail);
    if (!f->policy.empty())
      out << "<p class=\"finding-policy\"><b>Policy:</b> " << esc(f->policy) << "</p>\n";
    writeEvidence(out, "journal", f->evidence.journal);
    writeEvidence(out, "connector output", f->evidence.connector_output);
    out << "</li>\n";
  }
  out << "</ol>\n";
  return out.str();
}

}  // namespace faultline::reports
