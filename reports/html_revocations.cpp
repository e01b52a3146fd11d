// The HTML report's revocation table and what each outcome means
// (html_timeline.h).

#include <sstream>

#include "reports/html_timeline.h"
#include "reports/triage.h"

namespace faultline::reports {
namespace {

std::string esc(std::string_view raw) {
  return escapeHtml(raw);
}

std::string attr(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + esc(value) + "\"";
}

// What a revocation outcome means, for a reader who does not know the
// scoring rules. How bad it is comes from the finding about the action, so
// the table and the findings never disagree (triage.h, severityTone).
struct OutcomeInfo {
  const char* name;
  const char* meaning;
};

constexpr OutcomeInfo kOutcomes[] = {
    {"confirmed", "the connector said done, and the access is gone"},
    {"false-confirmation", "the connector said done, but the access remains"},
    {"unreported", "the connector said nothing about the action"},
    {"honest-failure", "the connector said it failed, and the access remains"},
    {"inherited-remains",
     "the connector said it failed: what the action named is gone, but the account still gets "
     "the access through a group"},
    {"false-alarm", "the connector said it failed, but the access is gone"},
    {"unconfirmed-applied", "the connector did not confirm, but the access is gone"},
};

// An id with its name beside it, when the report knows one.
std::string namedCell(const Report& r, const std::string& id) {
  const std::string name = identityName(r, id);
  return (name.empty() || name == id ? "" : esc(name) + "<br>") + "<code class=\"muted\">" +
         esc(id) + "</code>";
}

// The settled truth, what remains, and the truth at exit when it differed.
std::string actualText(const RevocationOutcome& rv, const char* tone) {
  std::string html = "<span class=\"outcome " + std::string(tone) + "\" data-metric=\"outcome\">" +
                     esc(rv.outcome) + "</span><br>";
  if (rv.applied) {
    html += "access gone";
  } else {
    html += "<b>remains</b>" + (rv.remaining.empty() ? "" : ": " + esc(rv.remaining));
  }
  if (rv.applied_at_exit != rv.applied)
    html += std::string("<br><span class=\"muted\" data-metric=\"applied-at-exit\">") +
            (rv.applied_at_exit ? "gone when the connector exited"
                                : "still held when the connector exited") +
            "</span>";
  return html;
}

void writeRevocationRow(std::ostringstream& out, const Report& r, const OperationReport& o,
                        const RevocationOutcome& rv) {
  // A confirmation the connector never checked is the one worth flagging.
  const bool unchecked = rv.claimed == "confirmed" && !rv.read_back;
  const Finding* finding = findingForAction(r, o, rv);
  const char* tone = revocationTone(r, o, rv);
  out << "<tr" << attr("data-action-id", rv.action_id) << attr("data-outcome", rv.outcome)
      << attr("data-tone", tone)
      << (finding != nullptr ? attr("data-severity", severityName(finding->severity)) : "")
      << "><td class=\"op\">" << esc(o.label) << "</td><td><code>" << esc(rv.action_id)
      << "</code> <span class=\"nowrap\">" << esc(rv.action) << "</span></td><td>"
      << namedCell(r, rv.account) << (rv.privileged ? " <span class=\"tag\">privileged</span>" : "")
      << (rv.non_human ? " <span class=\"tag\">non-human</span>" : "") << "</td><td>"
      << (rv.target.empty() ? "" : namedCell(r, rv.target))
      << "</td><td data-metric=\"claimed\"><b>" << esc(rv.claimed) << "</b>";
  if (!rv.detail.empty()) out << "<br><span class=\"muted\">" << esc(rv.detail) << "</span>";
  if (!rv.claimed_before_restart.empty()) {
    // A confirmation a killed run printed counts as said; false, it is the worst claim here.
    const bool false_before = rv.claimed_before_restart == "confirmed" && !rv.applied;
    out << "<br><span data-metric=\"claimed-before-restart\" class=\""
        << (false_before ? "bad" : "muted")
        << "\">before a restart: " << esc(rv.claimed_before_restart) << "</span>";
  }
  out << "</td><td class=\"actual\">" << actualText(rv, tone)
      << "</td><td class=\"num nowrap\" data-metric=\"result-ms\">"
      << (rv.result_ms ? std::to_string(*rv.result_ms) + " ms" : "—")
      << "</td><td data-metric=\"read-back\"" << (unchecked ? " class=\"warn\"" : "") << ">"
      << (rv.read_back ? "yes" : "no") << "</td></tr>\n";
}

}  // namespace

std::string renderRevocations(const Report& r) {
  std::ostringstream out;
  out << "<h2 id=\"revocations\">Revocations</h2>\n";
  bool any = false;
  for (const auto& o : r.operations) any = any || !o.revocations.empty();
  if (!any) {
    out << "<p>This drill revoked no access.</p>\n";
    return out.str();
  }
  out << "<p class=\"muted\">Each access the scenario asked the connector to take away: what the "
         "connector claimed, and whether the tenant shows it really gone once every deferred "
         "write has landed (and, if that differed, when the connector exited). Time: from the "
         "start of the revoke operation until the connector printed its result. Read back: "
         "whether it read the account or group back (a successful GET) after its last write to "
         "it and before its result. An outcome is coloured as the finding about the same action "
         "is: red for error or critical, amber for a warning, grey for info, green when there is "
         "none.</p>\n"
         "<table class=\"revocations\">\n<tr><th>operation</th><th>action</th><th>account</th>"
         "<th>target</th><th>claimed</th><th>actual</th><th class=\"num\">time</th>"
         "<th>read back</th></tr>\n";
  for (const auto& o : r.operations) {
    for (const auto& rv : o.revocations) writeRevocationRow(out, r, o, rv);
  }
  out << "</table>\n<dl class=\"facts\">\n";
  for (const auto& o : kOutcomes) out << "<dt>" << o.name << "</dt><dd>" << o.meaning << "</dd>\n";
  out << "</dl>\n";
  return out.str();
}

}  // namespace faultline::reports
