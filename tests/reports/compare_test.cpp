// compare: which metric moved between two reports of one drill, by how
// much, and why; what counts as a regression.
#include "reports/compare.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace faultline::reports {
namespace {

using nlohmann::json;

json report(const std::string& verdict, double account_recall) {
  return json::parse(R"({"faultline_report":1,"scenario":{"name":"drift"},"seed":7,)"
                     R"("verdict":")" +
                     verdict +
                     R"(","operations":[{"label":"sync-1","declared_status":"complete",)"
                     R"("amplification":1.0,"completeness":[)"
                     R"({"type":"account","recall":)" +
                     std::to_string(account_recall) +
                     R"(,"precision":1.0},{"type":"group","recall":1.0,"precision":1.0}],)"
                     R"("revocations":[]}],"findings":[]})");
}

json withFinding(json r, const std::string& id, const std::string& severity,
                 const std::string& metric) {
  r["findings"].push_back({{"id", id},
                           {"severity", severity},
                           {"metric", metric},
                           {"operation", "sync-1"},
                           {"title", id + " title"},
                           {"detail", id + " detail"}});
  return r;
}

TEST(CompareTest, IdenticalReportsHaveNoChanges) {
  const auto c = compareReports(report("passed", 1.0), report("passed", 1.0), {});
  EXPECT_TRUE(c.changes.empty());
  EXPECT_FALSE(c.regressed());
  EXPECT_EQ(renderComparison(c), "result: 0 regressions, 0 improvements\n");
}

TEST(CompareTest, LowerRecallAndANewFindingAreRegressionsWithTheirCause) {
  const json head =
      withFinding(report("failed", 0.9), "silent-loss", "critical", "completeness.accounts");
  const auto c = compareReports(report("passed", 1.0), head, {});
  ASSERT_TRUE(c.regressed());
  ASSERT_EQ(c.changes.size(), 3u);
  EXPECT_EQ(c.changes[0].metric, "verdict");
  EXPECT_EQ(c.changes[0].before + " -> " + c.changes[0].after, "passed -> failed");
  EXPECT_EQ(c.changes[1].metric, "completeness.account.recall");
  EXPECT_EQ(c.changes[1].operation, "sync-1");
  EXPECT_EQ(c.changes[1].before + " -> " + c.changes[1].after, "1.000 -> 0.900");
  EXPECT_EQ(c.changes[1].why, "silent-loss: silent-loss title");
  EXPECT_EQ(c.changes[2].metric, "finding");
  EXPECT_EQ(c.changes[2].after, "[critical] silent-loss: silent-loss title");
  const std::string text = renderComparison(c);
  EXPECT_NE(text.find("regressed drift seed 7  sync-1  completeness.account.recall: 1.000 -> "
                      "0.900\n          because: silent-loss: silent-loss title\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("result: 3 regressions, 0 improvements: HEAD is less trustworthy"),
            std::string::npos);
}

TEST(CompareTest, ToleranceAbsorbsSmallDropsAndImprovementsAreListed) {
  Comparison within = compareReports(report("passed", 1.0), report("passed", 0.995), {0.01});
  EXPECT_FALSE(within.regressed());
  EXPECT_TRUE(within.changes.empty());
  const auto better = compareReports(
      withFinding(report("failed", 0.5), "silent-loss", "critical", "completeness.accounts"),
      report("passed", 1.0), {});
  EXPECT_FALSE(better.regressed());
  EXPECT_EQ(better.changes.size(), 3u);
  EXPECT_NE(renderComparison(better).find("improved  drift seed 7  -  verdict: failed -> passed"),
            std::string::npos);
}

TEST(CompareTest, RevocationOutcomesAndAmplificationCount) {
  json base = report("passed", 1.0), head = report("passed", 1.0);
  base["operations"][0]["revocations"] = {{{"outcome", "confirmed"}}, {{"outcome", "confirmed"}}};
  head["operations"][0]["revocations"] = {{{"outcome", "confirmed"}},
                                          {{"outcome", "false-confirmation"}}};
  head["operations"][0]["amplification"] = 2.0;
  const auto c = compareReports(base, head, {});
  EXPECT_TRUE(c.regressed());
  std::string metrics;
  for (const auto& m : c.changes) metrics += m.metric + (m.regression ? "!" : "") + " ";
  EXPECT_EQ(metrics,
            "revocation.confirmed! revocation.false-confirmation! behaviour.amplification! ");
}

TEST(CompareTest, AWarningAloneIsNotARegression) {
  const auto c = compareReports(
      report("passed", 1.0),
      withFinding(report("passed", 1.0), "duplicate-records", "warning", "completeness.accounts"),
      {});
  EXPECT_FALSE(c.regressed());
}

TEST(CompareTest, RefusesOtherDrillsAndOtherFiles) {
  json other = report("passed", 1.0);
  other["seed"] = 8;
  try {
    compareReports(report("passed", 1.0), other, {}, "a.json", "b.json");
    FAIL() << "different seeds must not be compared";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "a.json and b.json are reports of different drills: scenario drift seed 7 vs "
              "scenario drift seed 8; compare the same scenario and seed");
  }
  try {
    compareReports(json::parse(R"({"faultline_scenario":1})"), other, {}, "s.json", "b.json");
    FAIL() << "a scenario is not a report";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "s.json:/faultline_report: missing; is this a faultline report?");
  }
}

std::string compareError(const json& base, const json& head) {
  try {
    compareReports(base, head, {}, "a.json", "b.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CompareTest, RefusesAFindingFieldOfTheWrongTypeNamingThePointer) {
  // These once threw nlohmann's type_error out of compare and aborted.
  json head = withFinding(report("failed", 1.0), "silent-loss", "error", "completeness.accounts");
  head["findings"][0]["severity"] = 3;
  EXPECT_EQ(compareError(report("passed", 1.0), head),
            "b.json:/findings/0/severity: must be a string, got 3");
  head["findings"][0]["severity"] = "error";
  head["findings"][0]["id"] = json::array();
  head["operations"][0]["label"] = 5;
  EXPECT_EQ(compareError(report("passed", 1.0), head),
            "b.json:/operations/0/label: must be a string, got 5\n"
            "b.json:/findings/0/id: must be a string, got an array");
}

// Every field compare reads, given a value of the wrong type in either
// report, is refused with its pointer.
TEST(CompareTest, RefusesEveryFieldOfTheWrongType) {
  json full = withFinding(report("failed", 1.0), "silent-loss", "error", "completeness.accounts");
  full["operations"][0]["revocations"] = json::array({{{"outcome", "confirmed"}}});
  const std::vector<std::string> pointers = {"/scenario",
                                             "/scenario/name",
                                             "/seed",
                                             "/verdict",
                                             "/operations",
                                             "/operations/0",
                                             "/operations/0/label",
                                             "/operations/0/declared_status",
                                             "/operations/0/amplification",
                                             "/operations/0/completeness",
                                             "/operations/0/completeness/0",
                                             "/operations/0/completeness/0/type",
                                             "/operations/0/completeness/0/recall",
                                             "/operations/0/completeness/0/precision",
                                             "/operations/0/revocations",
                                             "/operations/0/revocations/0",
                                             "/operations/0/revocations/0/outcome",
                                             "/findings",
                                             "/findings/0",
                                             "/findings/0/id",
                                             "/findings/0/severity",
                                             "/findings/0/operation",
                                             "/findings/0/metric",
                                             "/findings/0/title",
                                             "/findings/0/detail"};
  for (const auto& pointer : pointers) {
    const json::json_pointer p(pointer);
    // A value of another type than the one there: a number where text is,
    // text where a number, an array or an object is.
    const json wrong = full.at(p).is_string() ? json(-7) : json("x");
    json bad = full;
    bad.at(p) = wrong;
    const std::string error = compareError(full, bad);
    EXPECT_EQ(error.rfind("b.json:" + pointer + ": must be ", 0), 0u) << pointer << ": " << error;
    EXPECT_EQ(compareError(bad, full).rfind("a.json:" + pointer + ": must be ", 0), 0u) << pointer;
  }
  json negative = full;
  negative["seed"] = -1;
  EXPECT_EQ(compareError(full, negative), "b.json:/seed: must be an integer in [0, 2^64), got -1");
}

TEST(CompareTest, ListsAFewProblemsOfAVeryMalformedReport) {
  json bad = report("failed", 1.0);
  for (int i = 0; i < 1000; ++i) bad["findings"].push_back(i);
  const std::string error = compareError(report("passed", 1.0), bad);
  EXPECT_EQ(error.substr(0, error.find('\n')), "b.json:/findings/0: must be an object, got 0");
  EXPECT_NE(error.find("\nb.json: and 980 more problems"), std::string::npos) << error;
}

json withMeasure(json r, std::size_t finding, const std::string& name, double value) {
  r["findings"][finding]["measures"].push_back(
      {{"name", name}, {"value", value}, {"limit", nullptr}, {"unit", "records"}});
  return r;
}

TEST(CompareTest, AGrowingMeasureOfAFindingInBothReportsIsARegression) {
  const json loss =
      withFinding(report("failed", 0.9), "silent-loss", "critical", "completeness.accounts");
  const auto c =
      compareReports(withMeasure(loss, 0, "missing", 3), withMeasure(loss, 0, "missing", 150), {});
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_TRUE(c.regressed());
  EXPECT_EQ(c.changes[0].metric, "silent-loss.missing");
  EXPECT_EQ(c.changes[0].operation, "sync-1");
  EXPECT_EQ(c.changes[0].before + " -> " + c.changes[0].after, "3 -> 150");
  EXPECT_EQ(c.changes[0].why, "silent-loss: silent-loss title");

  const auto better =
      compareReports(withMeasure(loss, 0, "missing", 150), withMeasure(loss, 0, "missing", 3), {});
  ASSERT_EQ(better.changes.size(), 1u);
  EXPECT_FALSE(better.regressed());
  EXPECT_NE(renderComparison(better).find("improved  drift seed 7  sync-1  silent-loss.missing: "
                                          "150 -> 3\n"),
            std::string::npos)
      << renderComparison(better);
}

TEST(CompareTest, ReadsAReportWrittenBeforeMeasuresExisted) {
  // A minor-4 report has no "measures": compared with a newer one it yields
  // exactly what two old reports would, and no measure change.
  const json old_loss =
      withFinding(report("failed", 0.9), "silent-loss", "critical", "completeness.accounts");
  const json new_loss = withMeasure(old_loss, 0, "missing", 150);
  for (const auto& [base, head] : {std::pair{old_loss, new_loss}, std::pair{new_loss, old_loss},
                                   std::pair{old_loss, old_loss}}) {
    const auto c = compareReports(base, head, {});
    EXPECT_TRUE(c.changes.empty()) << renderComparison(c);
    EXPECT_FALSE(c.regressed());
  }
  const auto worse = compareReports(report("passed", 1.0), new_loss, {});
  EXPECT_EQ(worse.changes.size(), 3u) << renderComparison(worse);
}

TEST(CompareTest, RefusesAMeasureOfTheWrongTypeNamingThePointer) {
  json head = withFinding(report("failed", 1.0), "silent-loss", "error", "completeness.accounts");
  head["findings"][0]["measures"] = json::array({{{"name", "missing"}, {"value", "many"}}});
  EXPECT_EQ(compareError(report("passed", 1.0), head),
            "b.json:/findings/0/measures/0/value: must be a number, got a string");
  head["findings"][0]["measures"] = 3;
  EXPECT_EQ(compareError(report("passed", 1.0), head),
            "b.json:/findings/0/measures: must be an array, got 3");
}

// Every format says "regressed", "improved" and "changed" alike, lower case.
TEST(CompareTest, EveryFormatUsesTheSameWordsInOneCase) {
  json base = report("passed", 1.0);
  json head =
      withFinding(report("failed", 0.9), "silent-loss", "critical", "completeness.accounts");
  head["operations"][0]["declared_status"] = "partial";
  base["operations"][0]["amplification"] = 3.0;
  const auto c = compareReports(base, head, {});
  const std::string text = renderComparison(c);
  EXPECT_EQ(text.find("REGRESSED"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("regressed drift seed 7  -  verdict: passed -> failed\n", 0), 0u) << text;
  EXPECT_NE(text.find("improved  drift seed 7  sync-1  behaviour.amplification: 3.000 -> 1.000\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("changed   drift seed 7  sync-1  declared_status: complete -> partial\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("result: 3 regressions, 1 improvement, 1 neutral change: HEAD is less "
                      "trustworthy than BASE\n"),
            std::string::npos)
      << text;
  const std::string md = renderComparisonMarkdown(c);
  EXPECT_EQ(md.rfind("### faultline compare: regressed\n\n3 regressions, 1 improvement, 1 neutral "
                     "change: HEAD is less trustworthy than BASE.\n",
                     0),
            0u)
      << md;
  EXPECT_NE(
      md.find("| **regressed** | drift seed 7 | - | `verdict` | passed | failed | silent-loss: "
              "silent-loss title |\n"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("| improved | drift seed 7 | sync-1 | `behaviour.amplification` | 3.000 | "
                    "1.000 | - |\n"),
            std::string::npos)
      << md;
  const json j = json::parse(renderComparisonJson(c));
  EXPECT_EQ(j["faultline_comparison"], 1);
  EXPECT_EQ(j["regressed"], true);
  EXPECT_EQ(j["counts"], json::parse(R"({"regressed":3,"improved":1,"changed":1,)"
                                     R"("missing_from_head":0,"only_in_head":0})"));
  ASSERT_EQ(j["changes"].size(), 5u);
  EXPECT_EQ(j["changes"][0],
            json::parse(R"({"kind":"regressed","drill":"drift seed 7",)"
                        R"("operation":"","metric":"verdict","before":"passed",)"
                        R"("after":"failed","because":"silent-loss: silent-loss title"})"));
  EXPECT_EQ(j["changes"][3]["kind"], "improved");
  EXPECT_EQ(j["changes"][4]["kind"], "changed");
}

// A drill BASE ran and HEAD did not fails the comparison, but is counted
// apart: no metric of it got worse.
TEST(CompareTest, MissingDrillsAreCountedApartFromRegressions) {
  Comparison c;
  c.missing_from_head = {"ref/baseline-seed1.json"};
  c.only_in_head = {"ref/baseline-seed2.json", "ref/baseline-seed3.json"};
  EXPECT_TRUE(c.regressed());
  EXPECT_EQ(renderComparison(c),
            "missing   ref/baseline-seed1.json: in BASE, not in HEAD (not run?)\n"
            "new       ref/baseline-seed2.json: only in HEAD\n"
            "new       ref/baseline-seed3.json: only in HEAD\n"
            "result: 0 regressions, 0 improvements, 1 drill missing from HEAD, 2 drills only in "
            "HEAD: HEAD is less trustworthy than BASE\n");
  const json j = json::parse(renderComparisonJson(c));
  EXPECT_EQ(j["counts"]["regressed"], 0);
  EXPECT_EQ(j["counts"]["missing_from_head"], 1);
  EXPECT_EQ(j["missing_from_head"], json::array({"ref/baseline-seed1.json"}));
  EXPECT_EQ(j["only_in_head"].size(), 2u);
  const std::string md = renderComparisonMarkdown(c);
  EXPECT_NE(md.find("- ref/baseline-seed1.json\n"), std::string::npos) << md;
}

TEST(CompareTest, OneOfEachIsSingularAndCutEvidenceEndsInAnEllipsis) {
  json head = withFinding(report("passed", 1.0), "silent-loss", "error", "completeness.accounts");
  head["findings"][0]["detail"] = std::string(300, 'x');
  const auto c = compareReports(report("passed", 1.0), head, {});
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].why, std::string(197, 'x') + "\u2026");
  EXPECT_NE(renderComparison(c).find("result: 1 regression, 0 improvements:"), std::string::npos);
  // A pipe in a cell would end it in Markdown.
  head["findings"][0]["title"] = "a | b";
  EXPECT_NE(renderComparisonMarkdown(compareReports(report("passed", 1.0), head, {}))
                .find("silent-loss: a \\| b"),
            std::string::npos);
}

}  // namespace
}  // namespace faultline::reports
