// The HTML report in a real browser: headless Chromium parses the failed
// fixture's page, and the test reads back the DOM it built, its console and a
// screenshot.
//
// Chromium is installed by setup.sh. Without it these tests fail and say so,
// unless FAULTLINE_SKIP_BROWSER=1 is set, when they are skipped.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "reports/html_report.h"
#include "tests/harness/fixture_drill.h"
#include "tests/reports/external_checks.h"
#include "tests/reports/html_fixtures.h"
#include "tests/reports/report_fixtures.h"

namespace faultline::reports {
namespace {

using checks::freshTestDir;
using checks::readWholeFile;
using checks::runCommand;
using checks::shellQuote;
using checks::writeWholeFile;

const std::string kBuildDir = FAULTLINE_BINARY_DIR;

bool skippingBrowser() {
  const char* v = std::getenv("FAULTLINE_SKIP_BROWSER");
  return v != nullptr && std::string(v) == "1";
}

bool haveChromium() {
  return runCommand("command -v chromium").code == 0;
}

#define REQUIRE_CHROMIUM()                                                                       \
  do {                                                                                           \
    if (!haveChromium()) {                                                                       \
      if (skippingBrowser()) GTEST_SKIP() << "chromium not installed; FAULTLINE_SKIP_BROWSER=1"; \
      FAIL() << "chromium is not installed: run setup.sh (or apt-get install chromium), or "     \
                "set FAULTLINE_SKIP_BROWSER=1 to skip the browser tests";                        \
    }                                                                                            \
  } while (false)

std::string fileUrl(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string url = "file://";
  for (const unsigned char c : std::filesystem::absolute(path).string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

struct BrowserRun {
  int code = -1;
  std::string out;  // what Chromium printed on stdout: the DOM, with --dump-dom
  std::string err;  // its log, console messages included
};

// Runs headless Chromium on `page` with `flags`, in a profile folder of its
// own under `dir`, for at most 60 s.
BrowserRun runChromium(const std::string& dir, const std::string& page, const std::string& flags) {
  const std::string out = dir + "/chromium.out", err = dir + "/chromium.err";
  const auto result = runCommand(
      "{ timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run "
      "--enable-logging=stderr --v=0 --user-data-dir=" +
      shellQuote(dir + "/profile") + " " + flags + " " + shellQuote(fileUrl(page)) + " >" +
      shellQuote(out) + " 2>" + shellQuote(err) + "; }");
  return {result.code, readWholeFile(out), readWholeFile(err)};
}

// The lines of Chromium's log that report a console message or an uncaught
// exception. The page runs no script, so any console message is a problem:
// a script error, or a load the Content-Security-Policy blocked.
std::string consoleComplaints(const std::string& log) {
  std::string complaints;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos || line.find("CONSOLE(") != std::string::npos ||
        line.find("Uncaught") != std::string::npos)
      complaints += line + "\n";
  }
  return complaints;
}

// Text as an HTML serializer writes it back (& < > escaped, quotes not).
std::string serializedText(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

std::string writeFailedPage(const std::string& dir) {
  const Report r = fixtures::failedReport();
  const std::string page = dir + "/failed.html";
  writeWholeFile(page, renderHtmlReport(r, fixtures::syntheticJournal(r, true)));
  return page;
}

TEST(HtmlBrowserTest, ChromiumBuildsTheKeyFiguresIntoItsDomWithoutConsoleErrors) {
  REQUIRE_CHROMIUM();
  const std::string dir = freshTestDir("html_browser_dom");
  const Report r = fixtures::failedReport();
  const BrowserRun run = runChromium(dir, writeFailedPage(dir), "--dump-dom");
  ASSERT_EQ(run.code, 0) << "chromium failed (124: timed out)\n" << run.err;
  const std::string& dom = run.out;
  ASSERT_TRUE(contains(dom, "</html>")) << dom;

  EXPECT_TRUE(contains(dom,
                       "<section id=\"verdict\" class=\"verdict verdict-failed\" "
                       "data-verdict=\"failed\">\n<p class=\"verdict-word\">Failed</p>"));
  EXPECT_TRUE(contains(dom, "<p id=\"verdict-reason\">3 critical and 7 error findings</p>"));
  EXPECT_TRUE(contains(dom,
                       "data-metric=\"recall\" data-operation=\"initial-sync\" "
                       "data-type=\"account\">0.925</td>"));
  EXPECT_TRUE(contains(dom,
                       "<tr data-action-id=\"act-3\" data-outcome=\"false-confirmation\" "
                       "data-tone=\"bad\" data-severity=\"critical\">"));
  EXPECT_TRUE(contains(dom, "data-metric=\"outcome\">false-confirmation</span>"));
  EXPECT_TRUE(contains(dom, "data-metric=\"result-ms\">1042 ms</td>"));
  EXPECT_EQ(occurrences(dom, "<span class=\"failure-class\""), r.failure_classes.size());
  EXPECT_EQ(occurrences(dom, "<g class=\"lag-event\""), r.freshness.events.size());
  EXPECT_TRUE(contains(dom, "data-event=\"2\" data-reflected=\"never\"><title>"));
  EXPECT_TRUE(contains(dom, "<td class=\"num bad\" data-metric=\"never-reflected\">1</td>"));
  EXPECT_TRUE(
      contains(dom, "<pre id=\"replay-command\">" + serializedText(r.replay_command) + "</pre>"))
      << r.replay_command;
  EXPECT_TRUE(contains(dom, "<code id=\"seed\">20261123</code>"));

  // Hostile text stayed text: the parsed page holds no element it did not
  // write, and each finding is one list item.
  EXPECT_FALSE(contains(dom, "<script"));
  EXPECT_FALSE(contains(dom, "<img"));
  EXPECT_FALSE(contains(dom, "<html>\\r"));
  EXPECT_EQ(occurrences(dom, "<li class=\"finding\""), r.findings.size());
  EXPECT_TRUE(contains(dom, "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;"));
  EXPECT_EQ(consoleComplaints(run.err), "");
}

// Negative control for the console check: a page whose script throws must be
// caught, or the check above proves nothing.
TEST(HtmlBrowserTest, ConsoleCheckCatchesAScriptError) {
  REQUIRE_CHROMIUM();
  const std::string dir = freshTestDir("html_browser_negative");
  const std::string page = dir + "/broken.html";
  std::string html = readWholeFile(writeFailedPage(dir));
  // Without the policy the injected script runs and throws; with it the
  // browser blocks the script and says so. Both must be caught.
  const std::string policy_start = "<meta http-equiv=\"Content-Security-Policy\"";
  const std::string with_policy = html;
  html.erase(html.find(policy_start),
             html.find('>', html.find(policy_start)) + 1 - html.find(policy_start));
  const std::string script = "<script>undefinedFunctionForTheNegativeControl();</script>";
  writeWholeFile(page, html.replace(html.find("</body>"), 0, script));
  const BrowserRun thrown = runChromium(dir, page, "--dump-dom");
  ASSERT_EQ(thrown.code, 0) << thrown.err;
  EXPECT_TRUE(contains(consoleComplaints(thrown.err),
                       "Uncaught ReferenceError: undefinedFunctionForTheNegativeControl"))
      << thrown.err;

  std::string blocked = with_policy;
  writeWholeFile(page, blocked.replace(blocked.find("</body>"), 0, script));
  const BrowserRun refused = runChromium(dir, page, "--dump-dom");
  ASSERT_EQ(refused.code, 0) << refused.err;
  EXPECT_TRUE(contains(consoleComplaints(refused.err), "Content Security Policy")) << refused.err;
  EXPECT_FALSE(contains(refused.err, "Uncaught")) << "the policy should have stopped the script";
}

TEST(HtmlBrowserTest, ChromiumTakesAFullSizeScreenshot) {
  REQUIRE_CHROMIUM();
  const std::string dir = freshTestDir("html_browser_screenshot");
  const std::string png = kBuildDir + "/html-report.png";
  std::filesystem::remove(png);
  const BrowserRun run =
      runChromium(dir, writeFailedPage(dir),
                  "--hide-scrollbars --window-size=1280,2000 --screenshot=" + shellQuote(png));
  ASSERT_EQ(run.code, 0) << run.err;
  ASSERT_TRUE(std::filesystem::exists(png)) << run.err;
  const std::string bytes = readWholeFile(png);
  EXPECT_GT(bytes.size(), 30u * 1024) << "a page of text and figures, not a blank image";
  ASSERT_GE(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // IHDR: big-endian width and height at bytes 16 and 20.
  const auto be32 = [&bytes](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  EXPECT_EQ(bytes.substr(12, 4), "IHDR");
  EXPECT_EQ(be32(16), 1280u);
  EXPECT_EQ(be32(20), 2000u);
  EXPECT_EQ(consoleComplaints(run.err), "");
}

// ---- risk first, in a real browser ---------------------------------------------

// Measures the page as laid out: where the first item of "What to fix
// first", the first finding with evidence and the scorecard start, and every
// block (a list, paragraph, cell or summary) whose rendered text holds more
// than 5 UUIDs (the names beside ids under a finding count as one block),
// i.e. a raw id list a reader sees without asking. Text inside
// a closed <details> is not rendered, so it does not count. The results
// land in <pre id="probe"> for --dump-dom. Only the test's copy of the page
// runs it: the report itself forbids scripts.
constexpr const char* kProbe = R"(<script>
(function () {
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const top = (sel) => { const e = document.querySelector(sel);
    return e ? Math.round(e.getBoundingClientRect().top + window.scrollY) : -1; };
  const blocks = new Map();
  let inDom = 0;
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walk.nextNode(); t; t = walk.nextNode()) {
    const n = (t.textContent.match(uuid) || []).length;
    if (n === 0) continue;
    inDom += n;
    const parent = t.parentElement;
    // A closed <details> hides its content with content-visibility, which
    // leaves boxes in place: ask whether the text is rendered at all.
    const rendered = parent.checkVisibility ? parent.checkVisibility()
                                            : parent.getClientRects().length > 0;
    if (!rendered) continue;
    const block = parent.closest('.who, ul, ol, p, td, dd, pre, summary');
    blocks.set(block, (blocks.get(block) || 0) + n);
  }
  const lists = [];
  for (const [block, n] of blocks)
    if (n > 5) lists.push(block.tagName.toLowerCase() + '.' + block.className + ':' + n);
  const probe = document.createElement('pre');
  probe.id = 'probe';
  probe.textContent = 'fix=' + top('li.fix') + ' finding=' + top('li.finding') +
      ' scorecard=' + top('#scorecard') + ' viewport=' + window.innerHeight +
      ' uuids=' + inDom + ' lists=[' + lists.join(' ') + ']';
  document.body.appendChild(probe);
})();
</script>)";

// The page with its Content-Security-Policy taken out and the probe added.
std::string probedPage(std::string html, bool open_every_list) {
  const std::string policy = "<meta http-equiv=\"Content-Security-Policy\"";
  const auto from = html.find(policy);
  html.erase(from, html.find('>', from) + 1 - from);
  if (open_every_list) {
    for (auto at = html.find("<details"); at != std::string::npos;
         at = html.find("<details", at + 1))
      html.insert(at + 8, " open");
  }
  return html.replace(html.find("</body>"), 0, kProbe);
}

// "KEY=VALUE" from the probe's line.
std::string probeValue(const std::string& probe, const std::string& key) {
  const auto at = probe.find(key + "=");
  if (at == std::string::npos) return "";
  const auto from = at + key.size() + 1;
  return probe.substr(from, probe.find(' ', from) - from);
}

TEST(HtmlBrowserTest, OnAFailedDrillTheFirstFindingIsAboveTheScorecardAndNoIdListIsOpen) {
  REQUIRE_CHROMIUM();
  // A real failed drill: the connector never refreshes its token, so it
  // misses most of a tenant of random UUIDs, 398 grant keys among them.
  const Report r =
      harness::testing::runFixtureDrill("tests/fixtures/connectors/no_refresh.json",
                                        "scenarios/auth_expiry.json", 1, "html_browser_risk_first");
  ASSERT_EQ(r.verdict, Verdict::Failed);
  const std::string html = renderHtmlReport(r, readJournalFile(r.journal_file));
  const std::string dir = freshTestDir("html_browser_risk_first");
  for (const bool open : {false, true}) {
    const std::string page = dir + (open ? "/opened.html" : "/probed.html");
    writeWholeFile(page, probedPage(html, open));
    const BrowserRun run = runChromium(dir, page, "--window-size=1280,2000 --dump-dom");
    ASSERT_EQ(run.code, 0) << run.err;
    const auto start = run.out.find("<pre id=\"probe\">");
    ASSERT_NE(start, std::string::npos) << "the probe did not run\n" << run.err;
    const std::string probe = run.out.substr(start, run.out.find("</pre>", start) - start);
    const int fix = std::stoi(probeValue(probe, "fix"));
    const int finding = std::stoi(probeValue(probe, "finding"));
    const int scorecard = std::stoi(probeValue(probe, "scorecard"));
    // The page really holds the ids, so hiding them is something it does.
    EXPECT_GT(std::stoi(probeValue(probe, "uuids")), 400) << probe;
    if (open) {
      // Negative control: opened, the lists are raw id lists, and the probe sees them.
      EXPECT_NE(probeValue(probe, "lists"), "[]") << probe;
      continue;
    }
    EXPECT_GT(fix, 0) << probe;
    EXPECT_LT(fix, scorecard) << probe;
    EXPECT_LT(fix, std::stoi(probeValue(probe, "viewport"))) << "not on the first screen\n"
                                                             << probe;
    EXPECT_GT(finding, scorecard) << "the evidence stays below, linked from the list\n" << probe;
    EXPECT_EQ(probeValue(probe, "lists"), "[]") << probe;
    EXPECT_EQ(consoleComplaints(run.err), "");
  }
}

}  // namespace
}  // namespace faultline::reports
