#include "reports/html_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "reports/html_timeline.h"
#include "reports/printable_text.h"
#include "reports/triage.h"
#include "reports/wording.h"

namespace faultline::reports {
namespace {

std::string esc(std::string_view raw) {
  return escapeHtml(raw);
}

std::string format(const char* pattern, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

std::string fixed3(double v) {
  return format("%.3f", v);
}

std::string seconds(std::int64_t ms) {
  return format("%.3f s", static_cast<double>(ms) / 1000.0);
}

std::string attr(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + esc(value) + "\"";
}

const char* verdictTitle(Verdict v) {
  switch (v) {
    case Verdict::Passed:
      return "Passed";
    case Verdict::Failed:
      return "Failed";
    case Verdict::Inconclusive:
      return "Inconclusive";
  }
  return "Unknown";
}

const char* verdictMeaning(Verdict v) {
  switch (v) {
    case Verdict::Passed:
      return "The connector met every check this drill makes, under every fault it planned.";
    case Verdict::Failed:
      return "The connector did something a reviewer should not accept; the findings below say "
             "what, with evidence.";
    case Verdict::Inconclusive:
      return "A planned fault did not fire often enough, so the drill proves nothing about how "
             "the connector handles it.";
  }
  return "";
}

// What each kind of broken trust means, for the banner of a failed drill
// (docs/scoring.md, "Failure classes").
struct FailureClassInfo {
  const char* name;
  const char* meaning;
};

constexpr FailureClassInfo kFailureClasses[] = {
    {"partial-success",
     "the data the connector returned was incomplete or wrong: records "
     "missing, invented, mismatched or pointing nowhere"},
    {"stale-data", "the output lagged the tenant's changes, or hid that it did"},
    {"write-failure", "a revocation was falsely confirmed, failed or went unreported"},
    {"authentication-failure",
     "an operation ended refused by the target: 401 or 403, or a "
     "failed token request"},
    {"unsafe-behaviour",
     "the connector treated the target unsafely, e.g. sent requests before "
     "Retry-After elapsed or presented a rejected token again"},
    {"credential-exposure", "a drill credential appeared in the connector's output"},
    {"connector-fault", "the connector crashed, hung, did not start or broke the protocol"},
};

// ---- page sections --------------------------------------------------------

constexpr const char* kStyle = R"(
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--good:#1a7f37;--bad:#cf222e;--warn:#9a6700}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,"Segoe UI","DejaVu Sans",Helvetica,Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:22px;margin:0 0 16px;overflow-wrap:anywhere}
h2{font-size:19px;margin:36px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:16px;margin:22px 0 6px;overflow-wrap:anywhere}
p{margin:6px 0}
code,pre,.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px}
.muted{color:var(--muted)}
.verdict{border:2px solid;border-left-width:12px;border-radius:6px;padding:14px 18px;margin:0 0 20px}
.verdict-passed{border-color:var(--good);background:#dafbe1}
.verdict-failed{border-color:var(--bad);background:#ffebe9}
.verdict-inconclusive{border-color:var(--warn);background:#fff8c5}
.verdict-word{font-size:28px;font-weight:700;margin:0;letter-spacing:.02em}
.verdict-passed .verdict-word{color:#116329}.verdict-failed .verdict-word{color:#a40e26}.verdict-inconclusive .verdict-word{color:#7d4e00}
#verdict-reason{font-size:17px;font-weight:600;overflow-wrap:anywhere}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:6px 0 10px;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 9px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--soft);font-weight:600;overflow-wrap:normal}
td.op{min-width:7em}td.outcome,.nowrap{white-space:nowrap}
table.revocations code{overflow-wrap:anywhere}table.revocations td[data-metric=claimed],table.revocations td.actual{min-width:11em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.good{color:var(--good);font-weight:600}.bad{color:var(--bad);font-weight:700}.warn{color:var(--warn);font-weight:600}
.ids{font-size:13px;color:var(--muted);overflow-wrap:anywhere}
.badge{display:inline-block;min-width:64px;text-align:center;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:700;text-transform:uppercase}
.sev-critical{background:#82071e}.sev-error{background:var(--bad)}.sev-warning{background:var(--warn)}.sev-info{background:#59636e}
ol.findings{padding-left:0;list-style:none}
li.finding{border:1px solid var(--line);border-radius:6px;padding:10px 14px;margin:10px 0}
li.finding[data-severity=critical]{border-left:6px solid #82071e}li.finding[data-severity=error]{border-left:6px solid var(--bad)}
li.finding[data-severity=warning]{border-left:6px solid var(--warn)}li.finding[data-severity=info]{border-left:6px solid #59636e}
.finding-title{font-weight:600;overflow-wrap:anywhere}.finding .detail{overflow-wrap:anywhere}
pre{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:8px 10px;margin:6px 0;white-space:pre-wrap;overflow-wrap:anywhere;max-height:360px;overflow:auto}
.evidence-label{font-size:12px;color:var(--muted);margin:8px 0 0;text-transform:uppercase;letter-spacing:.04em}
figure{margin:8px 0}figcaption{color:var(--muted);font-size:13px;max-width:1100px}
svg.timeline{width:100%;height:auto;border:1px solid var(--line);border-radius:4px;background:#fff}
.timeline text{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:12px;fill:#1f2328}
.timeline .axis{stroke:#8c959f}.timeline .lane{fill:#f6f8fa}
.band-sync{fill:#ddf4ff;stroke:#54aeff}.band-revoke{fill:#fff1e5;stroke:#fb8f44}
.phase{fill:#fb8f44;fill-opacity:.12}
.s2xx{fill:#2da44e}.s4xx{fill:#bf8700}.s5xx{fill:#cf222e}.sother{fill:#6e7781}.fault{fill:#8250df}
.failure-classes{margin:10px 0 4px}
.failure-class{display:inline-block;border-radius:10px;padding:0 10px;margin:0 6px 4px 0;background:#a40e26;color:#fff;font-weight:700;font-size:14px}
dl.classes{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:4px 0 8px;font-size:14px}
dl.classes dt{font-weight:600;color:#a40e26}dl.classes dd{margin:0}
.finding-policy{font-size:14px;border-left:3px solid var(--line);padding-left:8px;overflow-wrap:anywhere}
.tag{display:inline-block;font-size:12px;border:1px solid var(--line);border-radius:8px;padding:0 6px;margin:1px 2px 1px 0;white-space:nowrap}
svg.lag{width:100%;height:auto;border:1px solid var(--line);border-radius:4px;background:#fff}
.lag text{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:12px;fill:#1f2328}
.lag .grid{stroke:#eaeef2}.lag .axis{stroke:#8c959f}
.lag-bar{fill:#0969da}.lag-zero{fill:#1a7f37}
.lag-never{fill:#ffebe9;stroke:#cf222e;stroke-width:1.5;stroke-dasharray:6 4}
.lag text.never{fill:#a40e26;font-weight:700}.lag text.na{fill:#59636e;font-style:italic}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:13px;margin:6px 0}
.legend svg{vertical-align:-2px;margin-right:4px}
#fix-first h2{margin-top:8px}ol.fix-first{padding-left:22px}ol.fix-first li{margin:4px 0;overflow-wrap:anywhere}
.who{font-size:14px;overflow-wrap:anywhere}.who code{font-size:11px}.who .nowrap{white-space:normal}
.exemptions{border-top:1px solid var(--warn);margin-top:8px;padding-top:6px}.exemptions ul{margin:4px 0}
.no-reason{color:var(--bad)}
details.ids{margin:4px 0}details.ids summary{cursor:pointer}details.id-group{margin-left:18px}
details.ids ul{margin:2px 0;columns:2;font-size:13px}
footer{margin-top:40px;font-size:13px;color:var(--muted)}
)";

// The kinds of trust a failed drill broke, beside its verdict, each with
// what it means.
void writeFailureClasses(std::ostringstream& out, const Report& r) {
  if (r.failure_classes.empty()) return;
  out << "<div id=\"failure-classes\" class=\"failure-classes\">\n<p><b>Trust broken:</b> ";
  for (const auto& c : r.failure_classes)
    out << "<span class=\"failure-class\"" << attr("data-failure-class", c) << ">" << esc(c)
        << "</span>";
  out << "</p>\n<dl class=\"classes\">\n";
  for (const auto& c : r.failure_classes) {
    for (const auto& known : kFailureClasses)
      if (c == known.name) out << "<dt>" << known.name << "</dt><dd>" << known.meaning << "</dd>\n";
  }
  out << "</dl>\n</div>\n";
}

void writeVerdict(std::ostringstream& out, const Report& r) {
  const char* v = verdictName(r.verdict);
  out << "<section id=\"verdict\" class=\"verdict verdict-" << v << "\" data-verdict=\"" << v
      << "\">\n<p class=\"verdict-word\">" << verdictTitle(r.verdict) << "</p>\n"
      << "<p id=\"verdict-reason\">" << esc(r.verdict_reason) << "</p>\n";
  if (const std::string banner = exemptionBanner(r); !banner.empty()) {
    out << "<div id=\"exemptions\" class=\"exemptions\"><p><b>"
        << (r.verdict == Verdict::Passed ? "Passed with exemptions" : "Let pass with exemptions")
        << ":</b> without these relaxations of the policy this drill would not have passed.</p>"
           "\n<ul>\n";
    for (const auto& e : r.exemptions) {
      out << "<li" << attr("data-exemption", e.rule) << ">" << esc(e.text) << " for "
          << esc(r.scenario.name) << " — "
          << (e.reason.empty() ? "<i class=\"no-reason\">(no reason given)</i>"
                               : "<span class=\"reason\">" + esc(e.reason) + "</span>")
          << " <span class=\"muted\">(set by <code>" << esc(e.source) << "</code>";
      if (!e.findings.empty()) out << "; excused " << counted(e.findings.size(), "finding");
      out << ")</span></li>\n";
    }
    out << "</ul>\n</div>\n";
  }
  writeFailureClasses(out, r);
  out << "<p>" << verdictMeaning(r.verdict) << "</p>\n</section>\n";
}

// The acceptance policy, stacked from its sources, on one line.
std::string policyText(const PolicySummary& p) {
  std::string html = "<span id=\"policy-sources\">";
  for (std::size_t i = 0; i < p.sources.size(); ++i)
    html += (i ? " → " : "") + ("<code>" + esc(p.sources[i]) + "</code>");
  if (p.sources.empty()) html += "an unrecorded policy";
  for (const auto& [source, reason] : p.reasons)
    html += " <span class=\"muted\">(<code>" + esc(source) + "</code>: " + esc(reason) + ")</span>";
  html += "</span>: honest partials <b>" +
          std::string(p.accept_honest_partial ? "accepted" : "fail") + "</b>, inconclusive <b>" +
          (p.pass_inconclusive ? "passes" : "fails") + "</b>, min recall " + fixed3(p.min_recall) +
          ", min precision " + fixed3(p.min_precision) + ", Retry-After violations allowed " +
          std::to_string(p.max_retry_after_violations) + ", max amplification " +
          fixed3(p.max_amplification);
  std::string overrides;
  for (const auto& [id, severity] : p.severity)
    overrides +=
        (overrides.empty() ? "" : ", ") + ("<code>" + esc(id) + "</code> → " + esc(severity));
  return overrides.empty() ? html : html + "; severity overrides: " + overrides;
}

void writeFacts(std::ostringstream& out, const Report& r) {
  const auto fact = [&out](const char* name, const std::string& html) {
    out << "<dt>" << name << "</dt><dd>" << html << "</dd>\n";
  };
  out << "<p>faultline ran the connector below against a mock of the target API whose true "
         "contents it "
         "knows, injected the faults listed under <a href=\"#faults\">Faults</a>, and compared "
         "what the connector reported and did with that ground truth.</p>\n<dl class=\"facts\">\n";
  fact("Scenario",
       esc(r.scenario.name) + " <span class=\"muted mono\">" + esc(r.scenario.file) + "</span>");
  if (!r.scenario.description.empty()) fact("Description", esc(r.scenario.description));
  fact("Tenant", std::to_string(r.scenario.accounts) + " accounts, " +
                     std::to_string(r.scenario.groups) + " groups, " +
                     std::to_string(r.scenario.entitlements) + " entitlements; dialect " +
                     esc(r.scenario.dialect));
  fact("Connector", esc(r.connector.name) + (r.connector.version.empty() ? "" : " ") +
                        esc(r.connector.version) + " <span class=\"muted mono\">" +
                        esc(r.connector.manifest_path) + "</span>");
  fact("Seed", "<code id=\"seed\">" + std::to_string(r.seed) + "</code>");
  fact("Drill", "<code>" + esc(r.drill_id) + "</code>, started " + esc(r.started_at) + ", took " +
                    seconds(r.duration_ms));
  fact("Requests", "<span id=\"journal-requests\">" + std::to_string(r.journal_requests) +
                       "</span> served by the mock");
  fact("Judged by", "<span id=\"policy\">" + policyText(r.policy) + "</span>");
  out << "</dl>\n";
}

std::vector<const Finding*> findingsOf(const Report& r, const std::string& operation,
                                       const std::string& metric) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings)
    if (f.operation == operation && f.metric == metric) out.push_back(&f);
  return out;
}

void writeCompleteness(std::ostringstream& out, const Report& r, const OperationReport& o) {
  out << "<table class=\"completeness\">\n<tr><th>type</th><th class=\"num\">expected</th>"
         "<th class=\"num\">returned</th><th class=\"num\">matched</th><th class=\"num\">recall"
         "</th><th class=\"num\">precision</th><th class=\"num\">missing</th><th class=\"num\">"
         "phantom</th><th class=\"num\">duplicates</th><th class=\"num\">attribute mismatches"
         "</th></tr>\n";
  const std::string op = attr("data-operation", o.label);
  for (const auto& t : o.completeness) {
    const std::string at = op + attr("data-type", t.type);
    const auto cell = [&](const char* metric, const std::string& value, bool bad) {
      out << "<td class=\"num" << (bad ? " bad" : "") << "\" data-metric=\"" << metric << "\"" << at
          << ">" << value << "</td>";
    };
    out << "<tr><td>" << esc(t.type) << "</td>";
    cell("expected", std::to_string(t.expected), false);
    cell("returned", std::to_string(t.returned), false);
    cell("matched", std::to_string(t.matched), t.matched < t.expected);
    cell("recall", fixed3(t.recall), t.recall < 1.0);
    cell("precision", fixed3(t.precision), t.precision < 1.0);
    cell("missing", std::to_string(t.missing_total), t.missing_total > 0);
    cell("phantom", std::to_string(t.phantom_total), t.phantom_total > 0);
    cell("duplicates", std::to_string(t.duplicates), t.duplicates > 0);
    cell("attribute-mismatches", std::to_string(t.attribute_mismatches),
         t.attribute_mismatches > 0);
    out << "</tr>\n";
  }
  out << "</table>\n";
  for (const auto& t : o.completeness) {
    out << renderRecordList(r, o, t.type, "Missing", t.missing, t.missing_total);
    out << renderRecordList(r, o, t.type, "Phantom", t.phantom, t.phantom_total);
  }
}

void writeOutcomeCounts(std::ostringstream& out, const Report& r, const OperationReport& o) {
  std::map<std::string, std::size_t> counts;
  // An outcome's colour is that of the worst finding about any action with it.
  std::map<std::string, std::optional<Severity>> worst;
  for (const auto& rv : o.revocations) {
    ++counts[rv.outcome];
    const Finding* f = findingForAction(r, o, rv);
    auto& w = worst[rv.outcome];
    if (f != nullptr && (!w || f->severity > *w)) w = f->severity;
  }
  out << "<table class=\"outcomes\">\n<tr><th>revocation outcome</th><th class=\"num\">actions"
         "</th></tr>\n";
  for (const auto& [outcome, n] : counts) {
    out << "<tr><td class=\"" << severityTone(worst[outcome]) << "\">" << esc(outcome)
        << "</td><td class=\"num\" data-metric=\"revocation-outcome\""
        << attr("data-operation", o.label) << attr("data-outcome", outcome) << ">" << n
        << "</td></tr>\n";
  }
  out << "</table>\n";
}

std::string processText(const ProcessSummary& p) {
  std::string s;
  if (!p.started) return "did not start: " + esc(p.start_error);
  if (p.timed_out) {
    s = "<span class=\"bad\">timed out</span>";
  } else if (p.signal) {
    s = "<span class=\"bad\">killed by signal " + std::to_string(*p.signal) + "</span>";
  } else if (p.exit_code) {
    s = *p.exit_code == 0
            ? std::string("exit code 0")
            : "<span class=\"bad\">exit code " + std::to_string(*p.exit_code) + "</span>";
  }
  if (p.left_processes) s += ", <span class=\"bad\">left processes behind</span>";
  return s + ", ran " + seconds(p.duration_ms);
}

void writeOperations(std::ostringstream& out, const Report& r) {
  out << "<h2 id=\"scorecard\">Scorecard</h2>\n"
         "<p class=\"muted\">Recall: the share of the tenant's objects the connector returned. "
         "Precision: the share of what it returned that really exists. 1.000 is perfect.</p>\n";
  for (const auto& o : r.operations) {
    out << "<section class=\"operation\"" << attr("data-operation", o.label)
        << attr("data-kind", o.kind) << ">\n<h3>" << esc(o.label) << " <span class=\"muted\">("
        << esc(o.kind) << ")</span></h3>\n<p>Declared <b data-metric=\"declared-status\""
        << attr("data-operation", o.label) << ">" << esc(o.declared_status) << "</b>";
    if (!o.declared_reason.empty()) out << " (" << esc(o.declared_reason) << ")";
    if (o.declared_incomplete)
      out << " · <span data-metric=\"declared-incomplete\"" << attr("data-operation", o.label)
          << ">" << esc(declaredIncompleteText(o.declared_incomplete)) << "</span>";
    out << " · " << processText(o.process) << " · started at " << seconds(o.started_ms) << " · "
        << o.requests << " requests";
    if (o.minimum_requests > 0)
      out << ", <span data-metric=\"amplification\"" << attr("data-operation", o.label) << ">"
          << fixed3(o.amplification) << "×</span> the minimum of " << o.minimum_requests;
    out << "</p>\n";
    if (o.restarts > 0)
      out << "<p class=\"warn\" data-metric=\"restarts\"" << attr("data-operation", o.label)
          << ">Killed by a fault and restarted " << counted(o.restarts, "time")
          << " with the same state directory; the last run is scored" << killedClaimsNote(o)
          << ".</p>\n";
    if (!o.auth_trouble.empty())
      out << "<p class=\"bad\" data-metric=\"auth-trouble\"" << attr("data-operation", o.label)
          << ">Ended refused by the target: " << esc(o.auth_trouble) << "</p>\n";
    out << renderRounds(o);
    if (!o.completeness.empty()) writeCompleteness(out, r, o);
    if (o.dangling_references > 0) {
      out << "<details class=\"ids\" data-list=\"dangling\"><summary>"
          << counted(o.dangling_references, "reference")
          << " to objects not returned</summary>\n<ul>";
      for (const auto& d : o.dangling) out << "<li><code>" << esc(d) << "</code></li>";
      out << "</ul>\n</details>\n";
    }
    if (!o.revocations.empty()) writeOutcomeCounts(out, r, o);
    out << "</section>\n";
  }
  out << renderFreshnessSummary(r);
}

// One cell of the behaviour table: "ok", or each finding on that metric.
void behaviourCell(std::ostringstream& out, const Report& r, const OperationReport& o,
                   const char* metric, const std::string& lead) {
  const auto found = findingsOf(r, o.label, metric);
  out << "<td data-metric=\"" << metric << "\"" << attr("data-operation", o.label)
      << " data-findings=\"" << found.size() << "\">" << lead;
  if (found.empty() && lead.empty()) out << "<span class=\"good\">ok</span>";
  for (std::size_t i = 0; i < found.size(); ++i)
    out << (i == 0 && lead.empty() ? "" : "<br>") << severityBadge(found[i]->severity) << " "
        << esc(found[i]->title);
  out << "</td>";
}

void writeBehaviour(std::ostringstream& out, const Report& r) {
  out << "<h3 id=\"behaviour\">Behaviour under faults</h3>\n<table class=\"behaviour\">\n<tr>"
         "<th>operation</th><th>process</th><th>protocol</th><th>Retry-After</th><th>secret "
         "hygiene</th><th>authentication</th><th>requests</th></tr>\n";
  for (const auto& o : r.operations) {
    out << "<tr><td class=\"op\">" << esc(o.label) << "</td>";
    behaviourCell(out, r, o, "process", processText(o.process));
    behaviourCell(out, r, o, "protocol",
                  std::string(o.protocol_violations > 0 ? "<span class=\"bad\">" : "<span>") +
                      counted(o.protocol_violations, "violation") + "</span>");
    behaviourCell(out, r, o, "behaviour.retry_after", "");
    behaviourCell(out, r, o, "behaviour.secret_hygiene", "");
    behaviourCell(out, r, o, "behaviour.auth",
                  o.auth_trouble.empty()
                      ? ""
                      : "<span class=\"bad\">ended refused: " + esc(o.auth_trouble) + "</span>");
    behaviourCell(out, r, o, "behaviour.amplification",
                  o.minimum_requests > 0
                      ? fixed3(o.amplification) + "× the minimum"
                      : std::string("<span class=\"muted\">not measured</span>"));
    out << "</tr>\n";
  }
  out << "</table>\n";
}

void writeFaults(std::ostringstream& out, const Report& r) {
  out << "<h3 id=\"faults\">Faults fired vs required</h3>\n";
  if (r.faults.empty()) {
    out << "<p>The scenario planned no faults.</p>\n";
    return;
  }
  out << "<table class=\"faults\">\n<tr><th>fault rule</th><th>kind</th><th class=\"num\">fired"
         "</th><th class=\"num\">required</th><th>result</th></tr>\n";
  for (const auto& f : r.faults) {
    const bool met = f.fired >= f.min_fires;
    out << "<tr" << attr("data-fault", f.id) << " data-fired=\"" << f.fired << "\" data-required=\""
        << f.min_fires << "\"><td><code>" << esc(f.id) << "</code></td><td>" << esc(f.kind)
        << "</td><td class=\"num\">" << f.fired << "</td><td class=\"num\">" << f.min_fires
        << "</td><td>"
        << (met ? "<span class=\"good\">met</span>"
                : "<span class=\"warn\">not met: the drill proves nothing about this fault</span>")
        << "</td></tr>\n";
  }
  out << "</table>\n";
}

void writeReplay(std::ostringstream& out, const Report& r) {
  out << "<h2 id=\"replay\">Replay</h2>\n<p>Seed <code>" << r.seed
      << "</code>. The same seed gives the same tenant and the same fault decisions; this command "
         "runs the drill again:</p>\n<pre id=\"replay-command\">"
      << esc(r.replay_command) << "</pre>\n";
  if (!r.journal_file.empty())
    out << "<p>Every request is in the journal <code id=\"journal-file\">" << esc(r.journal_file)
        << "</code> (JSON Lines).</p>\n";
}

}  // namespace

std::string escapeHtml(std::string_view raw) {
  return escapeMarkup(raw, true);
}

std::string renderHtmlReport(const Report& r, const std::vector<JournalPoint>& journal) {
  std::ostringstream out;
  const std::string heading = std::string("faultline drill ") + verdictName(r.verdict) + ": " +
                              r.scenario.name + " × " + r.connector.name;
  // The policy forbids every fetch and every script: the page is complete as
  // written, and injected markup could run or load nothing even if escaping
  // failed.
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
      << esc(heading) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<main>\n<h1>"
      << esc(heading) << "</h1>\n";
  writeVerdict(out, r);
  out << renderFixFirst(r);
  writeFacts(out, r);
  writeOperations(out, r);
  writeBehaviour(out, r);
  writeFaults(out, r);
  out << renderTimeline(r, journal) << renderFreshness(r);
  out << renderRevocations(r);
  out << renderFindings(r);
  writeReplay(out, r);
  out << "<footer>Written by faultline " << esc(r.tool_version) << " (report format "
      << r.format_version
      << "). This page is self-contained: it loads nothing and runs no script. The JSON report "
         "beside it is the source of truth.</footer>\n</main>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace faultline::reports
