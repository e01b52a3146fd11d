// The live status line: what it shows, that it redraws in place, and that
// stopping erases it so the plain lines that follow start clean.
#include "harness/live_progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

namespace faultline::harness {
namespace {

TEST(LiveProgressTest, LineShowsOperationRequestsFaultsAndTime) {
  EXPECT_EQ(renderProgressLine({"initial-sync", "sync", 42, 3, 1250}),
            "\r\033[K  initial-sync [sync] running 1.2 s: 42 requests, 3 faults fired");
}

TEST(LiveProgressTest, TicksRedrawInPlaceAndStopErasesTheLine) {
  std::ostringstream out;
  int calls = 0;
  {
    // A period far longer than the test: only the explicit ticks draw.
    LiveProgress live(
        out,
        [&] {
          ++calls;
          return ProgressSample{"revoke-1", "revoke", static_cast<std::uint64_t>(calls * 10), 1, 0};
        },
        std::chrono::hours(1));
    live.tick();
    live.tick();
    live.stop();
    live.tick();  // after stop: nothing more is drawn
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(out.str(),
            "\r\033[K  revoke-1 [revoke] running 0.0 s: 10 requests, 1 fault fired"
            "\r\033[K  revoke-1 [revoke] running 0.0 s: 20 requests, 1 fault fired"
            "\r\033[K");
}

TEST(LiveProgressTest, AnOperationThatEndsBeforeTheFirstPeriodDrawsNothing) {
  std::ostringstream out;
  {
    LiveProgress live(
        out, [] { return ProgressSample{}; }, std::chrono::hours(1));
  }
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace faultline::harness
