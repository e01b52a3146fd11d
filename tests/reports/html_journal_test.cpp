// Reading the drill's JSON Lines journal for the HTML timeline.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "reports/html_report.h"
#include "tests/reports/external_checks.h"

namespace faultline::reports {
namespace {

using checks::freshTestDir;
using checks::writeWholeFile;

// Two lines as harness/evidence.cpp writes them, every field present.
const std::string kGoodLines =
    R"({"bytes_in":29,"bytes_out":95,"dialect":"oauth","duration_us":35,"method":"POST","note":"issued tok-1","path":"/oauth2/token","query":"","seq":1,"status":200,"t_ms":46,"token_id":""})"
    "\n"
    R"({"bytes_in":0,"bytes_out":103,"dialect":"scim","duration_us":18,"method":"GET","note":"fault client-bucket (throttle): 429","path":"/scim/v2/Users","query":"startIndex=121&count=100","seq":2,"status":429,"t_ms":51,"token_id":"tok-1"})"
    "\n";

std::string errorOf(const std::string& text) {
  try {
    parseJournalLines(text, "j.jsonl");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(HtmlJournalTest, ReadsEveryLineOfAJournalFile) {
  const std::string file = freshTestDir("html_journal_good") + "/drill.journal.jsonl";
  writeWholeFile(file, kGoodLines);
  const auto points = readJournalFile(file);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].seq, 1u);
  EXPECT_EQ(points[0].t_ms, 46);
  EXPECT_EQ(points[0].method, "POST");
  EXPECT_EQ(points[0].path, "/oauth2/token");
  EXPECT_EQ(points[0].status, 200);
  EXPECT_EQ(points[0].note, "issued tok-1");
  EXPECT_EQ(points[1].seq, 2u);
  EXPECT_EQ(points[1].t_ms, 51);
  EXPECT_EQ(points[1].status, 429);
  EXPECT_EQ(points[1].note, "fault client-bucket (throttle): 429");
}

TEST(HtmlJournalTest, AnEmptyFileIsAnEmptyJournal) {
  EXPECT_TRUE(parseJournalLines("", "j.jsonl").empty());
}

TEST(HtmlJournalTest, AcceptsALastLineWithoutItsNewline) {
  EXPECT_EQ(parseJournalLines(kGoodLines.substr(0, kGoodLines.size() - 1), "j.jsonl").size(), 2u);
}

TEST(HtmlJournalTest, AMissingFileNamesThePath) {
  const std::string file = freshTestDir("html_journal_missing") + "/absent.jsonl";
  try {
    readJournalFile(file);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), file + ": cannot read the journal: No such file or directory");
  }
}

TEST(HtmlJournalTest, AMalformedLineInAFileNamesFileAndLine) {
  const std::string file = freshTestDir("html_journal_bad") + "/drill.journal.jsonl";
  writeWholeFile(file, kGoodLines + "{\"seq\":3,\"t_ms\":60,\n" + kGoodLines);
  try {
    readJournalFile(file);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              file +
                  ":3:20: invalid JSON: syntax error while parsing object key - unexpected "
                  "end of input; expected string literal");
  }
}

// Nothing is skipped: each bad line stops the read with the exact reason.
struct BadLine {
  std::string name;
  std::string line;
  std::string error;
};

void PrintTo(const BadLine& b, std::ostream* os) {
  *os << b.name;
}

class HtmlJournalBadLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(HtmlJournalBadLineTest, IsRejectedNamingTheLine) {
  EXPECT_EQ(errorOf(kGoodLines + GetParam().line + "\n" + kGoodLines), GetParam().error);
}

const std::string kValid = R"("seq":3,"t_ms":60,"method":"GET","path":"/x","status":200,"note":"")";

INSTANTIATE_TEST_SUITE_P(
    Lines, HtmlJournalBadLineTest,
    ::testing::Values(
        BadLine{"Empty", "", "j.jsonl:3: empty line; expected a JSON object"},
        BadLine{"NotJson", "GET /x 200",
                "j.jsonl:3:1: invalid JSON: syntax error while parsing "
                "value - invalid literal; last read: 'G'"},
        BadLine{
            "TrailingGarbage", "{" + kValid + "} x",
            "j.jsonl:3:" + std::to_string(kValid.size() + 4) +
                ": invalid JSON: syntax error while parsing value - invalid literal; last read: "
                "'\"\"} x'; expected end of input"},
        BadLine{"NotAnObject", "[1,2]", "j.jsonl:3: must be a JSON object, got array"},
        BadLine{"MissingStatus", R"({"seq":3,"t_ms":60,"method":"GET","path":"/x","note":""})",
                "j.jsonl:3:/status: missing"},
        BadLine{"StatusAsText",
                R"({"seq":3,"t_ms":60,"method":"GET","path":"/x","status":"200","note":""})",
                "j.jsonl:3:/status: must be an integer in [0,999], got \"200\""},
        BadLine{"StatusOutOfRange",
                R"({"seq":3,"t_ms":60,"method":"GET","path":"/x","status":1000,"note":""})",
                "j.jsonl:3:/status: must be an integer in [0,999], got 1000"},
        BadLine{"NegativeSeq",
                R"({"seq":-3,"t_ms":60,"method":"GET","path":"/x","status":200,"note":""})",
                "j.jsonl:3:/seq: must be a non-negative integer, got -3"},
        BadLine{"FractionalTime",
                R"({"seq":3,"t_ms":6.5,"method":"GET","path":"/x","status":200,"note":""})",
                "j.jsonl:3:/t_ms: must be a non-negative integer, got 6.5"},
        BadLine{"NoteNull",
                R"({"seq":3,"t_ms":60,"method":"GET","path":"/x","status":200,"note":null})",
                "j.jsonl:3:/note: must be a string, got null"},
        BadLine{"PathNumber",
                R"({"seq":3,"t_ms":60,"method":"GET","path":7,"status":200,"note":""})",
                "j.jsonl:3:/path: must be a string, got 7"},
        BadLine{"DeepSeq",
                R"({"seq":)" + std::string(100'000, '[') + std::string(100'000, ']') +
                    R"(,"t_ms":60,"method":"GET","path":"/x","status":200,"note":""})",
                "j.jsonl:3:/seq: must be a non-negative integer, got an array"}),
    [](const ::testing::TestParamInfo<BadLine>& info) { return info.param.name; });

}  // namespace
}  // namespace faultline::reports
