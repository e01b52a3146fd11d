// The shared loader every input file goes through: nesting limit, duplicate
// keys, file-level errors and their rendering.
#include "scenarios/json_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenarios/config_error.h"

namespace faultline::scenarios {
namespace {

namespace fs = std::filesystem;

std::string parseError(const std::string& text) {
  try {
    parseJsonDocument(text, "d.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string nested(int depth, const std::string& open = "[", const std::string& close = "]") {
  std::string out;
  for (int i = 0; i < depth; ++i) out += open;
  for (int i = 0; i < depth; ++i) out += close;
  return out;
}

std::string freshDir(const std::string& name) {
  const auto dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / "json_reader" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

TEST(JsonDocumentTest, AcceptsNestingUpToTheLimit) {
  EXPECT_NO_THROW(parseJsonDocument(nested(kMaxJsonDepth), "d.json"));
  EXPECT_NO_THROW(parseJsonDocument(nested(kMaxJsonDepth, "{\"a\":", "}").replace(
                                        kMaxJsonDepth * 5, 0, "1"),
                                    "d.json"));
}

TEST(JsonDocumentTest, RefusesNestingBeyondTheLimitNamingTheFile) {
  const std::string expected =
      "d.json: arrays and objects nested deeper than 128 levels; faultline reads at most 128";
  EXPECT_EQ(parseError(nested(kMaxJsonDepth + 1)), expected);
  // Deep enough to overflow the stack of any recursive walk over the tree.
  EXPECT_EQ(parseError(nested(100'000)), expected);
  EXPECT_EQ(parseError(std::string(100'000, '[')), expected);
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"k\":";
  EXPECT_EQ(parseError(objects), expected);
}

TEST(JsonDocumentTest, RejectsEveryDuplicateKeyAtItsPointer) {
  EXPECT_EQ(parseError(R"({"a":1,"b":2,"a":3})"),
            "d.json:/a: duplicate key; each key may appear once in an object");
  EXPECT_EQ(parseError(R"({"x":[{"k":1},{"k":1,"m/n":{"t":1,"t":2},"k":3}],"y":1,"y":[]})"),
            "d.json:/x/1/m~1n/t: duplicate key; each key may appear once in an object\n"
            "d.json:/x/1/k: duplicate key; each key may appear once in an object\n"
            "d.json:/y: duplicate key; each key may appear once in an object");
  // The same key in sibling objects is no duplicate.
  EXPECT_NO_THROW(parseJsonDocument(R"([{"a":1},{"a":2},{"a":{"a":{"a":3}}}])", "d.json"));
}

TEST(JsonDocumentTest, SyntaxErrorsKeepLineAndColumnWithoutAnEmptyPointer) {
  EXPECT_EQ(parseError("{\n  \"a\": ,\n}"),
            "d.json: invalid JSON: parse error at line 2, column 8: syntax error while parsing "
            "value - unexpected ','; expected '[', '{', or a literal");
}

TEST(ConfigErrorTest, PrintsAWholeFileProblemWithoutAPointer) {
  EXPECT_STREQ(ConfigError("f.json", {{"", "is a directory, not a file"}, {"/a", "bad"}}).what(),
               "f.json: is a directory, not a file\nf.json:/a: bad");
}

TEST(ReadFileTest, SaysAFolderIsAFolder) {
  const std::string dir = freshDir("folder");
  try {
    readFileOrThrow(dir);
    FAIL() << "a folder must not read as an empty document";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), dir + ": is a directory, not a file");
  }
}

TEST(ReadFileTest, GivesTheSystemsReasonWhenAFileCannotBeOpened) {
  const std::string dir = freshDir("unopenable");
  const std::string loop = dir + "/loop.json";
  fs::create_symlink(loop, loop);
  try {
    readFileOrThrow(loop);
    FAIL() << "a symlink loop cannot be read";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), loop + ": cannot open file: Too many levels of symbolic links");
  }
  try {
    readFileOrThrow(dir + "/absent.json");
    FAIL() << "a missing file cannot be read";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              dir + "/absent.json: cannot open file: No such file or directory");
  }
}

TEST(ClosestNameTest, SuggestsALikelyTypoAndNothingForAStrangeWord) {
  const std::vector<std::string> names = {"rate_limit", "server_error", "latency"};
  EXPECT_EQ(closestName("rate_limt", names), "rate_limit");
  EXPECT_EQ(closestName("latancy", names), "latency");
  EXPECT_EQ(closestName("Server_Error", names), "server_error");
  EXPECT_EQ(closestName("jitter", names), "");
  EXPECT_EQ(closestName("", names), "");
  EXPECT_EQ(closestName(std::string(10'000, 'x'), names), "");
}

}  // namespace
}  // namespace faultline::scenarios
