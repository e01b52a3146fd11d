#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/config_error.h"
#include "scenarios/fault_plan.h"

namespace faultline::scenarios {

// What a target API can express, so a scenario is checked against the
// connector's API when it is paired with it, before anything runs.
enum DialectFeatureBits : unsigned {
  kCursorPaging = 1u << 0,        // lists page with opaque cursors
  kListTotals = 1u << 1,          // list answers claim a total
  kSchemaDescriptions = 1u << 2,  // the API describes its own schemas
};

struct DialectTraits {
  std::string_view name;  // as spelt in manifests and scenarios
  std::string_view description;
  unsigned requests;  // RequestKindBits the API serves
  unsigned features;  // DialectFeatureBits
};

// Every dialect the mock target can speak.
const std::vector<DialectTraits>& knownDialects();
// The API a connector speaks when its manifest does not say.
std::string_view defaultDialect();
// Null when no dialect is spelt `name`.
const DialectTraits* findDialect(std::string_view name);
// "scim" or "okta, scim": for error messages.
std::string knownDialectNames();

// Why `rule` cannot be expressed in `dialect`; "" when it can.
std::string inexpressible(const FaultRule& rule, const DialectTraits& dialect);
// One issue per rule of `faults` the dialect cannot express, each naming the
// rule, its kind and the dialect, at /faults/<i>.
std::vector<ConfigIssue> checkExpressible(const std::vector<FaultRule>& faults,
                                          const DialectTraits& dialect);

}  // namespace faultline::scenarios
