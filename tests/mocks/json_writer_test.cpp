#include "mocks/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace faultline::mocks {
namespace {

std::string escaped(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

TEST(JsonWriterTest, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(escaped(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(escaped(R"(C:\temp\)"), R"("C:\\temp\\")");
  EXPECT_EQ(escaped(R"(\")"), R"("\\\"")");
}

TEST(JsonWriterTest, EscapesNamedControlCharactersWithShortForms) {
  EXPECT_EQ(escaped("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
}

TEST(JsonWriterTest, EscapesOtherControlCharactersAsUnicode) {
  EXPECT_EQ(escaped("\x01"), R"("\u0001")");
  EXPECT_EQ(escaped("\x1f"), R"("\u001f")");
  EXPECT_EQ(escaped(std::string_view("a\0b", 3)), R"("a\u0000b")");
}

TEST(JsonWriterTest, PassesPrintableAsciiAndDeleteThrough) {
  EXPECT_EQ(escaped("/path?q=1&x=<y>\x7f"), "\"/path?q=1&x=<y>\x7f\"");
}

TEST(JsonWriterTest, PassesUtf8Through) {
  const std::string text = "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\x80";  // Zoë 日本 🚀
  EXPECT_EQ(escaped(text), "\"" + text + "\"");
}

TEST(JsonWriterTest, AppendsToWhatIsAlreadyThere) {
  std::string out = "prefix:";
  appendJsonString(out, "x");
  EXPECT_EQ(out, "prefix:\"x\"");
}

TEST(JsonWriterTest, PlacesCommasInNestedStructures) {
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.field("a", 1);
  w.key("b").beginArray().value("x").beginObject().field("c", true).field("d", "e").endObject();
  w.beginArray().endArray().null().endArray();
  w.key("f").beginObject().endObject();
  w.field("g", false);
  w.endObject();

  EXPECT_EQ(out, R"({"a":1,"b":["x",{"c":true,"d":"e"},[],null],"f":{},"g":false})");
}

TEST(JsonWriterTest, EscapesKeysToo) {
  std::string out;
  JsonWriter(out).beginObject().field("k\"\n", "v").endObject();
  EXPECT_EQ(out, R"({"k\"\n":"v"})");
}

TEST(JsonWriterTest, RawInsertsOneValueWithItsComma) {
  std::string out;
  JsonWriter w(out);
  w.beginArray().value(1).raw(R"({"pre":"made"})").value(2).endArray();
  EXPECT_EQ(out, R"([1,{"pre":"made"},2])");
}

TEST(JsonWriterTest, WritesIntegersAtTheirLimits) {
  std::string out;
  JsonWriter w(out);
  w.beginArray();
  w.value(std::numeric_limits<std::int64_t>::min());
  w.value(std::numeric_limits<std::int64_t>::max());
  w.value(std::numeric_limits<std::uint64_t>::max());
  w.value(-1);
  w.endArray();
  EXPECT_EQ(out, "[-9223372036854775808,9223372036854775807,18446744073709551615,-1]");
}

TEST(JsonWriterTest, OutputParsesWithNlohmannAndRoundTrips) {
  const std::string nasty = std::string("q\"b\\s/c\x01\x1f\n\t") + "\xc3\xa9\xf0\x9f\x94\x91";
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.field(nasty, nasty);
  w.key("list").beginArray();
  for (int i = 0; i < 3; ++i) w.beginObject().field("i", i).field("s", nasty).endObject();
  w.endArray();
  w.key("empty").beginArray().endArray();
  w.field("big", std::numeric_limits<std::uint64_t>::max());
  w.endObject();

  const nlohmann::json doc = nlohmann::json::parse(out);
  EXPECT_EQ(doc[nasty], nasty);
  ASSERT_EQ(doc["list"].size(), 3u);
  EXPECT_EQ(doc["list"][2]["i"], 2);
  EXPECT_EQ(doc["list"][2]["s"], nasty);
  EXPECT_TRUE(doc["empty"].empty());
  EXPECT_EQ(doc["big"].get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
}

TEST(JsonWriterTest, PassesWellFormedUtf8Through) {
  // U+00E9, U+20AC, U+10348 and the last code point, U+10FFFF.
  const std::string text = "\xC3\xA9 \xE2\x82\xAC \xF0\x90\x8D\x88 \xF4\x8F\xBF\xBF";
  EXPECT_EQ(escaped(text), "\"" + text + "\"");
}

TEST(JsonWriterTest, ReplacesEachIllFormedByteSequenceWithReplacementCharacter) {
  const std::string kFffd = "\xEF\xBF\xBD";
  EXPECT_EQ(escaped("a\xFF"
                    "b"),
            "\"a" + kFffd + "b\"");
  EXPECT_EQ(escaped("\x80"), "\"" + kFffd + "\"");                          // lone continuation
  EXPECT_EQ(escaped("\xC0\xAF"), "\"" + kFffd + kFffd + "\"");              // overlong '/'
  EXPECT_EQ(escaped("\xED\xA0\x80"), "\"" + kFffd + kFffd + kFffd + "\"");  // surrogate
  EXPECT_EQ(escaped("\xF4\x90\x80\x80"), "\"" + kFffd + kFffd + kFffd + kFffd + "\"");
  // A sequence cut short is one maximal subpart: one U+FFFD, then the rest.
  EXPECT_EQ(escaped("\xE2\x82"
                    "x"),
            "\"" + kFffd + "x\"");
  EXPECT_EQ(escaped("\xF0\x90\x8D"), "\"" + kFffd + "\"");
  EXPECT_EQ(escaped("\xE2\x82\"\xFF"), "\"" + kFffd + "\\\"" + kFffd + "\"");
}

TEST(JsonWriterTest, OutputParsesAsJsonWhateverTheInputBytes) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  std::string out;
  JsonWriter(out).beginObject().field("s", every_byte).endObject();
  EXPECT_FALSE(nlohmann::json::parse(out, nullptr, false).is_discarded()) << out;
}

}  // namespace
}  // namespace faultline::mocks
