#pragma once

#include <vector>

#include "mocks/tenant.h"
#include "reports/report.h"

namespace faultline::harness {

// Fills report.identities with every account, group, entitlement and
// credential the report mentions (revocations, missing and phantom records
// and both ends of a grant, timeline subjects, ids a finding's title or
// detail names, and a credential's owner), looked up in `states` in order:
// the first state that holds an id names it. Ids no state holds (phantoms)
// stay unnamed.
void nameIdentities(reports::Report& report, const std::vector<const mocks::TenantState*>& states);

}  // namespace faultline::harness
