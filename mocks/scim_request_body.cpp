#include "mocks/scim_request_body.h"

#include "scenarios/config_error.h"
#include "scenarios/json_reader.h"

namespace faultline::mocks {

RequestBody parseRequestBody(std::string_view text) {
  scenarios::ParsedJson parsed = scenarios::parseUntrustedJson(text);
  RequestBody out;
  if (parsed.issues.empty()) {
    out.value = std::move(parsed.value);
    return out;
  }
  // One detail line: the first problem says enough for a client to fix the
  // body, and a crafted body can repeat thousands of keys.
  const scenarios::ConfigIssue& first = parsed.issues.front();
  if (parsed.syntax_error) {
    std::string_view why = first.message;
    constexpr std::string_view kPrefix = "invalid JSON: ";
    if (why.starts_with(kPrefix)) why.remove_prefix(kPrefix.size());
    out.error =
        BodyError{"invalidSyntax", "the request body is not valid JSON: " + std::string(why)};
  } else if (first.pointer.empty()) {
    out.error = BodyError{"invalidSyntax", "the request body has " + first.message};
  } else {
    out.error = BodyError{"invalidSyntax", first.pointer + ": " + first.message};
  }
  return out;
}

std::string memberPointer(const std::string& parent, std::string_view key) {
  return parent + "/" + scenarios::escapePointerToken(std::string(key));
}

std::string mustBe(const std::string& pointer, std::string_view want, const nlohmann::json& got) {
  return (pointer.empty() ? std::string("the body") : pointer) + ": must be " + std::string(want) +
         ", got " + scenarios::describeJsonType(got);
}

}  // namespace faultline::mocks
