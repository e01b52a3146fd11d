// The SCIM dialect as the fault engine's tests speak it: the engine asks a
// dialect for every byte it sends, and these tests pin SCIM's bytes.
#pragma once

#include "mocks/clock.h"
#include "mocks/scim_dialect.h"
#include "mocks/tenant.h"

namespace faultline::mocks {

inline const Dialect& scimWire() {
  static ManualClock clock;
  static Tenant tenant(TenantState{}, clock);
  static ScimDialect dialect(tenant, ScimOptions{});
  return dialect;
}

}  // namespace faultline::mocks
