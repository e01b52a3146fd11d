#pragma once

#include <memory>
#include <string>

#include "mocks/dialect.h"
#include "mocks/tenant.h"

namespace faultline::mocks {

// What every API dialect is built from.
struct ApiDialectOptions {
  int default_page_size = 100;
  int max_page_size = 500;
};

// The mock of the target API named `name` (scenarios::knownDialects()), over
// `tenant`; null for a name no dialect answers to.
std::unique_ptr<Dialect> makeApiDialect(const std::string& name, Tenant& tenant,
                                        const ApiDialectOptions& options);

}  // namespace faultline::mocks
