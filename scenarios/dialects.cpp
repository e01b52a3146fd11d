#include "scenarios/dialects.h"

namespace faultline::scenarios {

const std::vector<DialectTraits>& knownDialects() {
  static const std::vector<DialectTraits> kDialects = {
      {"scim", "SCIM 2.0 (RFC 7643/7644) with an OAuth 2.0 client-credentials token endpoint",
       kList | kRead | kWrite | kToken | kDiscovery,
       kCursorPaging | kListTotals | kSchemaDescriptions},
  };
  return kDialects;
}

std::string_view defaultDialect() {
  return knownDialects().front().name;
}

const DialectTraits* findDialect(std::string_view name) {
  for (const DialectTraits& d : knownDialects()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::string knownDialectNames() {
  std::string out;
  for (const DialectTraits& d : knownDialects())
    out += (out.empty() ? "" : ", ") + std::string(d.name);
  return out;
}

std::string inexpressible(const FaultRule& rule, const DialectTraits& dialect) {
  const FaultKindInfo& info = faultKindInfo(rule.kind);
  if ((info.requests & dialect.requests) == 0) {
    return "it acts on " + describeRequestKinds(info.requests) + " requests, which " +
           std::string(dialect.name) + " does not serve";
  }
  if (rule.kind == FaultKind::CursorError && (dialect.features & kCursorPaging) == 0)
    return std::string(dialect.name) + " lists do not page with cursors";
  if (rule.kind == FaultKind::TotalResultsLie && (dialect.features & kListTotals) == 0)
    return std::string(dialect.name) + " lists claim no total";
  if (rule.announce && (dialect.features & kSchemaDescriptions) == 0)
    return std::string(dialect.name) +
           " does not describe its schemas, so drift cannot be announced";
  return "";
}

std::vector<ConfigIssue> checkExpressible(const std::vector<FaultRule>& faults,
                                          const DialectTraits& dialect) {
  std::vector<ConfigIssue> issues;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const std::string why = inexpressible(faults[i], dialect);
    if (why.empty()) continue;
    issues.push_back({"/faults/" + std::to_string(i),
                      "fault rule \"" + faults[i].id + "\" (" + faultKindName(faults[i].kind) +
                          ") cannot be expressed in the " + std::string(dialect.name) +
                          " dialect: " + why});
  }
  return issues;
}

}  // namespace faultline::scenarios
