// The suite summary in every format: JSON valid against its schema (and a
// broken one refused), JUnit valid against reports/junit.xsd, Markdown as a
// table a CI job summary shows.
#include "reports/suite_summary.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/reports/external_checks.h"

namespace faultline::reports {
namespace {

using checks::freshTestDir;
using checks::pythonWithJsonschema;
using checks::runCommand;
using checks::shellQuote;
using checks::writeWholeFile;

SuiteSummary everyVerdict() {
  SuiteSummary s;
  s.suite = "gate";
  s.suite_file = "examples/suites/ci-gate.json";
  s.tool_version = "0.1.0";
  s.started_at = "2026-12-04T18:00:00Z";
  s.duration_ms = 12345;
  s.jobs = 4;
  s.total_drills = 7;
  s.complete = false;
  s.stopped_by = "SIGINT";
  const char* verdicts[] = {"passed",  "failed", "inconclusive", "not-applicable",
                            "skipped", "error",  "not-run"};
  for (std::size_t i = 0; i < 7; ++i) {
    SuiteDrill d;
    d.index = i;
    d.connector = "ref|erence";
    d.scenario = i < 4 ? "baseline" : "rate-limits";
    d.seed = i + 1;
    d.verdict = verdicts[i];
    d.reason = std::string("because <") + verdicts[i] + ">";
    d.report = i < 3 ? "ref/baseline-seed" + std::to_string(i + 1) + ".json" : "";
    d.worst = i == 1 ? "[critical] silent-loss: 3 accounts missing" : "";
    d.critical = i == 1;
    d.duration_ms = 100 * static_cast<std::int64_t>(i);
    s.drills.push_back(d);
  }
  return s;
}

std::string validate(const std::string& file) {
  if (pythonWithJsonschema().empty()) return "no python3 with jsonschema";
  const auto r =
      runCommand(shellQuote(pythonWithJsonschema()) + " " +
                 shellQuote(checks::kSourceDir + "/tests/reports/validate_json.py") + " " +
                 shellQuote(checks::kSourceDir + "/reports/suite_summary.schema.json") + " " +
                 shellQuote(file));
  return r.code == 0 ? "" : r.output;
}

TEST(SuiteSummaryTest, JsonMatchesItsSchemaAndABrokenOneDoesNot) {
  const std::string dir = freshTestDir("suite_summary_schema");
  const SuiteSummary s = everyVerdict();
  writeWholeFile(dir + "/summary.json", renderSuiteJson(s));
  EXPECT_EQ(validate(dir + "/summary.json"), "");
  std::string broken = renderSuiteJson(s);
  broken.replace(broken.rfind("\"not-run\""), 9, "\"maybe\"");  // the last drill's
  writeWholeFile(dir + "/broken.json", broken);
  EXPECT_NE(validate(dir + "/broken.json").find("/drills/6/verdict"), std::string::npos);
}

TEST(SuiteSummaryTest, JunitIsValidAndCountsEachKindOfVerdict) {
  const std::string dir = freshTestDir("suite_summary_junit");
  const std::string xml = renderSuiteJunit(everyVerdict());
  writeWholeFile(dir + "/summary.junit.xml", xml);
  const auto check = checks::validateJunitXml(dir + "/summary.junit.xml");
  EXPECT_EQ(check.code, 0) << check.output << xml;
  EXPECT_NE(xml.find("<testsuite name=\"baseline\" tests=\"4\" failures=\"2\" errors=\"0\" "
                     "skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"[critical] silent-loss: 3 accounts missing\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"rate-limits\" tests=\"3\" failures=\"0\" errors=\"2\" "
                     "skipped=\"1\""),
            std::string::npos);
}

TEST(SuiteSummaryTest, MarkdownIsOneTableWithIncompleteSaidFirst) {
  const std::string md = renderSuiteMarkdown(everyVerdict());
  EXPECT_EQ(md.rfind("## faultline suite gate: failed\n\n**Incomplete:** stopped by SIGINT", 0), 0u)
      << md;
  EXPECT_NE(md.find("| ref\\|erence | baseline | 2 | **failed** | [critical] silent-loss: 3 "
                    "accounts missing | [json](ref/baseline-seed2.json) |"),
            std::string::npos)
      << md;
}

TEST(SuiteSummaryTest, NotApplicableAndSkippedDoNotFailASuite) {
  SuiteSummary s;
  s.drills = {{0, "c", "a", 1, "passed", "", "", "", 0, 0, 0, 0},
              {1, "c", "b", 1, "not-applicable", "", "", "", 0, 0, 0, 0},
              {2, "c", "d", 1, "skipped", "", "", "", 0, 0, 0, 0}};
  EXPECT_TRUE(s.passed());
  s.drills[1].verdict = "inconclusive";
  EXPECT_FALSE(s.passed());
}

}  // namespace
}  // namespace faultline::reports
