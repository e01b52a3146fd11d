#include "reports/markdown_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reports/printable_text.h"
#include "tests/reports/report_fixtures.h"

namespace faultline::reports {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The lines of `text` that start with `prefix`, in order.
std::vector<std::string> linesStartingWith(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

TEST(MarkdownReportTest, TitleNamesTheVerdictScenarioAndConnector) {
  EXPECT_EQ(renderMarkdownReport(fixtures::passedReport())
                .rfind("## ✅ faultline drill passed: baseline × acme-scim\n\n", 0),
            0u);
  EXPECT_EQ(renderMarkdownReport(fixtures::inconclusiveReport())
                .rfind("## ⚠️ faultline drill inconclusive: rate-limits × acme-scim\n\n", 0),
            0u);
  EXPECT_EQ(
      renderMarkdownReport(fixtures::failedReport()).rfind("## ❌ faultline drill failed: ", 0), 0u);
}

TEST(MarkdownReportTest, VerdictTableHasScenarioSeedVerdictAndReason) {
  EXPECT_TRUE(
      contains(renderMarkdownReport(fixtures::passedReport()),
               "| scenario | seed | verdict | reason |\n"
               "| --- | --- | --- | --- |\n"
               "| baseline | 7 | **passed** | no finding at error or critical severity |\n"));
}

TEST(MarkdownReportTest, ScorecardShowsRecallPrecisionPerTypeAndRevocationOutcomes) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       "| initial-sync | sync | complete | account | 0.925 | 0.974 | 37 of 40 "
                       "matched, 3 missing, 1 phantom, 2 attribute mismatch(es) |\n"))
      << md;
  EXPECT_TRUE(contains(md,
                       "| initial-sync | sync | complete | group | 1.000 | 1.000 | 6 of 6 "
                       "matched, 0 missing, 0 phantom |\n"));
  EXPECT_TRUE(contains(md,
                       "| revoke-1 | revoke | partial | revocations | – | – | 4 action(s): "
                       "1 confirmed, 1 false-alarm, 1 false-confirmation, 1 honest-failure |\n"));
  EXPECT_TRUE(contains(md,
                       "| drill | fault | – | fault users-500 (http\\_error) | – | – | fired 1, "
                       "required 1 |\n"));
}

TEST(MarkdownReportTest, AnOperationWithNothingScoredStillHasARow) {
  Report r = fixtures::passedReport();
  r.operations[1].revocations.clear();
  r.operations[1].declared_status = "unsupported";
  EXPECT_TRUE(contains(renderMarkdownReport(r),
                       "| revoke-1 | revoke | unsupported | – | – | – | nothing scored |\n"));
}

TEST(MarkdownReportTest, ListsAtMostTenFindingsWorstFirstThenCountsTheRest) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md, "### Findings (12, worst first)\n\n"));
  EXPECT_EQ(linesStartingWith(md, "#### "), (std::vector<std::string>{
                                                "#### 1. critical: silent-loss in initial-sync",
                                                "#### 2. critical: false-confirmation in revoke-1",
                                                "#### 3. critical: secret-leak in revoke-1",
                                                "#### 4. error: phantom-records in initial-sync",
                                                "#### 5. error: attribute-mismatch in initial-sync",
                                                "#### 6. error: protocol-violation in initial-sync",
                                                "#### 7. error: revocation-failed in revoke-1",
                                                "#### 8. error: connector-exit-nonzero in revoke-1",
                                                "#### 9. error: retry-after-violation in revoke-1",
                                                "#### 10. warning: freshness-lag in initial-sync",
                                            }));
  EXPECT_TRUE(contains(md, "… and 2 more finding(s), in the JSON report.\n\n### Replay\n"));
}

TEST(MarkdownReportTest, SaysSoWhenThereAreNoFindings) {
  Report r = fixtures::passedReport();
  r.findings.clear();
  EXPECT_TRUE(contains(renderMarkdownReport(r), "### Findings\n\nNone.\n\n### Replay\n"));
}

TEST(MarkdownReportTest, EachFindingHasItsTitleDetailAndEvidenceBlock) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       "#### 1. critical: silent-loss in initial-sync\n\n"
                       "**Declared complete but 3 account(s) are missing** — missing account ids: "
                       "u-3, Zoë Ångström, u-\\<\\&\\>\n\n"
                       "```text\n"
                       "journal:\n"))
      << md;
}

TEST(MarkdownReportTest, EvidenceIsVerbatimInsideTheFence) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       "```text\njournal:\n"
                       "  #2 +20ms GET /scim/v2/Users?startIndex=1&count=10 -> 200 900B tok-1\n"
                       "  #3 +41ms GET /scim/v2/Users?startIndex=11&count=10 -> 500 31B tok-1\n"
                       "connector output:\n"
                       "  stdout:39: {\"type\":\"status\",\"status\":\"complete\"}\n"
                       "```\n"))
      << md;
}

TEST(MarkdownReportTest, FenceIsLongerThanAnyBacktickRunInTheEvidence) {
  Report r = fixtures::passedReport();
  r.findings[0].evidence.connector_output = {"a ``````` b", "```"};
  const std::string md = renderMarkdownReport(r);
  EXPECT_TRUE(contains(md, "\n````````text\nconnector output:\n  a ``````` b\n  ```\n````````\n"))
      << md;
  // The 10 kB blob holds runs of four backticks.
  EXPECT_TRUE(contains(renderMarkdownReport(fixtures::failedReport()),
                       "\n`````text\nconnector output:\n  stdout:41: "));
}

TEST(MarkdownReportTest, CutsLongEvidenceLinesAndListsWithoutSplittingCharacters) {
  Report r = fixtures::passedReport();
  std::vector<std::string> lines(9, std::string(150, 'x') + "ÅÅÅÅÅÅÅÅÅÅ");
  r.findings[0].evidence.journal = lines;
  const std::string md = renderMarkdownReport(r);
  // 160 bytes: 150 x, then five two-byte Å, then the cut mark.
  EXPECT_TRUE(contains(md, "  " + std::string(150, 'x') + "ÅÅÅÅÅ…\n")) << md;
  EXPECT_EQ(linesStartingWith(md, "  xxx").size(), 6u);
  EXPECT_TRUE(contains(md, "  … 3 more line(s)\n"));
  EXPECT_EQ(printableUtf8(md), md);
  // The 10 kB blob is cut to one short line as well.
  const std::string failed = renderMarkdownReport(fixtures::failedReport());
  EXPECT_LT(failed.size(), 12000u);
  EXPECT_EQ(printableUtf8(failed), failed) << "control characters or bad bytes got through";
}

TEST(MarkdownReportTest, EscapesPipesBackticksNewlinesAndMarkupInTableCells) {
  Report r = fixtures::passedReport();
  r.scenario.name = "a|b `c` *d* _e_ [f](g) <img src=x> & \\";
  r.verdict_reason = "line one\nline two\r\nthree\tfour";
  const std::string md = renderMarkdownReport(r);
  EXPECT_TRUE(contains(md,
                       "| a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\<img src=x\\> \\& \\\\ | 7 "
                       "| **passed** | line one<br>line two<br>three four |\n"))
      << md;
  // Every row of the verdict table has exactly its five unescaped pipes.
  for (const auto& line : linesStartingWith(md, "| a")) {
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    EXPECT_EQ(pipes, 5u) << line;
  }
}

TEST(MarkdownReportTest, TitleAndDetailCannotInjectHtmlOrStartABlock) {
  Report r = fixtures::passedReport();
  r.findings[0].title = "<script>alert(1)</script>";
  r.findings[0].detail = "# not a heading\n- not a list";
  const std::string md = renderMarkdownReport(r);
  EXPECT_TRUE(
      contains(md, "**\\<script\\>alert(1)\\</script\\>** — # not a heading<br>- not a list\n\n"))
      << md;
}

TEST(MarkdownReportTest, EndsWithTheReplayCommandInAShellBlock) {
  const std::string md = renderMarkdownReport(fixtures::passedReport());
  const std::string tail =
      "### Replay\n\n```sh\nfaultline run --connector connectors/acme/manifest.json --scenario "
      "scenarios/baseline.json --seed 7\n```\n";
  ASSERT_GE(md.size(), tail.size());
  EXPECT_EQ(md.substr(md.size() - tail.size()), tail);
}

}  // namespace
}  // namespace faultline::reports
