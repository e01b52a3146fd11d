// libFuzzer target for the SCIM filter and PATCH path parsers, which read untrusted connector
// input inside the mock server's request handlers. Besides crashes and sanitizer reports it traps
// on broken contracts: exactly one of result and error, printable error text, and canonical text
// that parses back to itself with the same verdict.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mocks/scim_filter.h"

namespace {

using faultline::mocks::AttributeSource;
using faultline::mocks::FilterParse;
using faultline::mocks::MapAttributeSource;
using faultline::mocks::parseFilter;
using faultline::mocks::parsePatchPath;
using faultline::mocks::PatchPathParse;

// A user and a group member list, so value paths, multi-valued and caseExact attributes all have
// something to match.
const MapAttributeSource& fixedResource() {
  static const MapAttributeSource resource = [] {
    MapAttributeSource user;
    user.add("id", "2819c223-7f76-453a-919d-413861904646", /*case_exact=*/true);
    user.add("userName", "bjensen@example.com").add("displayName", "Babs Jensen");
    user.add("externalId", "701984").add("name.givenName", "Barbara");
    user.add("nickName", "").add("title", nullptr).add("active", true).add("loginCount", 42.0);
    user.add("schemas", "urn:ietf:params:scim:schemas:core:2.0:User");
    user.add("schemas", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    user.addElement("emails").add("type", "work").add("value", "bjensen@example.com");
    user.addElement("emails").add("type", "home").add("value", "babs@jensen.org");
    user.addElement("members").add("value", "2819c223").add("display", "Babs");
    user.addElement("members").add("value", "902c246b").add("primary", false);
    return user;
  }();
  return resource;
}

// Error text is copied into JSON error bodies; anything else there could break the response.
void checkErrorText(const std::string& error) {
  if (error.empty()) __builtin_trap();
  for (const char c : error) {
    if (c < 0x20 || c > 0x7e) __builtin_trap();
  }
}

void fuzzFilter(std::string_view text) {
  const FilterParse parsed = parseFilter(text);
  if (parsed.filter == nullptr) {
    checkErrorText(parsed.error);
    return;
  }
  if (!parsed.error.empty()) __builtin_trap();
  const bool verdict = parsed.filter->matches(fixedResource());
  (void)parsed.filter->asSimpleEquality();
  (void)parsed.filter->attributePaths();
  // The journal records canonical text; it must denote the filter the server actually ran.
  const std::string canonical = parsed.filter->toString();
  const FilterParse reparsed = parseFilter(canonical);
  if (reparsed.filter == nullptr || reparsed.filter->toString() != canonical ||
      reparsed.filter->matches(fixedResource()) != verdict) {
    __builtin_trap();
  }
}

void fuzzPatchPath(std::string_view text) {
  const PatchPathParse parsed = parsePatchPath(text);
  if (!parsed.path.has_value()) {
    checkErrorText(parsed.error);
    return;
  }
  if (!parsed.error.empty()) __builtin_trap();
  for (const AttributeSource* element : fixedResource().elements(parsed.path->attribute.name)) {
    (void)parsed.path->selects(*element);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzzFilter(text);
  fuzzPatchPath(text);
  return 0;
}
