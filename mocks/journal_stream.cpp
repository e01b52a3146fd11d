#include "mocks/journal_stream.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace faultline::mocks {

JournalStream::JournalStream(const std::string& path, Callbacks callbacks)
    : callbacks_(std::move(callbacks)) {
  if (!path.empty()) {
    // Not O_TRUNC: the file is emptied only once the lock shows no other
    // mock is writing it.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      throw std::runtime_error("another faultline mock is writing " + path +
                               "; give this one another --journal file");
    }
    if (::ftruncate(fd, 0) != 0 || (file_ = ::fdopen(fd, "w")) == nullptr) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      throw std::runtime_error("cannot write " + path + ": " + why);
    }
  }
  writer_ = std::thread([this] { run(); });
}

JournalStream::~JournalStream() {
  close();
}

void JournalStream::push(const JournalEntry& entry) {
  enqueue({entry, {}});
}

void JournalStream::note(std::string text) {
  enqueue({std::nullopt, std::move(text)});
}

void JournalStream::enqueue(Item item) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return closing_ || queue_.size() < kCapacity; });
  if (closing_) return;
  queue_.push_back(std::move(item));
  changed_.notify_all();
}

void JournalStream::run() {
  std::vector<Item> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) break;  // closing, and everything written
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
    }
    changed_.notify_all();  // room again for waiting pushers
    std::uint64_t lines = 0;
    std::string failure;
    for (const Item& item : batch) {
      if (!item.entry) {
        if (callbacks_.note) callbacks_.note(item.note);
        continue;
      }
      if (file_ != nullptr) {
        const std::string line = journalLine(*item.entry) + "\n";
        if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() && failure.empty())
          failure = std::strerror(errno);
        ++lines;
      }
      if (callbacks_.entry) callbacks_.entry(*item.entry);
    }
    // Flushed per batch, so a reader following the file sees each request
    // soon after it was answered.
    if (file_ != nullptr && std::fflush(file_) != 0 && failure.empty())
      failure = std::strerror(errno);
    batch.clear();
    std::lock_guard lock(mutex_);
    written_ += lines;
    if (error_.empty()) error_ = failure;
  }
}

void JournalStream::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_ && !writer_.joinable()) return;
    closing_ = true;
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
}

std::uint64_t JournalStream::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

std::string JournalStream::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace faultline::mocks
