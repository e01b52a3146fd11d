// The journal stream faultline mock writes its --journal file with.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/journal.h"
#include "mocks/journal_stream.h"

namespace faultline::mocks {
namespace {

std::string tempFile(const std::string& name) {
  const auto dir = std::filesystem::path(FAULTLINE_BINARY_DIR) / "test-out" / "journal_stream";
  std::filesystem::create_directories(dir);
  const auto file = dir / name;
  std::filesystem::remove(file);
  return file.string();
}

TEST(JournalStreamTest, WritesEveryEntryWhenPushesOutrunTheBuffer) {
  const std::string file = tempFile("many.jsonl");
  constexpr std::uint64_t kEntries = JournalStream::kCapacity * 3;
  std::vector<std::string> lines;
  {
    JournalStream stream(file, {[&](const JournalEntry& e) { lines.push_back(e.path); },
                                [&](const std::string& note) { lines.push_back("note " + note); }});
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&stream, t] {
        for (std::uint64_t i = 0; i < kEntries / 4; ++i) {
          JournalEntry e;
          e.seq = i * 4 + static_cast<std::uint64_t>(t) + 1;
          e.path = "/p";
          stream.push(e);
        }
      });
    }
    for (auto& w : writers) w.join();
    stream.note("done");
    stream.close();
    EXPECT_EQ(stream.written(), kEntries);
    EXPECT_EQ(stream.error(), "");
  }
  ASSERT_EQ(lines.size(), kEntries + 1);
  EXPECT_EQ(lines.back(), "note done");  // in order with the entries before it
  std::ifstream in(file);
  std::vector<bool> seen(kEntries + 1, false);
  std::uint64_t count = 0;
  for (std::string line; std::getline(in, line); ++count)
    seen.at(nlohmann::json::parse(line)["seq"].get<std::uint64_t>()) = true;
  EXPECT_EQ(count, kEntries);
  EXPECT_EQ(std::count(seen.begin() + 1, seen.end(), true), static_cast<long>(kEntries));
}

TEST(JournalStreamTest, JournalObserverFeedsTheStream) {
  const std::string file = tempFile("observed.jsonl");
  JournalStream stream(file, {});
  Journal journal;
  journal.keepLast(2);
  journal.setObserver([&stream](const JournalEntry& e) { stream.push(e); });
  for (int i = 0; i < 5; ++i) journal.record(JournalEntry{});
  stream.close();
  EXPECT_EQ(journal.size(), 2u);    // memory keeps the newest
  EXPECT_EQ(stream.written(), 5u);  // the file every one
}

TEST(JournalStreamTest, RefusesAFileAnotherStreamIsWriting) {
  const std::string file = tempFile("taken.jsonl");
  JournalStream first(file, {});
  try {
    JournalStream second(file, {});
    FAIL() << "a second stream opened the file";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "another faultline mock is writing " + file +
                                         "; give this one another --journal file");
  }
}

}  // namespace
}  // namespace faultline::mocks
