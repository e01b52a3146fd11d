// The status line's `incomplete` field, as each writer shows it.
#include <gtest/gtest.h>

#include <string>

#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/markdown_report.h"

namespace faultline::reports {
namespace {

Report partialSync(std::optional<std::vector<std::string>> incomplete) {
  Report r;
  OperationReport o;
  o.label = "initial-sync";
  o.kind = "sync";
  o.declared_status = "partial";
  o.declared_reason = "Groups: HTTP 403";
  o.declared_incomplete = std::move(incomplete);
  TypeScore t;
  t.type = "group";
  o.completeness.push_back(t);
  r.operations.push_back(o);
  return r;
}

TEST(DeclaredIncompleteTest, EveryWriterShowsTheTypesDeclared) {
  const Report r = partialSync(std::vector<std::string>{"group", "grant"});
  EXPECT_NE(renderMarkdownReport(r).find("partial (declared incomplete: group, grant)"),
            std::string::npos)
      << renderMarkdownReport(r);
  EXPECT_NE(renderHtmlReport(r, {}).find(
                "<span data-metric=\"declared-incomplete\" data-operation=\"initial-sync\">"
                "declared incomplete: group, grant</span>"),
            std::string::npos);
  EXPECT_NE(renderSummary(r).find("(Groups: HTTP 403); declared incomplete: group, grant"),
            std::string::npos)
      << renderSummary(r);
}

TEST(DeclaredIncompleteTest, AnEmptyListSaysNoneAndAnAbsentFieldSaysNothing) {
  EXPECT_EQ(declaredIncompleteText(std::vector<std::string>{}), "declared incomplete: none");
  EXPECT_EQ(declaredIncompleteText(std::nullopt), "");
  const Report without = partialSync(std::nullopt);
  EXPECT_EQ(renderMarkdownReport(without).find("declared incomplete"), std::string::npos);
  EXPECT_EQ(renderHtmlReport(without, {}).find("declared-incomplete"), std::string::npos);
}

}  // namespace
}  // namespace faultline::reports
