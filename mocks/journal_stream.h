#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "mocks/journal.h"

namespace faultline::mocks {

// Writes journal entries to a file as they are recorded, one JSON line each
// (docs/journal-format.md), in the order requests finish, and hands each
// entry and each note to callbacks (faultline mock's per-request lines), all
// on one writer thread: lines never interleave, and a handler thread waits
// on a disk or a terminal only when the buffer is full. The buffer holds at
// most kCapacity items, so memory stays flat over days of serving and a
// writer that falls behind holds requests back rather than lose an entry.
// Thread-safe.
class JournalStream {
 public:
  static constexpr std::size_t kCapacity = 4096;

  struct Callbacks {
    std::function<void(const JournalEntry&)> entry;  // after the entry's line is written
    std::function<void(const std::string&)> note;    // a note() line
  };

  // Opens `path` for writing, emptied, and takes an exclusive advisory lock
  // on it: two mocks never write one file. Throws std::runtime_error naming
  // the file when it cannot be opened or another process holds it. An empty
  // `path` writes no file and only calls back.
  JournalStream(const std::string& path, Callbacks callbacks);
  ~JournalStream();
  JournalStream(const JournalStream&) = delete;
  JournalStream& operator=(const JournalStream&) = delete;

  void push(const JournalEntry& entry);
  // A line for the note callback only, in order with the entries around it.
  void note(std::string text);
  // Writes out everything pushed, closes the file and joins the writer.
  // Further pushes are dropped. Idempotent.
  void close();

  // Entries written to the file so far (all of them once close() returned).
  std::uint64_t written() const;
  // The first write error, e.g. "No space left on device"; "" when none.
  std::string error() const;

 private:
  struct Item {
    std::optional<JournalEntry> entry;
    std::string note;
  };
  void enqueue(Item item);
  void run();

  std::FILE* file_ = nullptr;  // written by the writer thread only
  Callbacks callbacks_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> queue_;     // guarded by mutex_; at most kCapacity items
  bool closing_ = false;       // guarded by mutex_
  std::uint64_t written_ = 0;  // guarded by mutex_
  std::string error_;          // guarded by mutex_
  std::thread writer_;
};

}  // namespace faultline::mocks
