#include "reports/wording.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "reports/printable_text.h"

namespace faultline::reports {

std::string counted(std::size_t n, std::string_view singular, std::string_view plural) {
  std::string out = std::to_string(n) + " ";
  if (n == 1) return out.append(singular);
  if (!plural.empty()) return out.append(plural);
  return out.append(singular).append("s");
}

std::string fixed3(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  return buffer;
}

std::string cutWithEllipsis(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr std::string_view kEllipsis = "\u2026";
  const std::size_t room = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  return std::string(cutUtf8(text, room)) + std::string(kEllipsis);
}

std::string summaryLine(const Report& r, const std::string& report_path) {
  std::string out = std::string(verdictName(r.verdict)) + ": " + r.scenario.name + " seed " +
                    std::to_string(r.seed) + ", " + r.connector.name;
  double recall = 1.0, precision = 1.0;
  bool scored = false;
  std::size_t actions = 0, confirmed = 0;
  for (const auto& o : r.operations) {
    for (const auto& t : o.completeness) {
      recall = std::min(recall, t.recall);
      precision = std::min(precision, t.precision);
      scored = true;
    }
    actions += o.revocations.size();
    for (const auto& rv : o.revocations) confirmed += rv.outcome == "confirmed";
  }
  if (scored) out += ": min recall " + fixed3(recall) + ", min precision " + fixed3(precision);
  if (actions > 0)
    out += std::string(scored ? ", " : ": ") + std::to_string(confirmed) + "/" +
           counted(actions, "revocation") + " confirmed";
  out += (scored || actions > 0 ? ", " : ": ") + counted(r.findings.size(), "finding");
  std::map<Severity, std::size_t> by_severity;
  for (const auto& f : r.findings) ++by_severity[f.severity];
  std::string severities;
  for (const Severity s :
       {Severity::Critical, Severity::Error, Severity::Warning, Severity::Info}) {
    if (by_severity[s] == 0) continue;
    severities +=
        (severities.empty() ? "" : ", ") + std::to_string(by_severity[s]) + " " + severityName(s);
  }
  if (!severities.empty()) out += " (" + severities + ")";
  return out + "; report " + report_path;
}

}  // namespace faultline::reports
