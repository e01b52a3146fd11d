#include "mocks/scim_resource_cache.h"

#include <mutex>

#include "mocks/scim_attributes.h"

namespace faultline::mocks {
namespace {

const std::string& idAt(const TenantState& state, const std::string& resource, std::size_t index) {
  if (resource == "Users") return state.accounts[index].id;
  if (resource == "Groups") return state.groups[index].id;
  return state.entitlements[index].id;
}

}  // namespace

void ResourceCache::append(std::string& out, const TenantState& state, const std::string& resource,
                           std::size_t index, const std::string& base) {
  std::string key = resource;
  key += '/';
  key += idAt(state, resource, index);
  {
    std::shared_lock lock(mutex_);
    if (generation_ == state.generation && base_ == base) {
      if (auto it = bodies_.find(key); it != bodies_.end()) {
        out += it->second;
        return;
      }
    }
  }
  std::string body;
  writeResource(body, state, resource, index, base);
  out += body;
  std::unique_lock lock(mutex_);
  if (generation_ != state.generation || base_ != base) {
    bodies_.clear();
    generation_ = state.generation;
    base_ = base;
  }
  bodies_.emplace(std::move(key), std::move(body));
}

bool ResourceCache::findPage(const std::string& key, const TenantState& state, std::string& out) {
  std::shared_lock lock(mutex_);
  if (page_generation_ != state.generation) return false;
  const auto it = pages_.find(key);
  if (it == pages_.end()) return false;
  out = it->second;
  return true;
}

void ResourceCache::storePage(const std::string& key, const TenantState& state,
                              const std::string& body) {
  std::unique_lock lock(mutex_);
  if (page_generation_ != state.generation) {
    pages_.clear();
    page_bytes_ = 0;
    page_generation_ = state.generation;
  }
  if (page_bytes_ + body.size() > kMaxPageBytes) return;
  if (pages_.emplace(key, body).second) page_bytes_ += body.size();
}

}  // namespace faultline::mocks
