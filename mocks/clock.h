#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace faultline::mocks {

// Milliseconds since the drill started. Decisions (token expiry, fault
// windows) read time only through this interface so tests can fake it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t nowMs() const = 0;
};

// Monotonic time since construction. Thread-safe.
class SteadyClock final : public Clock {
 public:
  SteadyClock() : start_(std::chrono::steady_clock::now()) {}
  std::int64_t nowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start_)
        .count();
  }

 private:
  const std::chrono::steady_clock::time_point start_;
};

// Time that moves only when a test says so. Thread-safe.
class ManualClock final : public Clock {
 public:
  std::int64_t nowMs() const override { return now_.load(); }
  void advanceMs(std::int64_t ms) { now_ += ms; }
  void setMs(std::int64_t ms) { now_ = ms; }

 private:
  std::atomic<std::int64_t> now_{0};
};

}  // namespace faultline::mocks
