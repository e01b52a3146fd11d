// Golden-file tests for the JUnit and Markdown writers.
//
// Each fixed report (tests/reports/report_fixtures.h) is rendered into the
// build tree and compared byte for byte with tests/reports/golden/<name>.xml
// or .md. The fixtures fix every time and duration, so nothing is masked.
//
// After an intended change to a writer, regenerate the goldens and review the
// diff before committing it:
//
//   FAULTLINE_UPDATE_GOLDEN=1 ctest --test-dir BUILD -R Golden
//
// With FAULTLINE_UPDATE_GOLDEN=1 the tests rewrite the files in the source
// tree instead of comparing, and still check that the XML is valid.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "tests/reports/external_checks.h"
#include "tests/reports/report_fixtures.h"

namespace faultline::reports {
namespace {

using checks::freshTestDir;
using checks::readWholeFile;
using checks::writeWholeFile;

struct Golden {
  std::string name;
  Report (*report)();
};

void PrintTo(const Golden& g, std::ostream* os) {
  *os << g.name;
}

bool updatingGoldens() {
  const char* v = std::getenv("FAULTLINE_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// "" when equal; otherwise where the first difference is, line and column.
std::string firstDifference(const std::string& expected, const std::string& actual) {
  std::size_t i = 0, line = 1, column = 1;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) {
    column = expected[i] == '\n' ? 1 : column + 1;
    line += expected[i] == '\n';
    ++i;
  }
  if (i == expected.size() && i == actual.size()) return "";
  auto lineAt = [&](const std::string& s) {
    const std::size_t start = s.rfind('\n', i == 0 ? 0 : i - 1);
    const std::size_t from = start == std::string::npos || i == 0 ? 0 : start + 1;
    return s.substr(from, std::min<std::size_t>(s.find('\n', from) - from, 300));
  };
  return "first difference at line " + std::to_string(line) + ", column " + std::to_string(column) +
         "\n  golden: " + lineAt(expected) + "\n  actual: " + lineAt(actual);
}

// Compares `actual` with the golden file, or rewrites it when updating.
void checkGolden(const std::string& file_name, const std::string& actual) {
  const std::string golden = checks::kSourceDir + "/tests/reports/golden/" + file_name;
  const std::string regenerated = freshTestDir("golden_" + file_name) + "/" + file_name;
  writeWholeFile(regenerated, actual);
  if (updatingGoldens()) {
    writeWholeFile(golden, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(golden))
      << golden << " is missing; run with FAULTLINE_UPDATE_GOLDEN=1 to create it";
  const std::string difference = firstDifference(readWholeFile(golden), actual);
  EXPECT_EQ(difference, "") << "compare: diff " << golden << " " << regenerated;
}

class JunitGoldenTest : public ::testing::TestWithParam<Golden> {};
class MarkdownGoldenTest : public ::testing::TestWithParam<Golden> {};

TEST_P(JunitGoldenTest, MatchesTheGoldenFileAndTheXsd) {
  const std::string xml = renderJunitReport(GetParam().report());
  checkGolden(GetParam().name + ".xml", xml);
  const std::string file = freshTestDir("golden_xsd_" + GetParam().name) + "/report.junit.xml";
  writeWholeFile(file, xml);
  const auto result = checks::validateJunitXml(file);
  EXPECT_EQ(result.code, 0) << result.output;
}

TEST_P(MarkdownGoldenTest, MatchesTheGoldenFile) {
  checkGolden(GetParam().name + ".md", renderMarkdownReport(GetParam().report()));
}

const auto kGoldens = ::testing::Values(Golden{"passed", fixtures::passedReport},
                                        Golden{"failed", fixtures::failedReport},
                                        Golden{"inconclusive", fixtures::inconclusiveReport},
                                        Golden{"exempted", fixtures::exemptedReport});
const auto kGoldenName = [](const ::testing::TestParamInfo<Golden>& info) {
  return info.param.name;
};

INSTANTIATE_TEST_SUITE_P(Fixtures, JunitGoldenTest, kGoldens, kGoldenName);
INSTANTIATE_TEST_SUITE_P(Fixtures, MarkdownGoldenTest, kGoldens, kGoldenName);

}  // namespace
}  // namespace faultline::reports
