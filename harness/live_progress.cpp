#include "harness/live_progress.h"
#include "reports/wording.h"

using faultline::reports::counted;

#include <cstdio>
#include <ostream>

namespace faultline::harness {

std::string renderProgressLine(const ProgressSample& s) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(s.elapsed_ms) / 1000.0);
  return "\r\033[K  " + s.operation + " [" + s.kind + "] running " + seconds +
         " s: " + counted(s.requests, "request") + ", " + counted(s.faults_fired, "fault") +
         " fired";
}

LiveProgress::LiveProgress(std::ostream& out, std::function<ProgressSample()> sample,
                           std::chrono::milliseconds period)
    : out_(out), line_([sample = std::move(sample)] { return renderProgressLine(sample()); }) {
  start(period);
}

LiveProgress::LiveProgress(std::ostream& out, std::function<std::string()> line,
                           std::chrono::milliseconds period)
    : out_(out), line_([line = std::move(line)] { return "\r\033[K" + line(); }) {
  start(period);
}

void LiveProgress::start(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] {
    std::unique_lock lock(mutex_);
    // The first line after one period: an operation that ends sooner never
    // draws, so quick drills print only their plain lines.
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      tick();
      lock.lock();
    }
  });
}

LiveProgress::~LiveProgress() {
  stop();
}

void LiveProgress::tick() {
  const std::string line = line_();
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  out_ << line << std::flush;
  drawn_ = true;
}

void LiveProgress::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    if (drawn_) out_ << "\r\033[K" << std::flush;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace faultline::harness
