#pragma once

#include <cstdint>
#include <limits>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "mocks/tenant.h"

namespace faultline::mocks {

// Serialised resources of one tenant generation, so a list page is mostly
// copies of ready bytes instead of fresh serialisation (the mock must never
// be the slow side of a drill). Any write bumps the tenant's generation and
// empties the cache on next use. Callers hold the tenant's read lock while
// they pass `state`, so every concurrent caller sees one generation.
// Thread-safe.
class ResourceCache {
 public:
  // Appends the resource at `index` of `resource` ("Users", "Groups",
  // "Entitlements") to `out`, serialising it only on a miss.
  void append(std::string& out, const TenantState& state, const std::string& resource,
              std::size_t index, const std::string& base);

  // Whole list pages of one generation, keyed by what makes a page (resource,
  // start, count, paging mode, base URL): the hot path of a listing drill is
  // one copy of ready bytes. Filtered and stale reads are never cached.
  // Bounded: past kMaxPageBytes a generation stores no more pages.
  bool findPage(const std::string& key, const TenantState& state, std::string& out);
  void storePage(const std::string& key, const TenantState& state, const std::string& body);
  static constexpr std::size_t kMaxPageBytes = 64u << 20;

 private:
  std::shared_mutex mutex_;
  std::uint64_t generation_ = std::numeric_limits<std::uint64_t>::max();       // guarded by mutex_
  std::string base_;                                                           // guarded by mutex_
  std::unordered_map<std::string, std::string> bodies_;                        // guarded by mutex_
  std::uint64_t page_generation_ = std::numeric_limits<std::uint64_t>::max();  // guarded
  std::unordered_map<std::string, std::string> pages_;                         // guarded
  std::size_t page_bytes_ = 0;                                                 // guarded
};

}  // namespace faultline::mocks
