#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>

namespace faultline::harness {

// What the live line shows while a connector runs.
struct ProgressSample {
  std::string operation;  // label, e.g. "initial-sync"
  std::string kind;       // sync, revoke
  std::uint64_t requests = 0;
  int faults_fired = 0;
  std::int64_t elapsed_ms = 0;
};

// The live line for a terminal: carriage return, erase the line, the text;
// no newline, so the next sample overwrites it.
std::string renderProgressLine(const ProgressSample& sample);

// Redraws one status line on a terminal while an operation runs, from a
// background thread, every `period`. The wall clock paces the display only;
// nothing it shows feeds a decision. stop() (or the destructor) erases the
// line and joins the thread; a caller prints its own final line after.
class LiveProgress {
 public:
  LiveProgress(std::ostream& out, std::function<ProgressSample()> sample,
               std::chrono::milliseconds period = std::chrono::milliseconds(250));
  // Any line: `line` returns the text to show (without "\r" and erase).
  LiveProgress(std::ostream& out, std::function<std::string()> line,
               std::chrono::milliseconds period);
  ~LiveProgress();
  LiveProgress(const LiveProgress&) = delete;
  LiveProgress& operator=(const LiveProgress&) = delete;

  // Draws one sample now (the thread calls this each period).
  void tick();
  void stop();

 private:
  void start(std::chrono::milliseconds period);

  std::ostream& out_;
  std::function<std::string()> line_;  // the whole line, "\r" and erase included
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  bool drawn_ = false;     // guarded by mutex_
  std::thread thread_;
};

}  // namespace faultline::harness
