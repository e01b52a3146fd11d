#pragma once

#include <string>

#include "reports/report.h"
#include "scenarios/acceptance.h"
#include "scenarios/scenario.h"

namespace faultline::harness {

// Stacks the acceptance fragments (docs/scoring.md, "Acceptance policy"):
// the built-in default, then the scenario's "acceptance" block, then the
// policy file's global keys, then its entry for this scenario. A later
// fragment sets only the keys it names.
reports::PolicySummary resolvePolicy(const scenarios::Scenario& scenario,
                                     const scenarios::PolicyFile* file);

// Judges a drill by `policy`: drops the request-amplification findings at or
// below max_amplification, adjusts finding severities (each change noted on
// the finding), then sets the verdict, its reason and the failure classes.
void applyPolicy(const reports::PolicySummary& policy, reports::Report& report);

// Whether `faultline run` should exit 0 for this report.
bool acceptedForExit(const reports::Report& report);

}  // namespace faultline::harness
