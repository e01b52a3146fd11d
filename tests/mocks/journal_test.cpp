#include "mocks/journal.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace faultline::mocks {
namespace {

JournalEntry entryFor(Journal& journal) {
  JournalEntry e;
  e.seq = journal.reserve();
  e.path = "/scim/v2/Users";
  return e;
}

TEST(JournalTest, KeepsEveryEntryByDefault) {
  Journal journal;
  for (int i = 0; i < 250; ++i) journal.record(entryFor(journal));
  EXPECT_EQ(journal.size(), 250u);
  EXPECT_EQ(journal.dropped(), 0u);
}

TEST(JournalTest, BoundedJournalKeepsTheNewestEntriesAndCountsTheDropped) {
  constexpr std::size_t kLimit = 1000;
  Journal journal;
  journal.keepLast(kLimit);
  for (std::size_t i = 0; i < kLimit + 100; ++i) journal.record(entryFor(journal));
  EXPECT_EQ(journal.size(), kLimit);
  EXPECT_EQ(journal.dropped(), 100u);
  const auto entries = journal.entries();
  ASSERT_EQ(entries.size(), kLimit);
  EXPECT_EQ(entries.front().seq, 101u);
  EXPECT_EQ(entries.back().seq, kLimit + 100);
  EXPECT_EQ(journal.lastSeq(), kLimit + 100);
}

TEST(JournalTest, StandaloneLimitHoldsPastItsSize) {
  Journal journal;
  journal.keepLast(Journal::kStandaloneLimit);
  for (std::size_t i = 0; i < Journal::kStandaloneLimit + 100; ++i)
    journal.record(entryFor(journal));
  EXPECT_EQ(journal.size(), Journal::kStandaloneLimit);
  EXPECT_EQ(journal.dropped(), 100u);
  EXPECT_EQ(journal.entriesSince(0).front().seq, 101u);
}

TEST(JournalTest, LimitSetLaterDropsTheOldestAtOnce) {
  Journal journal;
  for (int i = 0; i < 30; ++i) journal.record(entryFor(journal));
  journal.keepLast(10);
  EXPECT_EQ(journal.size(), 10u);
  EXPECT_EQ(journal.dropped(), 20u);
  EXPECT_EQ(journal.entries().front().seq, 21u);
}

}  // namespace
}  // namespace faultline::mocks
