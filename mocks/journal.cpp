#include "mocks/journal.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace faultline::mocks {

std::string journalLine(const JournalEntry& e) {
  auto optional = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& f : e.faults) {
    nlohmann::json figures = nlohmann::json::object();
    for (const auto& [name, value] : f.figures) figures[name] = value;
    faults.push_back(
        {{"rule", f.rule}, {"kind", f.kind}, {"effect", f.effect}, {"figures", figures}});
  }
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : e.changes)
    changes.push_back({{"kind", c.kind}, {"object", c.object}, {"detail", c.detail}});
  const nlohmann::json line = {{"journal_format", kJournalFormat},
                               {"seq", e.seq},
                               {"t_ms", e.t_ms},
                               {"duration_us", e.duration_us},
                               {"dialect", e.dialect},
                               {"method", e.method},
                               {"path", e.path},
                               {"query", e.query},
                               {"status", e.status},
                               {"bytes_in", e.bytes_in},
                               {"bytes_out", e.bytes_out},
                               {"token_id", e.token_id},
                               {"body_hash", e.body_hash},
                               {"request_kind", e.request_kind},
                               {"resource", e.resource},
                               {"resource_id", e.resource_id},
                               {"page", optional(e.page)},
                               {"offset", optional(e.offset)},
                               {"cursor", e.cursor},
                               {"faults", faults},
                               {"retry_after_early_ms", optional(e.retry_after_early_ms)},
                               {"changes", changes},
                               {"note", e.note}};
  // Paths and notes hold whatever bytes a client sent: invalid UTF-8 is
  // replaced rather than thrown over.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::uint64_t Journal::reserve() {
  std::lock_guard lock(mutex_);
  return ++next_seq_;
}

std::uint64_t Journal::record(JournalEntry entry) {
  if (entry.seq == 0) {
    std::lock_guard lock(mutex_);
    entry.seq = ++next_seq_;
  }
  if (observer_) observer_(entry);
  std::lock_guard lock(mutex_);
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

void Journal::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
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
