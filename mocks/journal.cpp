#include "mocks/journal.h"

#include <algorithm>

namespace faultline::mocks {

std::uint64_t Journal::reserve() {
  std::lock_guard lock(mutex_);
  return ++next_seq_;
}

std::uint64_t Journal::record(JournalEntry entry) {
  std::lock_guard lock(mutex_);
  if (entry.seq == 0) entry.seq = ++next_seq_;
  const std::uint64_t seq = entry.seq;
  entries_.push_back(std::move(entry));
  trim();
  return seq;
}

void Journal::keepLast(std::size_t limit) {
  std::lock_guard lock(mutex_);
  limit_ = limit;
  trim();
}

void Journal::trim() {
  while (limit_ > 0 && entries_.size() > limit_) {
    entries_.pop_front();
    ++dropped_;
  }
}

std::uint64_t Journal::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::vector<JournalEntry> Journal::entries() const {
  return entriesSince(0);
}

std::vector<JournalEntry> Journal::entriesSince(std::uint64_t after_seq) const {
  std::vector<JournalEntry> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& e : entries_) {
      if (e.seq > after_seq) out.push_back(e);
    }
  }
  // Handlers finish out of arrival order; readers want arrival order.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return out;
}

std::uint64_t Journal::lastSeq() const {
  std::lock_guard lock(mutex_);
  return next_seq_;
}

std::size_t Journal::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace faultline::mocks
