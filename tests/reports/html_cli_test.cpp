// faultline run --format html: a real drill's page draws the journal the
// drill wrote.

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "reports/html_report.h"
#include "tests/reports/external_checks.h"

namespace faultline::reports {
namespace {

using checks::freshTestDir;
using checks::readWholeFile;

const std::string kSource = FAULTLINE_SOURCE_DIR;

TEST(HtmlCliTest, RunWritesAnHtmlReportThatDrawsEveryJournalRequest) {
  const std::string dir = freshTestDir("html_cli_run");
  std::ostringstream out, err;
  const int code = harness::runCli(
      {"run", "--connector", kSource + "/examples/connectors/reference/manifest.json", "--scenario",
       kSource + "/tests/fixtures/sync_once.json", "--out", dir, "--format", "html,json"},
      out, err);
  ASSERT_EQ(code, harness::kExitPassed) << out.str() << err.str();
  const std::string stem = dir + "/reference-scim/sync-once-seed5";
  EXPECT_NE(out.str().find("report: " + stem + ".json\nreport: " + stem +
                           ".html\njournal: " + stem + ".journal.jsonl\n"),
            std::string::npos)
      << out.str();

  const std::string html = readWholeFile(stem + ".html");
  const auto journal = readJournalFile(stem + ".journal.jsonl");
  ASSERT_FALSE(journal.empty());
  EXPECT_NE(html.find("data-verdict=\"passed\""), std::string::npos);
  const std::regex mark("<rect class=\"s(2xx|4xx|5xx|other)\" x=");
  EXPECT_EQ(static_cast<std::size_t>(std::distance(
                std::sregex_iterator(html.begin(), html.end(), mark), std::sregex_iterator())),
            journal.size());
  EXPECT_NE(html.find("<code id=\"journal-file\">" + stem + ".journal.jsonl</code>"),
            std::string::npos);
}

}  // namespace
}  // namespace faultline::reports
