#include "mocks/dialects.h"

#include "mocks/scim_dialect.h"

namespace faultline::mocks {

// One line per dialect: its name as scenarios::knownDialects() spells it.
std::unique_ptr<Dialect> makeApiDialect(const std::string& name, Tenant& tenant,
                                        const ApiDialectOptions& options) {
  if (name == "scim") {
    ScimOptions scim;
    scim.default_page_size = options.default_page_size;
    scim.max_page_size = options.max_page_size;
    return std::make_unique<ScimDialect>(tenant, scim);
  }
  return nullptr;
}

}  // namespace faultline::mocks
