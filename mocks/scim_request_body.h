#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace faultline::mocks {

// Why a request body was refused: every refusal is a 400 with a SCIM
// scimType (RFC 7644 §3.12) and a detail naming where the body went wrong,
// by line and column for a syntax error and by JSON pointer otherwise.
struct BodyError {
  std::string scim_type;  // invalidSyntax or invalidValue
  std::string detail;
};

// A request body parsed as JSON, or the reason it was refused.
struct RequestBody {
  nlohmann::json value;  // null when refused
  std::optional<BodyError> error;
};

// Parses an untrusted request body without throwing. Refuses with
// invalidSyntax: text that is not JSON, arrays and objects nested deeper
// than 128 levels (every later walk of the tree recurses once per level),
// and a key repeated within one object (which of the two would count is
// not something a server should guess). Thread-safe.
RequestBody parseRequestBody(std::string_view text);

// For the handlers' typed reads: the pointer of member `key` of the value at
// `parent`, and the invalidValue detail for a value of the wrong type, like
// `/name/givenName: must be a string, got 5`.
std::string memberPointer(const std::string& parent, std::string_view key);
std::string mustBe(const std::string& pointer, std::string_view want, const nlohmann::json& got);

}  // namespace faultline::mocks
