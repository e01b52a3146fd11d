#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline::mocks {

// One fault that acted on a request, as the journal records it.
struct FaultRecord {
  std::string rule;    // the rule's id
  std::string kind;    // its fault kind, e.g. short_page
  std::string effect;  // what it did, in words: "dropped 2 item(s)"
  // What it did, in numbers, e.g. {"dropped", 2}, {"retry_after_s", 30}.
  std::vector<std::pair<std::string, std::int64_t>> figures;
};

// One change a write made to the tenant.
struct ChangeRecord {
  std::string kind;    // e.g. member.removed
  std::string object;  // the object's id
  std::string detail;  // the other side of a relation, or the attribute
};

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
  std::string note;  // the same facts in words, for people: faults, harness bugs
  // What the dialect made of the request (RequestTarget).
  std::string request_kind;         // list, read, write, token, discovery; "" when unknown
  std::string resource;             // Users, Groups, Entitlements, token; ""
  std::string resource_id;          // the one resource addressed; ""
  std::optional<long long> page;    // 1-based list page
  std::optional<long long> offset;  // 0-based index of the page's first item
  bool cursor = false;              // the list request carried a cursor
  std::vector<FaultRecord> faults;  // in the order they acted
  // How early the client came back after a Retry-After it was given.
  std::optional<std::int64_t> retry_after_early_ms;
  std::vector<ChangeRecord> changes;  // what this request changed in the tenant

  // The first fault of `kind` that acted on this request, or null.
  const FaultRecord* fault(std::string_view kind) const {
    for (const auto& f : faults) {
      if (f.kind == kind) return &f;
    }
    return nullptr;
  }
};

// The journal file's format (docs/journal-format.md); each line carries it.
inline constexpr int kJournalFormat = 2;

// One entry as a line of the journal file (docs/journal-format.md), without
// the newline.
std::string journalLine(const JournalEntry& entry);

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
  // Called with every entry as it is recorded, on the recording thread and
  // outside the journal's lock, before the entry is kept. It may block: a
  // stream that cannot keep up holds requests back rather than lose entries.
  // Set before serving.
  void setObserver(std::function<void(const JournalEntry&)> observer) {
    observer_ = std::move(observer);
  }
  // Forgets the entries kept so far; sequence numbers go on, so a seq never
  // names two requests.
  void clear();

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

  std::function<void(const JournalEntry&)> observer_;  // set before serving, read-only after
  mutable std::mutex mutex_;
  std::uint64_t next_seq_ = 0;        // guarded by mutex_
  std::size_t limit_ = 0;             // guarded by mutex_; 0: unbounded
  std::uint64_t dropped_ = 0;         // guarded by mutex_
  std::deque<JournalEntry> entries_;  // guarded by mutex_; ordered by seq when read
};

}  // namespace faultline::mocks
