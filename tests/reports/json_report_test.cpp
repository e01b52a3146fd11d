#include "reports/json_report.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reports/compare.h"
#include "tests/reports/report_fixtures.h"

namespace faultline::reports {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Report sampleReport() {
  Report r;
  r.tool_version = "0.1.0";
  r.drill_id = "drill-1";
  r.seed = 20261123;
  r.duration_ms = 1234;
  r.scenario.name = "baseline";
  r.scenario.accounts = 250;
  r.connector.name = "reference-scim";
  r.connector.env = {{"CLIENT_SECRET", "{client_secret}"}, {"API_TOKEN", "<redacted>"}};
  r.verdict = Verdict::Failed;
  r.verdict_reason = "1 critical and 0 error findings";
  r.journal_requests = 17;
  r.replay_command = "faultline run --seed 20261123";

  OperationReport op;
  op.label = "initial-sync";
  op.kind = "sync";
  op.declared_status = "complete";
  TypeScore t;
  t.type = "account";
  t.expected = 250;
  t.returned = 200;
  t.matched = 200;
  t.recall = 0.8;
  t.missing = {"u-1", "u-2"};
  t.missing_total = 50;
  op.completeness = {t};
  op.process.started = true;
  op.process.exit_code = 0;
  r.operations = {op};

  Finding f;
  f.id = "silent-loss";
  f.severity = Severity::Critical;
  f.metric = "completeness.accounts";
  f.operation = "initial-sync";
  f.title = "Declared complete but 50 accounts are missing";
  f.detail = "missing account ids: u-1, u-2 ... (50 in all)";
  f.evidence.journal = {"#2 +20ms GET /scim/v2/Users?startIndex=1&count=50 -> 200 900B tok-1"};
  f.evidence.connector_output = {"stdout:251: {\"type\":\"status\"}"};
  r.findings = {f};
  return r;
}

TEST(JsonReportTest, CarriesFormatSeedVerdictAndFindingsWithEvidence) {
  const json j = reportToJson(sampleReport());
  EXPECT_EQ(j.at("faultline_report"), 1);
  EXPECT_EQ(j.at("format_minor"), 6);
  EXPECT_EQ(j.at("seed"), 20261123u);
  EXPECT_EQ(j.at("verdict"), "failed");
  EXPECT_EQ(j.at("verdict_reason"), "1 critical and 0 error findings");
  ASSERT_EQ(j.at("findings").size(), 1u);
  const json& f = j.at("findings")[0];
  EXPECT_EQ(f.at("id"), "silent-loss");
  EXPECT_EQ(f.at("severity"), "critical");
  EXPECT_EQ(f.at("metric"), "completeness.accounts");
  EXPECT_EQ(f.at("operation"), "initial-sync");
  ASSERT_TRUE(f.at("evidence").at("journal").is_array());
  EXPECT_EQ(f.at("evidence").at("journal"),
            json::array({"#2 +20ms GET /scim/v2/Users?startIndex=1&count=50 -> 200 900B tok-1"}));
  EXPECT_EQ(f.at("evidence").at("connector_output"),
            json::array({"stdout:251: {\"type\":\"status\"}"}));
}

TEST(JsonReportTest, WritesEmptyEvidenceAsEmptyArrays) {
  Report r;
  r.findings.push_back(Finding{});
  const json j = reportToJson(r);
  EXPECT_EQ(j.at("findings")[0].at("evidence").at("journal"), json::array());
  EXPECT_EQ(j.at("findings")[0].at("evidence").at("connector_output"), json::array());
  EXPECT_EQ(j.at("verdict"), "passed");
}

TEST(JsonReportTest, WritesEveryVerdictAndSeverityByName) {
  Report r;
  r.verdict = Verdict::Inconclusive;
  for (Severity s : {Severity::Info, Severity::Warning, Severity::Error, Severity::Critical}) {
    Finding f;
    f.severity = s;
    r.findings.push_back(f);
  }
  const json j = reportToJson(r);
  EXPECT_EQ(j.at("verdict"), "inconclusive");
  std::vector<std::string> names;
  for (const auto& f : j.at("findings")) names.push_back(f.at("severity"));
  EXPECT_EQ(names, (std::vector<std::string>{"info", "warning", "error", "critical"}));
}

TEST(JsonReportTest, KeepsTheFullSeedRange) {
  Report r;
  r.seed = 18446744073709551615ull;
  const json j = json::parse(renderJsonReport(r));
  EXPECT_EQ(j.at("seed").get<std::uint64_t>(), 18446744073709551615ull);
}

TEST(JsonReportTest, WritesOperationScoresAndNullExitCodeWhenUnset) {
  const json j = reportToJson(sampleReport());
  const json& op = j.at("operations")[0];
  EXPECT_EQ(op.at("label"), "initial-sync");
  EXPECT_EQ(op.at("process").at("exit_code"), 0);
  EXPECT_TRUE(op.at("process").at("signal").is_null());
  const json& t = op.at("completeness")[0];
  EXPECT_EQ(t.at("type"), "account");
  EXPECT_DOUBLE_EQ(t.at("recall").get<double>(), 0.8);
  EXPECT_EQ(t.at("missing_total"), 50);
  EXPECT_EQ(t.at("missing"), json::array({"u-1", "u-2"}));
  EXPECT_EQ(j.at("connector").at("env").at("API_TOKEN"), "<redacted>");
}

TEST(JsonReportTest, RoundTripsQuotesMarkupAndNonAsciiText) {
  Report r = sampleReport();
  const std::string tricky = "say \"hi\" <b>&amp;</b> \\ tab\t ünïcødé — 日本語 🚀";
  r.findings[0].title = tricky;
  r.findings[0].evidence.connector_output = {tricky, "line\nbreak"};
  r.connector.args = {"--name=<&>"};
  const std::string text = renderJsonReport(r);
  EXPECT_EQ(text.back(), '\n');
  const json j = json::parse(text);
  EXPECT_EQ(j.at("findings")[0].at("title"), tricky);
  EXPECT_EQ(j.at("findings")[0].at("evidence").at("connector_output"),
            json::array({tricky, "line\nbreak"}));
  EXPECT_EQ(j.at("connector").at("args"), json::array({"--name=<&>"}));
  EXPECT_EQ(j, reportToJson(r));
}

TEST(JsonReportTest, RendersConnectorBytesThatAreNotUtf8) {
  // Evidence quotes connector output verbatim; a connector may print any bytes.
  Report r = sampleReport();
  r.findings[0].evidence.connector_output = {"stdout:1: bad \xff\xfe bytes", "cut \xe6\x97"};
  std::string text;
  ASSERT_NO_THROW(text = renderJsonReport(r));
  const json j = json::parse(text);
  EXPECT_EQ(j.at("findings")[0].at("evidence").at("connector_output"),
            json::array({"stdout:1: bad \xef\xbf\xbd\xef\xbf\xbd bytes", "cut \xef\xbf\xbd"}));
}

TEST(JsonReportTest, SummaryShowsVerdictScoresFindingsAndReplay) {
  EXPECT_EQ(renderSummary(sampleReport()),
            "verdict: failed (1 critical and 0 error findings)\n"
            "scenario baseline, connector reference-scim, seed 20261123, 17 requests, 1234 ms\n"
            "  initial-sync [sync] declared complete\n"
            "    account      recall 0.800  precision 1.000  (200 of 250, 50 missing, 0 phantom)\n"
            "findings, what to fix first:\n"
            "  [critical] silent-loss (initial-sync): Declared complete but 50 accounts are "
            "missing\n"
            "      missing account ids: u-1, u-2 ... (50 in all)\n"
            "replay: faultline run --seed 20261123\n");
}

TEST(JsonReportTest, SummaryListsRevocationOutcomes) {
  Report r;
  OperationReport op;
  op.label = "revoke-1";
  op.kind = "revoke";
  op.declared_status = "partial";
  op.declared_reason = "1 of 2 not confirmed";
  RevocationOutcome a;
  a.action_id = "act-1";
  a.action = "remove_membership";
  a.account = "u-1";
  a.target = "g-1";
  a.claimed = "confirmed";
  a.applied = false;
  a.outcome = "false-confirmation";
  RevocationOutcome b = a;
  b.action_id = "act-2";
  b.action = "deprovision";
  b.target = "";
  b.applied = true;
  b.outcome = "confirmed";
  op.revocations = {a, b};
  r.operations = {op};
  const std::string summary = renderSummary(r);
  EXPECT_NE(summary.find("  revoke-1 [revoke] declared partial (1 of 2 not confirmed)\n"
                         "    act-1 revoke group membership: u-1 from g-1: claimed confirmed, NOT "
                         "applied -> false-confirmation\n"
                         "    act-2 deprovision: u-1: claimed confirmed, applied -> confirmed\n"),
            std::string::npos)
      << summary;
  EXPECT_EQ(summary.find("findings"), std::string::npos);
  // With the tenant's names, each action says whom it was about.
  r.identities = {{"u-1", {"account", "alice@example.com", false, false, ""}},
                  {"g-1", {"group", "Admins", true, false, ""}}};
  EXPECT_NE(renderSummary(r).find("    act-1 revoke group membership: alice@example.com (u-1) "
                                  "from Admins (g-1): claimed confirmed"),
            std::string::npos)
      << renderSummary(r);
}

TEST(JsonReportTest, SummaryPutsTheExemptionsBesideTheVerdict) {
  const std::string summary = renderSummary(fixtures::exemptedReport());
  EXPECT_EQ(summary.substr(0, summary.find('\n', summary.find('\n') + 1) + 1),
            "verdict: passed (no finding at error or critical severity)\n"
            "passed with exemptions: honest partial accepted for schema-drift — no connector can "
            "map a field renamed without notice\n");
  EXPECT_EQ(renderSummary(fixtures::passedReport()).find("exemptions"), std::string::npos);
}

TEST(JsonReportTest, SummaryListsFindingsInTheOrderToFixThemWithWhoTheyTouch) {
  const std::string summary = renderSummary(fixtures::failedReport());
  const auto first = summary.find("[critical] false-confirmation");
  const auto loss = summary.find("[critical] silent-loss");
  const auto failed = summary.find("[error] revocation-failed");
  const auto phantom = summary.find("[error] phantom-records");
  ASSERT_NE(first, std::string::npos) << summary;
  EXPECT_LT(first, loss);
  EXPECT_LT(failed, phantom) << "the privileged service account's revocation comes first";
  EXPECT_NE(summary.find("      who: svc-backup (u-12), Admins (g-1)\n"), std::string::npos)
      << summary;
}

TEST(JsonReportTest, SummaryCountsAnIdListOnceTheWhoLineNamesThem) {
  Report r = fixtures::failedReport();
  Finding loss;
  loss.id = "silent-loss";
  loss.severity = Severity::Critical;
  loss.metric = "completeness.accounts";
  loss.title = "Declared complete but 150 accounts are missing";
  loss.detail = "missing account ids: u-12, u-2 ... (150 in all) (reason given: \"paged\")";
  r.findings = {loss};
  const std::string named = renderSummary(r);
  EXPECT_NE(named.find("      missing account ids: 2 of 150 listed in the JSON report "
                       "(reason given: \"paged\")\n"),
            std::string::npos)
      << named;
  EXPECT_EQ(named.find("u-12, u-2"), std::string::npos) << named;
  // Without names the ids are the only way to say who, so they stay.
  r.identities.clear();
  const std::string bare = renderSummary(r);
  EXPECT_NE(bare.find("      " + loss.detail + "\n"), std::string::npos) << bare;
  EXPECT_EQ(bare.find("who:"), std::string::npos) << bare;
}

TEST(JsonReportTest, CarriesExemptionsIdentitiesAndPolicyReasons) {
  const json j = reportToJson(fixtures::exemptedReport());
  EXPECT_EQ(j.at("exemptions"),
            json::parse(R"([{"rule":"honest_partial","text":"honest partial accepted",)"
                        R"("source":"scenario schema-drift",)"
                        R"("reason":"no connector can map a field renamed without notice",)"
                        R"("findings":["declared-incomplete"]}])"));
  EXPECT_EQ(j.at("identities").at("u-2"),
            json::parse(R"({"kind":"account","name":"svc-deploy","privileged":false,)"
                        R"("non_human":true})"));
  EXPECT_EQ(j.at("policy").at("reasons").at("scenario schema-drift"),
            "no connector can map a field renamed without notice");
  const json failed = reportToJson(fixtures::failedReport());
  EXPECT_EQ(failed.at("identities").at("key-9a").at("owner"), "u-9");
  EXPECT_EQ(failed.at("exemptions"), json::array());
}

// compare reads only what every report since format 1.0 has: a report
// written before minor 6 compares with one written after it.
TEST(JsonReportTest, CompareReadsAReportWithoutTheMinorSixFields) {
  json older = reportToJson(fixtures::failedReport());
  older.erase("exemptions");
  older.erase("identities");
  older["policy"].erase("reasons");
  older["format_minor"] = 5;
  const json newer = reportToJson(fixtures::failedReport());
  Comparison c;
  ASSERT_NO_THROW(c = compareReports(older, newer, {}, "old.json", "new.json"));
  EXPECT_FALSE(c.regressed());
  ASSERT_NO_THROW(c = compareReports(newer, older, {}, "new.json", "old.json"));
  EXPECT_FALSE(c.regressed());
}

TEST(JsonReportTest, WritesTimeToConfirmationReadBackAndMaxAmplification) {
  Report r;
  r.policy.max_amplification = 2.5;
  OperationReport op;
  op.label = "revoke-1";
  op.kind = "revoke";
  RevocationOutcome timed;
  timed.action_id = "act-1";
  timed.result_ms = 1234;
  timed.read_back = true;
  RevocationOutcome unreported;
  unreported.action_id = "act-2";
  op.revocations = {timed, unreported};
  r.operations = {op};
  const json j = json::parse(renderJsonReport(r));
  const json& revocations = j.at("operations")[0].at("revocations");
  EXPECT_EQ(revocations[0].at("result_ms"), 1234);
  EXPECT_EQ(revocations[0].at("read_back"), true);
  EXPECT_TRUE(revocations[1].at("result_ms").is_null());
  EXPECT_EQ(revocations[1].at("read_back"), false);
  EXPECT_DOUBLE_EQ(j.at("policy").at("max_amplification").get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(reportToJson(Report{}).at("policy").at("max_amplification").get<double>(), 4.0);
}

TEST(JsonReportTest, SummaryGivesMedianAndMaximumTimeToConfirmation) {
  Report r;
  OperationReport op;
  op.label = "revoke-1";
  op.kind = "revoke";
  op.declared_status = "complete";
  for (const auto& [claimed, ms] : std::vector<std::pair<std::string, std::int64_t>>{
           {"confirmed", 300}, {"confirmed", 100}, {"failed", 5000}, {"confirmed", 200}}) {
    RevocationOutcome o;
    o.action_id = "act-" + std::to_string(ms);
    o.action = "deprovision";
    o.account = "u-1";
    o.claimed = claimed;
    o.outcome = claimed == "confirmed" ? "confirmed" : "honest-failure";
    o.result_ms = ms;
    op.revocations.push_back(o);
  }
  RevocationOutcome untimed = op.revocations[0];
  untimed.result_ms.reset();
  op.revocations.push_back(untimed);
  r.operations = {op};
  const std::string summary = renderSummary(r);
  EXPECT_NE(summary.find("    time to confirmation: p50 200 ms, max 300 ms over 3 confirmed "
                         "actions\n"),
            std::string::npos)
      << summary;
  r.operations[0].revocations.resize(2);  // 300 and 100: the lower median is rank ceil(2 / 2)
  EXPECT_NE(renderSummary(r).find("p50 100 ms, max 300 ms over 2 confirmed"), std::string::npos);
  for (auto& o : r.operations[0].revocations) o.result_ms.reset();
  EXPECT_EQ(renderSummary(r).find("time to confirmation"), std::string::npos);
}

// writeFileAtomically.

std::string freshDir(const std::string& name) {
  const auto dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> entriesOf(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AtomicWriteTest, WritesExactBytes) {
  const std::string dir = freshDir("atomic_exact");
  const std::string content("line one\n\0binary\xff\r\nend", 22);
  writeFileAtomically(dir + "/report.json", content);
  EXPECT_EQ(readFile(dir + "/report.json"), content);
  EXPECT_EQ(entriesOf(dir), std::vector<std::string>{"report.json"});
}

TEST(AtomicWriteTest, WritesAnEmptyFile) {
  const std::string dir = freshDir("atomic_empty");
  writeFileAtomically(dir + "/empty.json", "");
  EXPECT_TRUE(fs::exists(dir + "/empty.json"));
  EXPECT_EQ(fs::file_size(dir + "/empty.json"), 0u);
}

TEST(AtomicWriteTest, ReplacesAnExistingLongerFile) {
  const std::string dir = freshDir("atomic_replace");
  const std::string path = dir + "/report.json";
  std::ofstream(path) << std::string(10000, 'o');
  writeFileAtomically(path, "{\"new\":true}\n");
  EXPECT_EQ(readFile(path), "{\"new\":true}\n");
  EXPECT_EQ(entriesOf(dir), std::vector<std::string>{"report.json"});
}

TEST(AtomicWriteTest, LeavesAReadableFileAndNoTemporaryFiles) {
  const std::string dir = freshDir("atomic_no_temp");
  for (int i = 0; i < 5; ++i) writeFileAtomically(dir + "/r.json", std::to_string(i));
  EXPECT_EQ(entriesOf(dir), std::vector<std::string>{"r.json"});
  EXPECT_EQ(readFile(dir + "/r.json"), "4");
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/r.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(AtomicWriteTest, CreatesMissingFolders) {
  const std::string dir = freshDir("atomic_folders");
  writeFileAtomically(dir + "/a/b/c/report.json", "x");
  EXPECT_EQ(readFile(dir + "/a/b/c/report.json"), "x");
}

TEST(AtomicWriteTest, ThrowsNamingThePathWhenTheFolderIsAFile) {
  const std::string dir = freshDir("atomic_folder_is_file");
  std::ofstream(dir + "/blocker") << "a regular file";
  const std::string path = dir + "/blocker/sub/report.json";
  try {
    writeFileAtomically(path, "x");
    FAIL() << "wrote under a regular file";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot create folder: Not a directory");
  }
  EXPECT_EQ(entriesOf(dir), std::vector<std::string>{"blocker"});
}

TEST(AtomicWriteTest, ThrowsNamingThePathAndCleansUpWhenTheTargetIsAFolder) {
  const std::string dir = freshDir("atomic_target_is_folder");
  fs::create_directories(dir + "/report.json/inside");
  const std::string path = dir + "/report.json";
  try {
    writeFileAtomically(path, "x");
    FAIL() << "replaced a folder";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot write report: Is a directory");
  }
  EXPECT_EQ(entriesOf(dir), std::vector<std::string>{"report.json"});
  EXPECT_TRUE(fs::is_directory(dir + "/report.json/inside"));
}

TEST(JsonReportTest, WritesMeasuresOnlyForFindingsThatHaveThem) {
  Report r = sampleReport();
  ASSERT_FALSE(r.findings.empty());
  json j = reportToJson(r);
  EXPECT_FALSE(j.at("findings")[0].contains("measures")) << "nothing measured, nothing written";
  r.findings[0].measures = {{"missing", 150, std::nullopt, "records"},
                            {"amplification", 4.5, 4.0, "ratio"}};
  j = reportToJson(r);
  EXPECT_EQ(j.at("findings")[0].at("measures"),
            json::parse(R"([{"name":"missing","value":150.0,"limit":null,"unit":"records"},)"
                        R"({"name":"amplification","value":4.5,"limit":4.0,"unit":"ratio"}])"));
}

}  // namespace
}  // namespace faultline::reports
