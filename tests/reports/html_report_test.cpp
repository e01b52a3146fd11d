// The HTML report writer: goldens, escaping, the timeline and its size limit.

#include "reports/html_report.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "reports/triage.h"
#include "tests/reports/golden_files.h"
#include "tests/reports/html_fixtures.h"
#include "tests/reports/report_fixtures.h"

namespace faultline::reports {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t countOf(const std::string& text, const std::regex& pattern) {
  return static_cast<std::size_t>(std::distance(
      std::sregex_iterator(text.begin(), text.end(), pattern), std::sregex_iterator()));
}

// Every value of `attribute` on the page, in order.
std::vector<std::string> attributeValues(const std::string& html, const std::string& attribute) {
  std::vector<std::string> out;
  const std::regex pattern(" " + attribute + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), pattern);
       it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// The elements and attributes the writer emits. A '<' that does not open
// one of these, or an attribute outside this list, came from report text
// that escaping let through.
const std::set<std::string> kElements = {
    "!DOCTYPE", "html",   "head",       "meta",    "title",  "style", "body", "main", "h1",
    "h2",       "h3",     "p",          "section", "dl",     "dt",    "dd",   "code", "span",
    "a",        "b",      "br",         "table",   "tr",     "th",    "td",   "ol",   "li",
    "pre",      "figure", "figcaption", "div",     "footer", "svg",   "g",    "rect", "line",
    "path",     "text",   "details",    "summary", "ul",     "i"};
const std::set<std::string> kAttributes = {"lang",
                                           "charset",
                                           "http-equiv",
                                           "content",
                                           "name",
                                           "id",
                                           "class",
                                           "href",
                                           "viewBox",
                                           "role",
                                           "aria-labelledby",
                                           "x",
                                           "y",
                                           "x1",
                                           "y1",
                                           "x2",
                                           "y2",
                                           "width",
                                           "height",
                                           "rx",
                                           "d",
                                           "text-anchor",
                                           "data-verdict",
                                           "data-metric",
                                           "data-operation",
                                           "data-type",
                                           "data-outcome",
                                           "data-kind",
                                           "data-findings",
                                           "data-fault",
                                           "data-fired",
                                           "data-required",
                                           "data-action-id",
                                           "data-finding",
                                           "data-severity",
                                           "data-marks",
                                           "data-failure-class",
                                           "data-event",
                                           "data-reflected",
                                           "data-round",
                                           "data-exemption",
                                           "data-tone",
                                           "data-list",
                                           "data-group"};

// Walks every tag of `html`: the problems found, "" when none.
std::string unexpectedMarkup(const std::string& html) {
  std::string problems;
  const std::regex tag("<(/?)([!A-Za-z][A-Za-z0-9-]*)([^>]*)>");
  const std::regex attribute("([A-Za-z-]+)=\"([^\"]*)\"");
  std::size_t tags_chars = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    tags_chars += 1;
    const std::string name = (*it)[2], rest = (*it)[3];
    if (!kElements.count(name)) problems += "element <" + name + ">\n";
    if (name == "!DOCTYPE" || name == "style") continue;
    for (auto a = std::sregex_iterator(rest.begin(), rest.end(), attribute);
         a != std::sregex_iterator(); ++a) {
      const std::string attr = (*a)[1], value = (*a)[2];
      if (!kAttributes.count(attr)) problems += "attribute " + attr + " on <" + name + ">\n";
      if (attr == "href" && value.rfind("#", 0) != 0) problems += "href " + value + "\n";
    }
  }
  // Each '<' must open one of the tags walked above.
  const std::size_t angles = static_cast<std::size_t>(std::count(html.begin(), html.end(), '<'));
  if (angles != tags_chars) problems += std::to_string(angles - tags_chars) + " stray '<'\n";
  return problems;
}

std::string renderFixture(const Report& r, bool hostile = false) {
  return renderHtmlReport(r, fixtures::syntheticJournal(r, hostile));
}

// ---- goldens ----------------------------------------------------------------

struct Golden {
  std::string name;
  Report (*report)();
};

void PrintTo(const Golden& g, std::ostream* os) {
  *os << g.name;
}

class HtmlGoldenTest : public ::testing::TestWithParam<Golden> {};

// The failed fixture's journal is the hostile one.
TEST_P(HtmlGoldenTest, MatchesTheGoldenFile) {
  const Report r = GetParam().report();
  golden::checkGolden(GetParam().name + ".html", renderFixture(r, GetParam().name == "failed"));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HtmlGoldenTest,
                         ::testing::Values(Golden{"passed", fixtures::passedReport},
                                           Golden{"failed", fixtures::failedReport},
                                           Golden{"inconclusive", fixtures::inconclusiveReport},
                                           Golden{"exempted", fixtures::exemptedReport}),
                         [](const ::testing::TestParamInfo<Golden>& info) {
                           return info.param.name;
                         });

// ---- what the page says -----------------------------------------------------

TEST(HtmlReportTest, BannerShowsTheVerdictAndItsReason) {
  const std::string html = renderFixture(fixtures::failedReport());
  EXPECT_TRUE(contains(html,
                       "<section id=\"verdict\" class=\"verdict verdict-failed\" "
                       "data-verdict=\"failed\">\n<p class=\"verdict-word\">Failed</p>\n"
                       "<p id=\"verdict-reason\">3 critical and 7 error findings</p>"))
      << html.substr(0, 6000);
  EXPECT_TRUE(contains(renderFixture(fixtures::passedReport()),
                       "data-verdict=\"passed\">\n<p class=\"verdict-word\">Passed</p>"));
  EXPECT_TRUE(
      contains(renderFixture(fixtures::inconclusiveReport()),
               "data-verdict=\"inconclusive\">\n<p class=\"verdict-word\">Inconclusive</p>"));
}

TEST(HtmlReportTest, ScorecardGivesEveryFigureAStableHandle) {
  const std::string html = renderFixture(fixtures::failedReport());
  const std::string account = " data-operation=\"initial-sync\" data-type=\"account\">";
  EXPECT_TRUE(contains(html, "data-metric=\"recall\"" + account + "0.925</td>"));
  EXPECT_TRUE(contains(html, "data-metric=\"precision\"" + account + "0.974</td>"));
  EXPECT_TRUE(contains(html, "data-metric=\"expected\"" + account + "40</td>"));
  EXPECT_TRUE(contains(html, "data-metric=\"returned\"" + account + "38</td>"));
  EXPECT_TRUE(contains(html, "data-metric=\"matched\"" + account + "37</td>"));
  EXPECT_TRUE(contains(html,
                       "data-metric=\"recall\" data-operation=\"initial-sync\" "
                       "data-type=\"group\">1.000</td>"));
  EXPECT_TRUE(contains(html,
                       "data-metric=\"revocation-outcome\" data-operation=\"revoke-1\" "
                       "data-outcome=\"false-confirmation\">1</td>"));
  EXPECT_TRUE(contains(html, "<tr data-fault=\"users-500\" data-fired=\"1\" data-required=\"1\">"));
  EXPECT_TRUE(contains(html,
                       "<td data-metric=\"behaviour.retry_after\" data-operation=\"revoke-1\" "
                       "data-findings=\"1\"><span class=\"badge sev-error\">error</span> 2 "
                       "requests sent before an announced Retry-After elapsed</td>"));
  EXPECT_TRUE(contains(html,
                       "<td data-metric=\"behaviour.retry_after\" "
                       "data-operation=\"initial-sync\" data-findings=\"0\"><span "
                       "class=\"good\">ok</span></td>"));
  EXPECT_TRUE(contains(html, "<code id=\"seed\">20261123</code>"));
  EXPECT_TRUE(contains(html,
                       "<tr data-action-id=\"act-3\" data-outcome=\"false-confirmation\" "
                       "data-tone=\"bad\" data-severity=\"critical\">"));
}

TEST(HtmlReportTest, InconclusiveFaultIsShownAsNotMet) {
  const std::string html = renderFixture(fixtures::inconclusiveReport());
  EXPECT_TRUE(contains(html,
                       "<tr data-fault=\"burst-429\" data-fired=\"0\" data-required=\"2\">"
                       "<td><code>burst-429</code></td><td>rate_limit</td><td "
                       "class=\"num\">0</td><td class=\"num\">2</td><td><span "
                       "class=\"warn\">not met: the drill proves nothing about this "
                       "fault</span></td></tr>"));
}

// Critical, then error, ...; within a severity privileged and non-human
// identities first (the false confirmation touches a privileged entitlement,
// the failed revocation a privileged service account), then as found. The
// list under the banner and the evidence further down share that order.
TEST(HtmlReportTest, FindingsAreListedInTheOrderToFixThem) {
  const std::string html = renderFixture(fixtures::failedReport());
  const std::vector<std::string> order = {
      "false-confirmation",    "silent-loss",        "secret-leak",
      "revocation-failed",     "stale-data",         "phantom-records",
      "attribute-mismatch",    "protocol-violation", "connector-exit-nonzero",
      "retry-after-violation", "duplicate-write",    "false-alarm",
      "needless-partial"};
  std::vector<std::string> twice = order;
  twice.insert(twice.end(), order.begin(), order.end());
  EXPECT_EQ(attributeValues(html, "data-finding"), twice);
}

TEST(HtmlReportTest, ReplayCommandIsQuotedWhole) {
  const Report r = fixtures::passedReport();
  EXPECT_TRUE(
      contains(renderFixture(r), "<pre id=\"replay-command\">" + r.replay_command + "</pre>"));
}

TEST(HtmlReportTest, LongEvidenceLinesAreCutAndSaySo) {
  const std::string html = renderFixture(fixtures::failedReport());
  EXPECT_TRUE(contains(html, "[… cut at 1000 of "));
  EXPECT_FALSE(contains(html, fixtures::evidenceBlob().substr(0, 1200)));
}

// ---- the fields of report format minor 1 -----------------------------------

// The text between the first `open` and the next `close` after it.
std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const auto from = text.find(open);
  if (from == std::string::npos) return "";
  const auto to = text.find(close, from + open.size());
  return text.substr(from, to == std::string::npos ? std::string::npos : to + close.size() - from);
}

TEST(HtmlReportTest, BannerNamesTheTrustAFailedDrillBrokeAndWhatItMeans) {
  const std::string banner =
      between(renderFixture(fixtures::failedReport()), "<section id=\"verdict\"", "</section>");
  EXPECT_TRUE(contains(banner,
                       "<div id=\"failure-classes\" class=\"failure-classes\">\n<p><b>Trust "
                       "broken:</b> <span class=\"failure-class\" "
                       "data-failure-class=\"partial-success\">partial-success</span>"))
      << banner;
  EXPECT_EQ(attributeValues(banner, "data-failure-class"),
            (std::vector<std::string>{"partial-success", "stale-data", "write-failure",
                                      "authentication-failure", "unsafe-behaviour",
                                      "credential-exposure", "connector-fault"}));
  EXPECT_TRUE(contains(banner,
                       "<dt>stale-data</dt><dd>the output lagged the tenant's changes, or hid "
                       "that it did</dd>"));
  EXPECT_FALSE(contains(renderFixture(fixtures::passedReport()), "id=\"failure-classes\""));
  EXPECT_FALSE(contains(renderFixture(fixtures::inconclusiveReport()), "id=\"failure-classes\""));
}

TEST(HtmlReportTest, FactsSayWhichPolicyJudgedTheDrillAndFindingsWhatItDid) {
  const std::string html = renderFixture(fixtures::failedReport());
  EXPECT_TRUE(
      contains(html,
               "<dt>Judged by</dt><dd><span id=\"policy\"><span "
               "id=\"policy-sources\"><code>built-in</code> → <code>scenario schema "
               "&quot;drift&quot; &lt;&amp;&gt; | `edge`</code> → <code>policies/ci "
               "&lt;gate&gt;.json</code></span>: honest partials <b>fail</b>, "
               "inconclusive <b>fails</b>, min recall 0.990, min precision 1.000, "
               "Retry-After violations allowed 1, max amplification 4.000; severity overrides: "
               "<code>duplicate-write</code> → warning, <code>needless-partial</code> → "
               "info</span></dd>"))
      << between(html, "<dl class=\"facts\">", "</dl>");
  const std::string dup = between(html, "<li class=\"finding\" id=\"finding-6\"", "</li>");
  EXPECT_TRUE(contains(dup,
                       "<p class=\"finding-policy\"><b>Policy:</b> severity set by policy "
                       "(error -&gt; warning)</p>"))
      << dup;
  EXPECT_FALSE(
      contains(between(html, "<li class=\"finding\" id=\"finding-2\"", "</li>"), "finding-policy"));
}

TEST(HtmlReportTest, ScorecardHasAFreshnessCell) {
  const std::string html = renderFixture(fixtures::failedReport());
  EXPECT_TRUE(contains(html, "<td class=\"num\" data-metric=\"timeline-events\">5</td>"));
  EXPECT_TRUE(contains(html, "<td class=\"num bad\" data-metric=\"never-reflected\">1</td>"));
  EXPECT_TRUE(contains(html, "<td class=\"num\" data-metric=\"lag-p95\">1.250 s</td>"));
  EXPECT_TRUE(contains(html, "<td class=\"num bad\" data-metric=\"stale-records-at-end\">3</td>"));
  // It sits in the scorecard, before the behaviour table.
  EXPECT_LT(html.find("data-metric=\"never-reflected\""), html.find("id=\"behaviour\""));
  EXPECT_TRUE(contains(renderFixture(fixtures::passedReport()),
                       "<p data-metric=\"freshness\">Not measured: the scenario has no "
                       "timeline"));
}

const std::regex kLagRow("<g class=\"lag-event\" data-event=\"[0-9]+\" data-reflected=\"");

TEST(HtmlReportTest, LagChartDrawsOneBarPerEventAndMarksTheNeverReflected) {
  const std::string html = renderFixture(fixtures::failedReport());
  const std::string chart = between(html, "<svg class=\"lag\"", "</svg>");
  EXPECT_EQ(countOf(chart, kLagRow), 5u);
  const std::string never = between(chart, "data-event=\"2\" data-reflected=\"never\">", "</g>");
  EXPECT_TRUE(contains(never, "<rect class=\"lag-never\" x=\"300\""));
  EXPECT_TRUE(contains(never, "width=\"710\""));  // the whole plot: the lag has no end
  EXPECT_TRUE(contains(never, ">✕ never reflected</text>"));
  EXPECT_TRUE(contains(never, "class=\"never\">#2 leaver u-9</text>"));
  const std::string late = between(chart, "data-event=\"5\" data-reflected=\"3\">", "</g>");
  // 1250 ms on an axis ending at 1600 ms: only "never" spans the whole plot.
  EXPECT_TRUE(contains(late, "<rect class=\"lag-bar\" x=\"300\" y=\"124\" width=\"554.7\""));
  EXPECT_TRUE(contains(chart, ">1600 ms</text>"));
  EXPECT_TRUE(contains(late, ">1.250 s · 1 round late</text>"));
  EXPECT_TRUE(contains(chart, "data-event=\"3\" data-reflected=\"2\"><title>"));
  EXPECT_TRUE(contains(between(chart, "data-event=\"3\"", "</g>"), "<rect class=\"lag-zero\""));
  const std::string not_applied =
      between(chart, "data-event=\"4\" data-reflected=\"not-applied\">", "</g>");
  EXPECT_TRUE(contains(not_applied, ">#4 rotate_key u-&quot;x&quot; &lt;&amp;&gt;</text>"));
  EXPECT_TRUE(contains(not_applied, "not applied: the event never landed"));
  EXPECT_FALSE(contains(not_applied, "<rect"));
  EXPECT_TRUE(contains(html, "<tr data-event=\"2\" data-reflected=\"never\">"));
  // Without a timeline there is nothing to chart.
  EXPECT_FALSE(contains(renderFixture(fixtures::passedReport()), "<svg class=\"lag\""));
}

TEST(HtmlReportTest, LagChartDrawsAtMostItsLimitAndSaysSo) {
  Report r = fixtures::failedReport();
  for (int i = 6; i <= 150; ++i)
    r.freshness.events.push_back(
        fixtures::event(i, "joiner", {"u-" + std::to_string(i)}, 10, 1, 0, i * 10));
  const std::string html = renderFixture(r);
  EXPECT_EQ(countOf(html, kLagRow), 100u);
  EXPECT_TRUE(contains(html, "The chart draws the first 100 of 150 events"));
  EXPECT_EQ(countOf(html, std::regex("<tr data-event=")), 150u);
}

TEST(HtmlReportTest, RevocationTableShowsClaimedActualTimeAndReadBack) {
  Report r = fixtures::failedReport();
  r.operations[1].revocations[3].result_ms.reset();
  const std::string html = renderFixture(r);
  EXPECT_TRUE(contains(html,
                       "<tr><th>operation</th><th>action</th><th>account</th><th>target</th>"
                       "<th>claimed</th><th>actual</th><th class=\"num\">time</th><th>read "
                       "back</th></tr>"));
  const std::string act3 = between(html, "<tr data-action-id=\"act-3\"", "</tr>");
  EXPECT_TRUE(contains(act3,
                       "<td data-metric=\"claimed\"><b>confirmed</b><br><span "
                       "class=\"muted\">204 No Content</span></td>"))
      << act3;
  EXPECT_TRUE(contains(act3,
                       "<td class=\"actual\"><span class=\"outcome bad\" data-metric=\"outcome\">"
                       "false-confirmation</span><br><b>remains</b>: held directly (came back "
                       "after the connector finished)<br><span class=\"muted\" "
                       "data-metric=\"applied-at-exit\">gone when the connector exited</span>"
                       "</td>"));
  EXPECT_TRUE(contains(act3, "<td class=\"num nowrap\" data-metric=\"result-ms\">1042 ms</td>"));
  // A confirmation never read back is flagged.
  EXPECT_TRUE(contains(act3, "<td data-metric=\"read-back\" class=\"warn\">no</td>"));
  const std::string act2 = between(html, "<tr data-action-id=\"act-2\"", "</tr>");
  EXPECT_TRUE(contains(act2, "data-metric=\"result-ms\">388 ms</td>"));
  EXPECT_TRUE(contains(act2, "<td data-metric=\"read-back\">yes</td>"));
  EXPECT_TRUE(contains(act2, "access gone</td>"));
  const std::string act10 = between(html, "<tr data-action-id=\"act-10\"", "</tr>");
  EXPECT_TRUE(contains(act10, "data-metric=\"result-ms\">—</td>"));
  EXPECT_TRUE(contains(act10,
                       "<td>svc-backup<br><code class=\"muted\">u-12</code> <span "
                       "class=\"tag\">privileged</span></td><td>Admins<br><code "
                       "class=\"muted\">g-1</code></td>"))
      << act10;
  EXPECT_TRUE(contains(act10, "<b>remains</b>: a direct member</td>"));
}

// A killed run's confirmation of access that remains is shown as bad; a
// killed run's other claims, or a confirmation that came true, are not.
TEST(HtmlReportTest, RevocationRowsShowWhatAKilledRunClaimed) {
  Report r = fixtures::failedReport();
  r.operations[1].revocations[3].claimed_before_restart = "confirmed";  // act-10, remains
  r.operations[1].revocations[1].claimed_before_restart = "confirmed";  // act-2, gone
  r.operations[1].revocations[0].claimed_before_restart = "unconfirmed";
  const std::string html = renderFixture(r);
  EXPECT_TRUE(contains(between(html, "<tr data-action-id=\"act-10\"", "</tr>"),
                       "<span data-metric=\"claimed-before-restart\" class=\"bad\">before a "
                       "restart: confirmed</span>"));
  EXPECT_TRUE(contains(between(html, "<tr data-action-id=\"act-2\"", "</tr>"),
                       "class=\"muted\">before a restart: confirmed</span>"));
  EXPECT_TRUE(contains(between(html, "<tr data-action-id=\"act-1\"", "</tr>"),
                       "class=\"muted\">before a restart: unconfirmed</span>"));
  EXPECT_FALSE(
      contains(between(html, "<tr data-action-id=\"act-3\"", "</tr>"), "claimed-before-restart"));
}

TEST(HtmlReportTest, OperationsSayWhenTheConnectorWasKilledAndRestarted) {
  Report r = fixtures::failedReport();
  EXPECT_FALSE(contains(renderFixture(r), "data-metric=\"restarts\""));
  r.operations[0].restarts = 1;
  EXPECT_TRUE(contains(renderFixture(r),
                       "<p class=\"warn\" data-metric=\"restarts\" data-operation=\"initial-sync\">"
                       "Killed by a fault and restarted 1 time with the same state directory; "
                       "the last run is scored.</p>"));
}

TEST(HtmlReportTest, OperationsShowRoundsAmplificationAndAuthTrouble) {
  const std::string html = renderFixture(fixtures::failedReport());
  const std::string sync =
      between(html, "<section class=\"operation\" data-operation=\"initial-sync\"", "</section>");
  EXPECT_TRUE(contains(sync,
                       "12 requests, <span data-metric=\"amplification\" "
                       "data-operation=\"initial-sync\">1.500×</span> the minimum of 8</p>"));
  EXPECT_EQ(countOf(sync, std::regex("<tr data-round=\"[0-9]\">")), 3u);
  EXPECT_TRUE(contains(sync,
                       "<tr data-round=\"2\"><td class=\"num\">2</td><td class=\"num\">2</td>"
                       "<td class=\"num\">0.505 s</td><td class=\"num\">0.480 s</td><td "
                       "class=\"num\">4</td><td><b>partial</b> (Groups | &lt;throttled&gt;)</td>"
                       "<td><code>2026-03-14T09:26:53Z</code></td><td class=\"num\">1.000</td>"
                       "<td class=\"num bad\">2</td></tr>"));
  EXPECT_TRUE(contains(html,
                       "<p class=\"bad\" data-metric=\"auth-trouble\" data-operation=\"revoke-1\">"
                       "Ended refused by the target: last API answer 401 to PATCH "
                       "/scim/v2/Users/u-12</p>"));
  EXPECT_TRUE(contains(html,
                       "<td data-metric=\"behaviour.amplification\" data-operation=\"revoke-1\" "
                       "data-findings=\"0\"><span class=\"muted\">not measured</span></td>"));
  // A sync run once gets no rounds table.
  EXPECT_FALSE(contains(renderFixture(fixtures::passedReport()), "data-round="));
}

// ---- hostile text -----------------------------------------------------------

TEST(HtmlReportTest, EscapesAScriptInAFindingTitle) {
  Report r = fixtures::passedReport();
  r.findings[0].title = "<script>alert(1)</script>";
  const std::string html = renderFixture(r);
  EXPECT_FALSE(contains(html, "<script")) << "a script tag got through";
  EXPECT_FALSE(contains(html, "alert(1)</script>"));
  EXPECT_TRUE(
      contains(html, "<p class=\"finding-title\">&lt;script&gt;alert(1)&lt;/script&gt;</p>"));
}

TEST(HtmlReportTest, EscapesHostileTextInEveryPlaceItLands) {
  const std::string evil = "x\" onmouseover=\"alert(3)' <b>&amp;</b>\x01";
  const std::string escaped =
      "x&quot; onmouseover=&quot;alert(3)&apos; &lt;b&gt;&amp;amp;&lt;/b&gt;\xEF\xBF\xBD";
  Report r = fixtures::failedReport();
  r.scenario.name = r.connector.name = r.verdict_reason = r.replay_command = evil;
  r.operations[0].label = r.operations[1].revocations[0].account = evil;
  r.operations[0].completeness[0].type = r.faults[0].id = evil;
  r.findings[0].id = r.findings[0].detail = evil;
  r.findings[0].evidence.journal = {evil};
  r.failure_classes[0] = r.policy.sources[0] = r.findings[0].policy = evil;
  r.freshness.events[0].subjects = {evil};
  r.freshness.events[0].kind = r.freshness.events[1].detail = evil;
  r.operations[0].rounds[1].declared_reason = r.operations[0].rounds[1].stale_since = evil;
  r.operations[1].revocations[2].remaining = r.operations[1].auth_trouble = evil;
  const std::string html = renderFixture(r, true);
  EXPECT_EQ(unexpectedMarkup(html), "");
  EXPECT_FALSE(contains(html, "onmouseover=\""));
  EXPECT_TRUE(contains(html, "<p id=\"verdict-reason\">" + escaped + "</p>"));
  EXPECT_TRUE(contains(html, "data-type=\"" + escaped + "\""));
  EXPECT_TRUE(contains(html, "data-failure-class=\"" + escaped + "\">" + escaped + "</span>"));
  EXPECT_TRUE(contains(html, "<b>remains</b>: " + escaped + "<br>"));
  EXPECT_TRUE(contains(html, "<pre id=\"replay-command\">" + escaped + "</pre>"));
  EXPECT_TRUE(contains(html, "&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(contains(html, "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;"));
}

TEST(HtmlReportTest, EveryFixturePageHoldsOnlyTheWritersOwnMarkup) {
  for (const auto& r : {fixtures::passedReport(), fixtures::failedReport(),
                        fixtures::inconclusiveReport(), fixtures::exemptedReport()}) {
    EXPECT_EQ(unexpectedMarkup(renderFixture(r, true)), "") << r.scenario.name;
  }
}

// The page must open offline and leak nothing: no fetch of any kind.
TEST(HtmlReportTest, LoadsNothingAndRunsNoScript) {
  const std::string html = renderFixture(fixtures::failedReport(), true);
  for (const char* needle : {"http://", "https://", "//", "src=\"", "url(", "@import", "<script",
                             "<link", "<img", "<iframe", "<object"})
    EXPECT_FALSE(contains(html, needle)) << needle;
  EXPECT_TRUE(contains(html,
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                       "'none'; style-src 'unsafe-inline'\">"));
}

// ---- the timeline -----------------------------------------------------------

const std::regex kRequestMark("<rect class=\"s(2xx|4xx|5xx|other)\" x=");
// A fault marker over a request, not the legend's swatch.
const std::regex kFaultMarker("<path class=\"fault\" d=\"M[0-9.]+ [0-9]+h10l-5 9z\">");

TEST(HtmlReportTest, TimelineMarksEveryRequestAndEveryFiredFault) {
  const Report r = fixtures::failedReport();
  const auto journal = fixtures::syntheticJournal(r, true);
  const std::string html = renderHtmlReport(r, journal);
  EXPECT_EQ(countOf(html, kRequestMark), journal.size());
  // users-500 fired once, the dropped connection once; the note that merely
  // says "default" is no fault.
  EXPECT_EQ(countOf(html, kFaultMarker), 2u);
  EXPECT_EQ(countOf(html, std::regex("<rect class=\"s5xx\" x=")), 2u);
  EXPECT_EQ(countOf(html, std::regex("<rect class=\"sother\" x=")), 1u);
  EXPECT_TRUE(contains(html,
                       "<figcaption id=\"timeline-caption\" data-marks=\"per-request\">"
                       "Each tick is one of the " +
                           std::to_string(journal.size()) + " requests"));
  EXPECT_TRUE(contains(html, "<rect class=\"phase\" x="));
  EXPECT_TRUE(contains(html, ">initial-sync (sync)</text>"));
}

TEST(HtmlReportTest, TimelineHasNoOtherLaneWhenEveryRequestGotAnHttpStatus) {
  const std::string html = renderFixture(fixtures::passedReport());
  EXPECT_FALSE(contains(html, ">other</text>"));
  EXPECT_TRUE(contains(html, ">5xx</text>"));
}

TEST(HtmlReportTest, WithoutAJournalOnlyTheOperationsAreDrawn) {
  const std::string html = renderHtmlReport(fixtures::passedReport(), {});
  EXPECT_EQ(countOf(html, kRequestMark), 0u);
  EXPECT_TRUE(contains(html, "No journal was given to this page"));
  EXPECT_TRUE(contains(html, ">revoke-1 (revoke)</text>"));
}

TEST(HtmlReportTest, ATenThousandRequestJournalIsDrawnInTimeSlices) {
  Report r = fixtures::failedReport();
  r.duration_ms = 60000;
  const auto journal = fixtures::largeJournal(10000, 60000);
  const std::string html = renderHtmlReport(r, journal);
  EXPECT_LT(html.size(), 300u * 1024) << "the page should stay small";
  EXPECT_LE(countOf(html, kRequestMark), 3u * 360);
  EXPECT_GT(countOf(html, kRequestMark), 360u);
  EXPECT_EQ(countOf(html, kFaultMarker), 200u);  // one 429 in every 50, each in its own slice
  EXPECT_TRUE(contains(html,
                       "data-marks=\"sliced\">10000 requests, too many to mark one by one: "
                       "each lane groups them into 360 time slices of 167 ms"));
  EXPECT_EQ(unexpectedMarkup(html), "");
}

TEST(HtmlReportTest, JustBelowTheLimitEveryRequestGetsItsOwnMark) {
  const auto journal = fixtures::largeJournal(2000, 60000);
  const std::string html = renderHtmlReport(fixtures::passedReport(), journal);
  EXPECT_EQ(countOf(html, kRequestMark), 2000u);
}

// ---- risk first ---------------------------------------------------------------

TEST(HtmlReportTest, WhatToFixFirstSitsBetweenTheBannerAndTheScorecardLinkingToEvidence) {
  const std::string html = renderFixture(fixtures::failedReport());
  const auto banner_end = html.find("</section>", html.find("id=\"verdict\""));
  const auto fix = html.find("<section id=\"fix-first\">");
  ASSERT_NE(fix, std::string::npos);
  EXPECT_LT(banner_end, fix);
  EXPECT_LT(fix, html.find("id=\"scorecard\""));
  EXPECT_LT(fix, html.find("<dl class=\"facts\">"));
  // Each item links to an anchor the findings section defines.
  const std::string list = between(html, "<ol class=\"fix-first\">", "</ol>");
  for (const auto& href : attributeValues(list, "href")) {
    ASSERT_EQ(href.rfind("#finding-", 0), 0u) << href;
    const std::string anchor = "<li class=\"finding\" id=\"" + href.substr(1) + "\"";
    EXPECT_TRUE(contains(html, anchor)) << href;
    EXPECT_EQ(html.find(anchor), html.rfind(anchor)) << href;
  }
  EXPECT_EQ(attributeValues(list, "href").size(), fixtures::failedReport().findings.size());
  // The first item is the critical false confirmation of a privileged
  // entitlement, named beside its id and tagged.
  const std::string first = between(list, "<li class=\"fix\"", "</li>");
  EXPECT_TRUE(contains(first, "data-finding=\"false-confirmation\" data-severity=\"critical\""));
  EXPECT_TRUE(contains(
      first, "<a href=\"#finding-7\">remove_entitlement act-3 confirmed but access remains</a>"));
  EXPECT_TRUE(
      contains(first,
               "Admin &lt;Console&gt; &amp; &quot;root&quot; <code class=\"muted\">e-admin</code> "
               "<span class=\"tag\">privileged</span>"))
      << first;
}

TEST(HtmlReportTest, APassWithNoFindingsSaysThereIsNothingToFix) {
  Report r = fixtures::passedReport();
  r.findings.clear();
  EXPECT_TRUE(contains(renderFixture(r),
                       "<h2>What to fix first</h2>\n<p>Nothing: the drill raised no finding.</p>"));
}

TEST(HtmlReportTest, MissingRecordsAreCollapsedAndGroupedByRiskWithNames) {
  const std::string html = renderFixture(fixtures::exemptedReport());
  const std::string grants =
      between(html, "<details class=\"ids\" data-list=\"Missing grant\"", "</details>\n</details>");
  ASSERT_FALSE(grants.empty()) << html;
  EXPECT_TRUE(contains(grants,
                       "<summary>Missing grant records: 3 · privileged 1 · service accounts and "
                       "their keys 1 · others 1</summary>"))
      << grants;
  EXPECT_TRUE(contains(grants,
                       "<li>root-admin@example.com (u-1) holds Root (e-root) <code "
                       "class=\"muted\">entitlement|account|u-1|e-root</code></li>"));
  EXPECT_TRUE(contains(
      grants,
      "<details class=\"id-group\" data-group=\"privileged\"><summary>privileged (1)</summary>"));
  // Nothing is open: no list of ids fills the page until a reader asks.
  EXPECT_FALSE(contains(html, "<details open"));
  EXPECT_FALSE(contains(html, "<p class=\"ids\""));
  const std::string failed = renderFixture(fixtures::failedReport());
  EXPECT_TRUE(contains(failed, "<summary>Missing account records: 3 · others 3</summary>"));
}

TEST(HtmlReportTest, ARevocationRowHasTheColourOfTheFindingAboutTheSameAction) {
  const std::string html = renderFixture(fixtures::failedReport());
  // act-10 is an honest failure, but its revocation-failed finding is an error.
  const std::string act10 = between(html, "<tr data-action-id=\"act-10\"", "</tr>");
  EXPECT_TRUE(contains(act10, "data-tone=\"bad\" data-severity=\"error\""));
  EXPECT_TRUE(
      contains(act10, "<span class=\"outcome bad\" data-metric=\"outcome\">honest-failure</span>"));
  const std::string act1 = between(html, "<tr data-action-id=\"act-1\"", "</tr>");
  EXPECT_TRUE(
      contains(act1, "<span class=\"outcome warn\" data-metric=\"outcome\">false-alarm</span>"));
  const std::string act2 = between(html, "<tr data-action-id=\"act-2\"", "</tr>");
  EXPECT_TRUE(
      contains(act2, "<span class=\"outcome good\" data-metric=\"outcome\">confirmed</span>"));
  // The scorecard's outcome counts use the same mapping.
  EXPECT_TRUE(contains(html, "<tr><td class=\"bad\">honest-failure</td>"));
  EXPECT_TRUE(contains(html, "<tr><td class=\"warn\">false-alarm</td>"));
  // Every coloured row agrees with its finding: no amber row for an error.
  const Report r = fixtures::failedReport();
  for (const auto& rv : r.operations[1].revocations) {
    const std::string row = between(html, "<tr data-action-id=\"" + rv.action_id + "\"", ">");
    const Finding* f = findingForAction(r, r.operations[1], rv);
    const std::string tone = severityTone(f == nullptr ? std::nullopt : std::optional(f->severity));
    EXPECT_TRUE(contains(row, "data-tone=\"" + tone + "\"")) << row;
  }
}

TEST(HtmlReportTest, AnExemptedPassSaysSoInTheBannerWithEachReason) {
  const std::string html = renderFixture(fixtures::exemptedReport());
  const std::string banner = between(html, "<section id=\"verdict\"", "</section>");
  EXPECT_TRUE(contains(
      banner, "<div id=\"exemptions\" class=\"exemptions\"><p><b>Passed with exemptions:</b>"))
      << banner;
  EXPECT_TRUE(contains(banner,
                       "<li data-exemption=\"honest_partial\">honest partial accepted for "
                       "schema-drift — <span class=\"reason\">no connector can map a field "
                       "renamed without notice</span> <span class=\"muted\">(set by <code>scenario "
                       "schema-drift</code>; excused 1 finding)</span></li>"));
  Report no_reason = fixtures::exemptedReport();
  no_reason.exemptions[0].reason.clear();
  EXPECT_TRUE(contains(renderFixture(no_reason), "<i class=\"no-reason\">(no reason given)</i>"));
  EXPECT_FALSE(contains(renderFixture(fixtures::passedReport()), "id=\"exemptions\""));
  EXPECT_FALSE(contains(renderFixture(fixtures::failedReport()), "id=\"exemptions\""));
}

}  // namespace
}  // namespace faultline::reports
