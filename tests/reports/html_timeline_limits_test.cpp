// The HTML timeline draws whatever times a journal file holds: the axis
// must stay a handful of ticks even at the very end of the int64 range.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/html_report.h"

namespace faultline::reports {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HtmlTimelineLimitsTest, ARequestAtTheLargestTimeGivesAFiniteAxis) {
  // Stepping the axis past INT64_MAX once overflowed and never stopped.
  const auto points = parseJournalLines(
      R"({"seq":1,"t_ms":0,"method":"GET","path":"/","status":200,"note":""})"
      "\n"
      R"({"seq":2,"t_ms":9223372036854775807,"method":"GET","path":"/","status":200,"note":""})",
      "j.jsonl");
  ASSERT_EQ(points.back().t_ms, std::numeric_limits<std::int64_t>::max());
  const std::string html = renderHtmlReport(Report{}, points);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_LE(count(html, "text-anchor=\"middle\""), 12u);
}

TEST(HtmlTimelineLimitsTest, ANumberTooLargeForADoubleIsAnErrorNamingTheLine) {
  // nlohmann reports it as out_of_range, not parse_error; it once escaped.
  try {
    parseJournalLines(R"({"seq":1,"t_ms":1e999})", "j.jsonl");
    FAIL() << "1e999 is not a time";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "j.jsonl:1: invalid JSON: number overflow parsing '1e999'");
  }
}

}  // namespace
}  // namespace faultline::reports
