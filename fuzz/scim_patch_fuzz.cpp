// libFuzzer target for the SCIM PATCH parser: a PatchOp body is connector
// input, read inside a mock request handler where nothing may throw. The
// body is parsed as the handler parses it and applied to a user and a group.
// Besides crashes and sanitizer reports it traps on broken contracts: an
// error has a known scimType and a detail (both are copied into the
// response body), and no PATCH changes a resource's id, which is immutable.
// (Member order is not checked: the tenant normalises it after a patch.)
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mocks/scim_patch.h"
#include "mocks/scim_request_body.h"

namespace {

using faultline::mocks::Account;
using faultline::mocks::Group;
using faultline::mocks::PatchError;

Account fixedUser() {
  Account a;
  a.id = "u1";
  a.user_name = "bjensen@example.com";
  a.display_name = "Babs Jensen";
  a.given_name = "Barbara";
  a.family_name = "Jensen";
  a.emails = {{"bjensen@example.com", "work", true}, {"babs@jensen.org", "home", false}};
  a.entitlements = {"e1", "e2"};
  return a;
}

Group fixedGroup() {
  Group g;
  g.id = "g1";
  g.display_name = "Admins";
  g.members = {{"sub", true}, {"u1", false}, {"u2", false}};
  g.entitlements = {"e1"};
  return g;
}

void checkError(const PatchError& e) {
  if (e.ok()) return;
  static const std::set<std::string> kTypes = {"invalidSyntax", "invalidPath", "noTarget",
                                               "invalidValue", "mutability"};
  if (kTypes.count(e.scim_type) == 0 || e.detail.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = faultline::mocks::parseRequestBody(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (parsed.error) {
    if (parsed.error->scim_type != "invalidSyntax" || parsed.error->detail.empty())
      __builtin_trap();
    return 0;
  }
  const nlohmann::json& body = parsed.value;
  Account user = fixedUser();
  checkError(faultline::mocks::applyUserPatch(body, user));
  if (user.id != "u1") __builtin_trap();
  Group group = fixedGroup();
  checkError(faultline::mocks::applyGroupPatch(body, group));
  if (group.id != "g1") __builtin_trap();
  return 0;
}
