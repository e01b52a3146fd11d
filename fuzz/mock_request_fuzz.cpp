// libFuzzer target for how the SCIM mock reads a request's path and query:
// the fault engine matches rules on what ScimDialect::classify makes of
// them, so a connector's odd paths and parameters must neither crash it nor
// yield a page below 1. The input is "PATH?QUERY" (the first byte picks the
// method); the query is split and decoded with the form decoder, as
// cpp-httplib splits it, and every value is also tried as a cursor.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mocks/clock.h"
#include "mocks/oauth_dialect.h"
#include "mocks/scim_dialect.h"
#include "mocks/tenant.h"

namespace {

using faultline::mocks::MockRequest;
using faultline::mocks::ScimDialect;

ScimDialect& dialect() {
  static faultline::mocks::ManualClock clock;
  static faultline::mocks::Tenant tenant(faultline::mocks::TenantState{}, clock);
  static ScimDialect scim(tenant, {"/scim/v2", 50, 200});
  return scim;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  MockRequest request;
  request.method = kMethods[data[0] % 5];
  const std::string_view target(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    request.query = std::string(target.substr(question + 1));
    request.params = faultline::mocks::parseForm(request.query);
  }
  const auto t = dialect().classify(request);
  if (t.page && *t.page < 1) __builtin_trap();
  if (!t.resource.empty() && t.resource.find('/') != std::string::npos) __builtin_trap();
  for (const auto& [name, value] : request.params) {
    if (const auto offset = faultline::mocks::decodeCursor(value)) {
      if (*offset < 0) __builtin_trap();
      if (faultline::mocks::decodeCursor(faultline::mocks::encodeCursor(*offset)) != offset)
        __builtin_trap();
    }
    faultline::mocks::percentDecode(value, true);
  }
  return 0;
}
