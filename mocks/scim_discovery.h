#pragma once

#include <string>

namespace faultline::mocks {

struct ScimOptions;

// The discovery documents (RFC 7644 §4), built once per dialect.
std::string scimServiceProviderConfig(const ScimOptions& options);
std::string scimResourceTypes(const ScimOptions& options);
std::string scimSchemas(const ScimOptions& options);

}  // namespace faultline::mocks
