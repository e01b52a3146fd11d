#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mocks/tenant.h"

namespace faultline::mocks {

// Why a PATCH could not be applied: the SCIM scimType and a detail line.
struct PatchError {
  std::string scim_type;  // invalidSyntax, invalidPath, noTarget, invalidValue, mutability
  std::string detail;
  bool ok() const { return scim_type.empty(); }
};

// Applies the Operations of a PatchOp body (RFC 7644 §3.5.2) to a copy of a
// resource, in order. On error the copy is in an unspecified state and must
// be discarded, which makes the whole request atomic.
PatchError applyUserPatch(const nlohmann::json& body, Account& account);
PatchError applyGroupPatch(const nlohmann::json& body, Group& group);

}  // namespace faultline::mocks
