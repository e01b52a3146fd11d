#pragma once

#include <cstdint>
#include <string>

#include "mocks/tenant.h"
#include "scenarios/scenario.h"

namespace faultline::mocks {

// Builds a tenant from a seed and sizes. A pure function: the same seed and
// spec give the same tenant, byte for byte, on every platform (it draws only
// from SeededRng, never from std distributions or the clock).
TenantState generateTenant(const scenarios::TenantSpec& spec, std::uint64_t seed);

// Canonical JSON text of a tenant (sorted keys, creation order), for
// determinism checks and for `faultline mock --dump`.
std::string tenantToJson(const TenantState& state);

}  // namespace faultline::mocks
