#include "harness/evidence.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace faultline::harness {
namespace {

using Lines = std::vector<std::string>;

TEST(EvidenceJournalTest, FormatsAnEntryWithQueryAndToken) {
  mocks::JournalEntry e;
  e.seq = 12;
  e.t_ms = 340;
  e.method = "GET";
  e.path = "/scim/v2/Users";
  e.query = "startIndex=1&count=100";
  e.status = 200;
  e.bytes_out = 41234;
  e.token_id = "tok-1";
  EXPECT_EQ(formatJournalEntry(e),
            "#12 +340ms GET /scim/v2/Users?startIndex=1&count=100 -> 200 41234B tok-1");
}

TEST(EvidenceJournalTest, FormatsAnEntryWithNoteAndWithoutQueryOrToken) {
  mocks::JournalEntry e;
  e.seq = 3;
  e.method = "POST";
  e.path = "/oauth/token";
  e.status = 401;
  e.bytes_out = 87;
  e.note = "fault:expired-token";
  EXPECT_EQ(formatJournalEntry(e), "#3 +0ms POST /oauth/token -> 401 87B [fault:expired-token]");
}

std::vector<mocks::JournalEntry> numberedEntries(int n) {
  std::vector<mocks::JournalEntry> entries;
  for (int i = 1; i <= n; ++i) {
    mocks::JournalEntry e;
    e.seq = static_cast<std::uint64_t>(i);
    e.method = i % 2 == 0 ? "GET" : "PATCH";
    e.path = "/x";
    e.status = 200;
    entries.push_back(e);
  }
  return entries;
}

TEST(EvidenceJournalTest, KeepsOnlyMatchingEntriesInOrder) {
  const auto lines = journalEvidence(
      numberedEntries(5), [](const mocks::JournalEntry& e) { return e.method == "GET"; });
  EXPECT_EQ(lines, (Lines{"#2 +0ms GET /x -> 200 0B", "#4 +0ms GET /x -> 200 0B"}));
}

TEST(EvidenceJournalTest, CapsTheLinesAndSaysHowManyMore) {
  const auto lines = journalEvidence(
      numberedEntries(25), [](const mocks::JournalEntry&) { return true; }, 20);
  ASSERT_EQ(lines.size(), 21u);
  EXPECT_EQ(lines[19], "#20 +0ms GET /x -> 200 0B");
  EXPECT_EQ(lines[20], "... and 5 more");
}

TEST(EvidenceJournalTest, NoMoreLineWhenExactlyAtTheLimit) {
  const auto lines = journalEvidence(
      numberedEntries(3), [](const mocks::JournalEntry&) { return true; }, 3);
  EXPECT_EQ(lines.size(), 3u);
}

TEST(EvidenceRedactTest, ReplacesEveryOccurrenceOfEverySecret) {
  EXPECT_EQ(
      redactSecrets("a=abcdefgh1 b=abcdefgh1 c=XYZXYZXYZ abcdefgh1", {"abcdefgh1", "XYZXYZXYZ"}),
      "a=<redacted> b=<redacted> c=<redacted> <redacted>");
}

TEST(EvidenceRedactTest, ReplacesAdjacentOccurrences) {
  EXPECT_EQ(redactSecrets("tok12345tok12345", {"tok12345"}), "<redacted><redacted>");
}

TEST(EvidenceRedactTest, IgnoresSecretsShorterThanEightCharacters) {
  EXPECT_EQ(redactSecrets("the admin said 1234567", {"admin", "1234567", ""}),
            "the admin said 1234567");
}

TEST(EvidenceRedactTest, RedactsASecretOfExactlyEightCharacters) {
  EXPECT_EQ(redactSecrets("key 12345678.", {"12345678"}), "key <redacted>.");
}

TEST(EvidenceRedactTest, TerminatesWhenTheSecretOccursInTheMarker) {
  EXPECT_EQ(redactSecrets("x redacted y", {"redacted"}), "x <redacted> y");
  EXPECT_EQ(redactSecrets("<redacted>", {"<redacted>"}), "<redacted>");
}

TEST(EvidenceRedactTest, LeavesTextWithoutSecretsAlone) {
  EXPECT_EQ(redactSecrets("nothing to hide", {"abcdefgh1"}), "nothing to hide");
  EXPECT_EQ(redactSecrets("", {"abcdefgh1"}), "");
}

TEST(EvidenceTailTest, ReturnsTheLastLines) {
  EXPECT_EQ(tailLines("one\ntwo\nthree\nfour\n", 2, {}), (Lines{"three", "four"}));
}

TEST(EvidenceTailTest, ReturnsEveryLineWhenThereAreFewer) {
  EXPECT_EQ(tailLines("one\ntwo", 5, {}), (Lines{"one", "two"}));
}

TEST(EvidenceTailTest, ReturnsNothingForEmptyTextOrZeroLines) {
  EXPECT_EQ(tailLines("", 3, {}), Lines{});
  EXPECT_EQ(tailLines("one\n", 0, {}), Lines{});
}

TEST(EvidenceTailTest, KeepsBlankLinesInsideTheTail) {
  EXPECT_EQ(tailLines("one\n\nthree\n", 3, {}), (Lines{"one", "", "three"}));
  EXPECT_EQ(tailLines("a\n\n\n", 2, {}), (Lines{"", ""}));
}

TEST(EvidenceTailTest, RedactsSecretsInTheTail) {
  EXPECT_EQ(tailLines("ok\nBearer tok-abcdefgh done\n", 1, {"tok-abcdefgh"}),
            Lines{"Bearer <redacted> done"});
}

TEST(EvidenceTailTest, CutsEachLineToFiveHundredBytes) {
  EXPECT_EQ(tailLines(std::string(800, 'x') + "\n", 1, {}), Lines{std::string(500, 'x')});
}

}  // namespace
}  // namespace faultline::harness
