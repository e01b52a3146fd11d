#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace faultline::mocks {

// A summary of one request the mock served: the evidence scorers and reports
// quote. Never holds a credential: `token_id` is the issuer's handle for a
// token, not the token.
struct JournalEntry {
  std::uint64_t seq = 0;
  std::int64_t t_ms = 0;  // drill clock when the request arrived
  std::int64_t duration_us = 0;
  std::string dialect;  // "scim", "oauth"
  std::string method;
  std::string path;
  std::string query;
  int status = 0;
  std::size_t bytes_in = 0;
  std::size_t bytes_out = 0;
  std::string token_id;  // "" when none or not recognised
  // FNV-1a of the body as sent, 16 hex digits, for writes (POST, PUT, PATCH,
  // DELETE) to bearer routes; "" otherwise. Recognises a repeated write
  // without keeping the body, and never covers a token request's secret.
  std::string body_hash;
  std::string note;  // e.g. "harness bug: ..." or a fault's id
};

// Request log. Thread-safe. Keeps every entry by default: a drill's scorers
// judge the whole history. A standalone mock serves for hours, so it keeps
// only the newest entries (keepLast) and counts the ones it let go.
class Journal {
 public:
  // What `faultline mock` keeps: about 3 MB of entries, enough to look back
  // over a connector's last few syncs.
  static constexpr std::size_t kStandaloneLimit = 10'000;

  // Keeps at most `limit` entries from now on, dropping the oldest recorded
  // first; 0 keeps everything.
  void keepLast(std::size_t limit);
  // Entries let go to stay within the limit.
  std::uint64_t dropped() const;

  // Reserves the next sequence number at a request's arrival, so writes it
  // causes can name it before the entry itself is recorded.
  std::uint64_t reserve();
  // Stores an entry; a zero seq is assigned here. Returns the seq.
  std::uint64_t record(JournalEntry entry);
  std::vector<JournalEntry> entries() const;
  // Entries with seq > after_seq, in seq order.
  std::vector<JournalEntry> entriesSince(std::uint64_t after_seq) const;
  std::size_t size() const;
  // The highest sequence number handed out so far.
  std::uint64_t lastSeq() const;

 private:
  void trim();  // caller holds mutex_

  mutable std::mutex mutex_;
  std::uint64_t next_seq_ = 0;        // guarded by mutex_
  std::size_t limit_ = 0;             // guarded by mutex_; 0: unbounded
  std::uint64_t dropped_ = 0;         // guarded by mutex_
  std::deque<JournalEntry> entries_;  // guarded by mutex_; ordered by seq when read
};

}  // namespace faultline::mocks
