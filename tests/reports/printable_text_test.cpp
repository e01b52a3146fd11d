#include "reports/printable_text.h"

#include <gtest/gtest.h>

#include <string>

namespace faultline::reports {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(PrintableTextTest, KeepsAsciiNonAsciiAndTabNewlineCarriageReturn) {
  const std::string text = "plain <&> \"q\" 'a'\ttab\r\nZoë Ångström 日本語 🚀";
  EXPECT_EQ(printableUtf8(text), text);
  EXPECT_EQ(printableUtf8(""), "");
}

TEST(PrintableTextTest, ReplacesControlCharacters) {
  EXPECT_EQ(printableUtf8(std::string("a\0b", 3)), "a" + kFffd + "b");
  EXPECT_EQ(printableUtf8("\x01\x1b[0m\x7f"), kFffd + kFffd + "[0m" + kFffd);
  EXPECT_EQ(printableUtf8("c1 \xC2\x85 \xC2\x9F"), "c1 " + kFffd + " " + kFffd);
  EXPECT_EQ(printableUtf8("\xEF\xBF\xBE\xEF\xBF\xBF"), kFffd + kFffd);  // U+FFFE, U+FFFF
}

TEST(PrintableTextTest, ReplacesEachByteOfMalformedSequences) {
  EXPECT_EQ(printableUtf8("bad \xff\xfe end"), "bad " + kFffd + kFffd + " end");
  EXPECT_EQ(printableUtf8("cut \xe6\x97"), "cut " + kFffd + kFffd);
  EXPECT_EQ(printableUtf8("\x80x"), kFffd + "x");
  // An overlong '<' must not turn into markup.
  EXPECT_EQ(printableUtf8("\xC0\xBC"), kFffd + kFffd);
  EXPECT_EQ(printableUtf8("\xE0\x80\xBC"), kFffd + kFffd + kFffd);
  EXPECT_EQ(printableUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);              // a surrogate
  EXPECT_EQ(printableUtf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // > U+10FFFF
  EXPECT_EQ(printableUtf8("\xF4\x8F\xBF\xBD"), "\xF4\x8F\xBF\xBD");             // U+10FFFD is fine
}

TEST(PrintableTextTest, KeepsAQuotedLineOnOneLine) {
  EXPECT_EQ(printableLine("a\r\nb\nc\td\x01"), "a\\r\\nb\\nc\td" + kFffd);
}

TEST(PrintableTextTest, CutsWithoutSplittingACharacter) {
  EXPECT_EQ(cutUtf8("Zoë", 3), "Zo");
  EXPECT_EQ(cutUtf8("Zoë", 4), "Zoë");
  EXPECT_EQ(cutUtf8("🚀🚀", 7), "🚀");
  EXPECT_EQ(cutUtf8("abc", 10), "abc");
  EXPECT_EQ(cutUtf8("abc", 0), "");
}

}  // namespace
}  // namespace faultline::reports
