// The tenant's memory of its own writes: stale views for lagging-replica
// faults, and undo for reverted and partially applied writes.
#include <algorithm>

#include "mocks/tenant.h"

namespace faultline::mocks {
namespace {

template <typename T>
void restore(std::vector<T>& objects, const std::string& id, const std::optional<T>& before) {
  auto it = std::find_if(objects.begin(), objects.end(), [&](const T& o) { return o.id == id; });
  if (!before) {
    if (it != objects.end()) objects.erase(it);
  } else if (it != objects.end()) {
    *it = *before;
  } else {
    objects.push_back(*before);
  }
}

void restoreRecord(TenantState& state, const WriteRecord& record) {
  for (const auto& [id, before] : record.accounts) restore(state.accounts, id, before);
  for (const auto& [id, before] : record.groups) restore(state.groups, id, before);
}

}  // namespace

void Tenant::remember(std::uint64_t changes_before, WriteRecord record) {
  // Every write path ends here, so this is where derived data goes stale
  // (a write with no logged change still moves meta.version).
  ++state_.generation;
  if (changes_.size() == changes_before) return;  // nothing changed, nothing to undo
  record.first_seq = changes_before + 1;
  record.last_seq = changes_.size();
  history_.push_back(std::move(record));
}

void Tenant::reset(TenantState initial) {
  std::unique_lock lock(mutex_);
  const std::uint64_t generation = state_.generation + 1;
  state_ = std::move(initial);
  state_.reindex();
  state_.generation = std::max(generation, state_.generation + 1);
  changes_.clear();
  history_.clear();
}

std::uint64_t Tenant::lastChangeSeq() const {
  std::shared_lock lock(mutex_);
  return changes_.size();
}

TenantState Tenant::viewAsOf(std::uint64_t seq) const {
  std::shared_lock lock(mutex_);
  TenantState view = state_;
  for (auto it = history_.rbegin(); it != history_.rend() && it->last_seq > seq; ++it)
    restoreRecord(view, *it);
  view.reindex();
  return view;
}

void Tenant::undoWrites(std::uint64_t after_seq, std::uint64_t up_to_seq, UndoScope scope,
                        const std::string& cause, bool part_of_last_write) {
  std::unique_lock lock(mutex_);
  std::vector<WriteRecord> undo;
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    if (it->last_seq > after_seq && it->last_seq <= up_to_seq) undo.push_back(*it);
  }
  const std::uint64_t changes_before = changes_.size();
  WriteRecord reversal;
  for (const auto& record : undo) {
    for (const auto& [id, before] : record.accounts) {
      auto found = state_.account_index.find(id);
      if (!before || found == state_.account_index.end()) continue;  // creations and deletions stay
      Account& current = state_.accounts[found->second];
      Account restored = scope == UndoScope::Everything ? *before : current;
      if (scope == UndoScope::CredentialsOnly) restored.credentials = before->credentials;
      restored.version = current.version + 1;
      const std::uint64_t mark = changes_.size();
      logAccountDiff(current, restored, cause);
      if (changes_.size() == mark) continue;
      reversal.accounts.emplace_back(id, current);
      current = std::move(restored);
    }
    if (scope != UndoScope::Everything) continue;
    for (const auto& [id, before] : record.groups) {
      auto found = state_.group_index.find(id);
      if (!before || found == state_.group_index.end()) continue;
      Group& current = state_.groups[found->second];
      Group restored = *before;
      restored.version = current.version + 1;
      const std::uint64_t mark = changes_.size();
      logGroupDiff(current, restored, cause);
      if (changes_.size() == mark) continue;
      reversal.groups.emplace_back(id, current);
      current = std::move(restored);
    }
  }
  state_.reindex();
  if (part_of_last_write && !history_.empty()) {
    history_.back().last_seq = changes_.size();
    ++state_.generation;
  } else {
    remember(changes_before, std::move(reversal));
  }
}

}  // namespace faultline::mocks
