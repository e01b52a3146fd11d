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

TEST(MarkdownReportTest, VerdictTableHasScenarioSeedVerdictBrokenTrustAndReason) {
  EXPECT_TRUE(
      contains(renderMarkdownReport(fixtures::passedReport()),
               "| scenario | seed | verdict | trust broken | reason |\n"
               "| --- | --- | --- | --- | --- |\n"
               "| baseline | 7 | **passed** | – | no finding at error or critical severity |\n"));
}

TEST(MarkdownReportTest, AFailedDrillNamesTheTrustItBrokeBesideTheVerdict) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       " | 20261123 | **failed** | **partial-success, stale-data, write-failure, "
                       "authentication-failure, unsafe-behaviour, credential-exposure, "
                       "connector-fault** | 3 critical and 7 error findings |\n"))
      << md;
}

TEST(MarkdownReportTest, SaysWhichPolicyJudgedTheDrill) {
  EXPECT_TRUE(contains(renderMarkdownReport(fixtures::passedReport()),
                       "\n\nJudged by built-in + scenario baseline: honest partials fail, "
                       "inconclusive fails, min recall 1.000, min precision 1.000, Retry-After "
                       "violations allowed 0, max amplification 4.000\n\n"));
  // Sources are report text: escaped like any other.
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       "\n\nJudged by built-in + scenario schema \"drift\" \\<\\&\\> \\| "
                       "\\`edge\\` + policies/ci \\<gate\\>.json: honest partials fail, "
                       "inconclusive fails, min recall 0.990, min precision 1.000, Retry-After "
                       "violations allowed 1, max amplification 4.000; severity overrides: "
                       "duplicate-write → warning, "
                       "needless-partial → info\n\n"))
      << md;
  EXPECT_TRUE(contains(renderMarkdownReport(fixtures::inconclusiveReport()),
                       ": honest partials accepted, inconclusive passes, "));
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
                       "| revoke-1 | revoke | partial | revocations | – | – | 4 actions: "
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
  EXPECT_TRUE(contains(md,
                       "### What to fix first (13 findings: by severity, then privileged and "
                       "non-human identities first)\n\n"));
  // Straight after the header, before the scorecard: a privileged
  // entitlement or service account puts its finding first in its severity.
  EXPECT_LT(md.find("### What to fix first"), md.find("### Scorecard"));
  EXPECT_EQ(linesStartingWith(md, "#### "), (std::vector<std::string>{
                                                "#### 1. critical: false-confirmation in revoke-1",
                                                "#### 2. critical: silent-loss in initial-sync",
                                                "#### 3. critical: secret-leak in revoke-1",
                                                "#### 4. error: revocation-failed in revoke-1",
                                                "#### 5. error: stale-data in initial-sync round 3",
                                                "#### 6. error: phantom-records in initial-sync",
                                                "#### 7. error: attribute-mismatch in initial-sync",
                                                "#### 8. error: protocol-violation in initial-sync",
                                                "#### 9. error: connector-exit-nonzero in revoke-1",
                                                "#### 10. error: retry-after-violation in revoke-1",
                                            }));
  EXPECT_TRUE(contains(md, "… and 3 more findings, in the JSON report.\n\n### Scorecard\n"));
}

TEST(MarkdownReportTest, AnExemptedPassSaysSoBesideTheVerdictWithItsReason) {
  const std::string md = renderMarkdownReport(fixtures::exemptedReport());
  EXPECT_TRUE(contains(md, "| **passed** (with exemptions) |")) << md;
  EXPECT_TRUE(
      contains(md,
               "> ⚠️ **passed with exemptions: honest partial accepted for schema-drift — "
               "no connector can map a field renamed without notice**\n\nJudged by"))
      << md;
  EXPECT_TRUE(contains(md,
                       "; reason of scenario schema-drift: no connector can map a field renamed "
                       "without notice"));
  Report no_reason = fixtures::exemptedReport();
  no_reason.exemptions[0].reason.clear();
  EXPECT_TRUE(contains(renderMarkdownReport(no_reason),
                       "honest partial accepted for schema-drift — (no reason given)**"));
  EXPECT_FALSE(contains(renderMarkdownReport(fixtures::passedReport()), "exemptions"));
}

TEST(MarkdownReportTest, SaysSoWhenThereAreNoFindings) {
  Report r = fixtures::passedReport();
  r.findings.clear();
  EXPECT_TRUE(contains(renderMarkdownReport(r),
                       "### What to fix first\n\nNothing: the drill raised no finding.\n\n"
                       "### Scorecard\n"));
}

TEST(MarkdownReportTest, EachFindingHasItsTitleDetailAndEvidenceBlock) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       "#### 2. critical: silent-loss in initial-sync\n\n"
                       "**Declared complete but 3 accounts are missing** — missing account ids: "
                       "u-3, Zoë Ångström, u-\\<\\&\\>\n\n"
                       "Who: carol@example.com (u-3), Zoë Ångström, u-\\<\\&\\>\n\n"
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
  EXPECT_TRUE(contains(md, "  … 3 more lines\n"));
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
                       "| **passed** | – | line one<br>line two<br>three four |\n"))
      << md;
  // Every row of the verdict table has exactly its six unescaped pipes.
  for (const auto& line : linesStartingWith(md, "| a")) {
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    EXPECT_EQ(pipes, 6u) << line;
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

TEST(MarkdownReportTest, ScorecardShowsRequestAmplificationAndAuthTrouble) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       "| initial-sync | sync | complete | requests | – | – | 12 sent; "
                       "amplification 1.500 over a minimum of 8 |\n"))
      << md;
  EXPECT_TRUE(contains(md,
                       "| revoke-1 | revoke | partial | authentication | – | – | ended refused: "
                       "last API answer 401 to PATCH /scim/v2/Users/u-12 |\n"));
  // A revoke has no minimum, so no amplification row.
  EXPECT_FALSE(contains(md, "| revoke-1 | revoke | partial | requests |"));
}

TEST(MarkdownReportTest, ScorecardSaysWhenTheConnectorWasKilledAndRestarted) {
  Report r = fixtures::failedReport();
  EXPECT_FALSE(contains(renderMarkdownReport(r), "restarted"));
  r.operations[0].restarts = 2;
  EXPECT_TRUE(contains(renderMarkdownReport(r),
                       "| initial-sync | sync | complete | process | – | – | killed by a fault and "
                       "restarted 2 times; the last run is scored |\n"));
}

TEST(MarkdownReportTest, EachFindingShowsWhatThePolicyDidToIt) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  // duplicate-write is 11th, past the ten shown; bring it to the top.
  Report r = fixtures::failedReport();
  r.findings[5].severity = Severity::Critical;
  EXPECT_TRUE(contains(renderMarkdownReport(r),
                       "**2 writes answered 2xx more than once** — a metric no planned check "
                       "claims\n\nPolicy: severity set by policy (error -\\> warning)\n\n"));
  EXPECT_EQ(linesStartingWith(md, "Policy: ").size(), 0u);
}

TEST(MarkdownReportTest, RoundsTableListsEveryRoundOfASyncRunMoreThanOnce) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       "### Rounds\n\n"
                       "| operation | round | drill round | declared | stale since | lowest recall "
                       "| stale records | requests | duration |\n"
                       "| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |\n"
                       "| initial-sync | 1 | 1 | complete | – | 1.000 | 0 | 4 | 0.480 s |\n"
                       "| initial-sync | 2 | 2 | partial: Groups \\| \\<throttled\\> | "
                       "2026-03-14T09:26:53Z | 1.000 | 2 | 4 | 0.480 s |\n"
                       "| initial-sync | 3 | 3 | complete | – | 0.925 | 3 | 4 | 0.480 s |\n\n"))
      << md;
  // A sync run once has nothing the scorecard does not already say.
  EXPECT_FALSE(contains(renderMarkdownReport(fixtures::passedReport()), "### Rounds"));
}

TEST(MarkdownReportTest, FreshnessLineAndTableMarkNeverReflectedEvents) {
  const std::string md = renderMarkdownReport(fixtures::failedReport());
  EXPECT_TRUE(contains(md,
                       "### Freshness\n\n"
                       "5 timeline events, 4 applied, **1 never reflected** · lag p50 0.450 s, "
                       "p95 1.250 s, max 1.250 s · 3 stale records at the end\n\n"
                       "| event | kind | subjects | reflected | lag |\n"
                       "| ---: | --- | --- | --- | --- |\n"
                       "| 1 | joiner | u-41 | drill round 2 | 0.450 s, 0 rounds late |\n"
                       "| 2 | leaver | u-9, key-9a | **never** | – |\n"
                       "| 3 | grant | u-5, e-admin | drill round 2 | 0.000 s, 0 rounds late |\n"
                       "| 4 | rotate\\_key | u-\"x\" \\<\\&\\> | not applied | – |\n"
                       "| 5 | mover | u-12, g-1, g-2 | drill round 3 | 1.250 s, 1 round late "
                       "|\n\n"))
      << md;
  EXPECT_FALSE(contains(renderMarkdownReport(fixtures::passedReport()), "### Freshness"));
}

TEST(MarkdownReportTest, RevocationRowsShowWhatAKilledRunClaimed) {
  Report r = fixtures::failedReport();
  r.operations[1].revocations[3].claimed_before_restart = "confirmed";
  EXPECT_TRUE(contains(renderMarkdownReport(r),
                       "| revoke-1 | act-10 revoke group membership: svc-backup (u-12) from Admins "
                       "(g-1) | failed (before a restart: confirmed) | 🔴 **honest-failure**: "
                       "remains, a direct member |"));
}

TEST(MarkdownReportTest, RevocationRowsShowTheSettledTruthTimeAndReadBack) {
  Report r = fixtures::failedReport();
  r.operations[1].revocations[3].result_ms.reset();
  const std::string md = renderMarkdownReport(r);
  EXPECT_TRUE(contains(md,
                       "### Revocations\n\n"
                       "| operation | action | claimed | actual | time | read back |\n"
                       "| --- | --- | --- | --- | ---: | --- |\n"
                       "| revoke-1 | act-1 revoke group membership: alice@example.com (u-7) from "
                       "Engineering (g-2) | failed | 🟠 **false-alarm**: gone | 512 ms | no |\n"
                       "| revoke-1 | act-2 deprovision: dave@example.com (u-9) | confirmed | 🟢 "
                       "**confirmed**: gone | 388 ms | yes |\n"
                       "| revoke-1 | act-3 revoke entitlement: bob@example.com (u-11) from Admin "
                       "\\<Console\\> \\& \"root\" (e-admin) | confirmed | 🔴 "
                       "**false-confirmation**: remains, held directly (came back after the "
                       "connector finished) (gone at exit) | 1042 ms | no |\n"
                       "| revoke-1 | act-10 revoke group membership: svc-backup (u-12) from Admins "
                       "(g-1) | failed | 🔴 **honest-failure**: remains, a direct member | – | no "
                       "|\n\n"))
      << md;
  EXPECT_FALSE(contains(renderMarkdownReport(fixtures::inconclusiveReport()), "### Revocations"));
}

TEST(MarkdownReportTest, TablesOfRoundsEventsAndActionsAreCutAtTwentyRows) {
  Report r = fixtures::failedReport();
  for (int i = 6; i <= 30; ++i)
    r.freshness.events.push_back(
        fixtures::event(i, "joiner", {"u-" + std::to_string(i)}, 10, 1, 0, 0));
  const auto action = r.operations[1].revocations[1];
  r.operations[1].revocations.assign(23, action);
  r.operations[0].rounds.resize(24, r.operations[0].rounds.back());
  const std::string md = renderMarkdownReport(r);
  EXPECT_TRUE(contains(md, "\n… and 4 more rounds, in the JSON report.\n"));
  EXPECT_TRUE(contains(md, "\n… and 10 more events, in the JSON report.\n"));
  EXPECT_TRUE(contains(md, "\n… and 3 more actions, in the JSON report.\n"));
  EXPECT_FALSE(contains(md, "| 21 | joiner |"));
}

}  // namespace
}  // namespace faultline::reports
