#include "reports/report.h"

#include <utility>

namespace faultline::reports {

const Measure* findMeasure(const Finding& f, std::string_view name) {
  for (const auto& m : f.measures) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

Measure* findMeasure(Finding& f, std::string_view name) {
  return const_cast<Measure*>(findMeasure(std::as_const(f), name));
}

const char* severityName(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
    case Severity::Critical:
      return "critical";
  }
  return "unknown";
}

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::Passed:
      return "passed";
    case Verdict::Failed:
      return "failed";
    case Verdict::Inconclusive:
      return "inconclusive";
  }
  return "unknown";
}

std::string killedClaimsNote(const OperationReport& o) {
  return o.kind == "revoke" ? ", and confirmations a killed run printed are judged too" : "";
}

std::string declaredIncompleteText(const std::optional<std::vector<std::string>>& incomplete) {
  if (!incomplete) return "";
  std::string types;
  for (const auto& t : *incomplete) types += (types.empty() ? "" : ", ") + t;
  return "declared incomplete: " + (types.empty() ? std::string("none") : types);
}

}  // namespace faultline::reports
