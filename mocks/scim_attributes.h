#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mocks/tenant.h"

namespace faultline::mocks {

class Filter;

// The per-resource-type table behind the SCIM handlers: which attributes a
// filter may name, how a resource is found and written. `resource` is the
// endpoint name: "Users", "Groups" or "Entitlements".

// "" when every attribute the filter names is filterable; else the first
// attribute that is not.
std::string unknownFilterAttribute(const std::string& resource, const Filter& filter);
std::size_t resourceCount(const TenantState& state, const std::string& resource);
// Positions (creation order) of the resources that match; all when no filter.
std::vector<std::size_t> matchingIndexes(const TenantState& state, const std::string& resource,
                                         const Filter* filter);
void writeResource(std::string& out, const TenantState& state, const std::string& resource,
                   std::size_t index, const std::string& base);
void writeResourceById(std::string& out, const TenantState& state, const std::string& resource,
                       const std::string& id, const std::string& base);
std::optional<std::uint64_t> resourceVersion(const TenantState& state, const std::string& resource,
                                             const std::string& id);
std::string resourceSingular(const std::string& resource);

}  // namespace faultline::mocks
