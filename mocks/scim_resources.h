#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mocks/tenant.h"

namespace faultline::mocks {

inline constexpr std::string_view kScimUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kScimGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view kAccountExtension =
    "urn:faultline:params:scim:schemas:extension:2.0:Account";
inline constexpr std::string_view kGroupEntitlementsExtension =
    "urn:faultline:params:scim:schemas:extension:2.0:GroupEntitlements";
inline constexpr std::string_view kEntitlementSchema =
    "urn:faultline:params:scim:schemas:core:2.0:Entitlement";
inline constexpr std::string_view kListResponseSchema =
    "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr std::string_view kErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr std::string_view kPatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

// Writes SCIM resource representations straight into a string. `base` is the
// absolute SCIM base URL used for meta.location. Callers hold the tenant's
// read lock while the state is referenced.
void writeUser(std::string& out, const TenantState& state, const Account& account,
               std::string_view base);
void writeGroup(std::string& out, const TenantState& state, const Group& group,
                std::string_view base);
void writeEntitlement(std::string& out, const Entitlement& entitlement, std::string_view base);

std::string weakEtag(std::uint64_t version);
// Parses `W/"12"` or `"12"`; nullopt for `*`, empty or malformed.
std::optional<std::uint64_t> parseEtag(std::string_view etag);

// Reads a User or Group representation (POST, PUT), every member's type
// checked. Returns "" on success or the detail of a 400 invalidValue answer,
// naming the member by its JSON pointer ("/emails/1/primary: must be a
// boolean, got a string"). Members that are null count as absent.
std::string readUser(const nlohmann::json& body, Account& account);
// Reads `emails` values found at pointer `at`: an array of {value, type,
// primary}, or one such object (as a PATCH value may be). Appends to `out`;
// "" on success or an error detail. At most one value may be primary
// (RFC 7643 §2.4).
std::string readEmails(const nlohmann::json& values, const std::string& at,
                       std::vector<Email>& out);
std::string readGroup(const nlohmann::json& body, Group& group);

}  // namespace faultline::mocks
