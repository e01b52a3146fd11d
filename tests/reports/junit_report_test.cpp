#include "reports/junit_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reports/printable_text.h"
#include "tests/reports/external_checks.h"
#include "tests/reports/report_fixtures.h"

namespace faultline::reports {
namespace {

using checks::freshTestDir;
using checks::validateJunitXml;
using checks::writeWholeFile;

// Writes the report's JUnit XML to a fresh folder and returns the file.
std::string writeJunit(const std::string& test, const Report& r) {
  const std::string path = freshTestDir(test) + "/report.junit.xml";
  writeWholeFile(path, renderJunitReport(r));
  return path;
}

// The value of an XPath string expression over `file`, as a parser reads it.
std::string xpath(const std::string& file, const std::string& expression) {
  const auto result = checks::xpathString(file, expression);
  EXPECT_EQ(result.code, 0) << expression << "\n" << result.output;
  // xmllint ends the value with a newline of its own.
  return result.output.empty() ? "" : result.output.substr(0, result.output.size() - 1);
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(JunitReportTest, EveryFixtureIsValidAgainstTheXsd) {
  for (const auto& [name, report] :
       {std::pair{"passed", fixtures::passedReport()},
        std::pair{"failed", fixtures::failedReport()},
        std::pair{"inconclusive", fixtures::inconclusiveReport()}, std::pair{"empty", Report{}}}) {
    const auto result = validateJunitXml(writeJunit(std::string("junit_valid_") + name, report));
    EXPECT_EQ(result.code, 0) << name << "\n" << result.output;
  }
}

TEST(JunitReportTest, CountsFollowTheVerdict) {
  const std::string passed = writeJunit("junit_counts_passed", fixtures::passedReport());
  EXPECT_EQ(xpath(passed, "/testsuites/testsuite/@failures"), "0");
  EXPECT_EQ(xpath(passed, "/testsuites/testsuite/@skipped"), "0");
  EXPECT_EQ(xpath(passed, "/testsuites/testsuite/@errors"), "0");

  const std::string failed = writeJunit("junit_counts_failed", fixtures::failedReport());
  // accounts (loss, phantom), attributes, freshness.lag, protocol, act-3, act-10, process,
  // retry, secrets.
  EXPECT_EQ(xpath(failed, "/testsuites/testsuite/@failures"), "9");
  EXPECT_EQ(xpath(failed, "count(//testcase[failure])"), "9");
  EXPECT_EQ(xpath(failed, "/testsuites/@failures"), "9");

  const std::string inconclusive =
      writeJunit("junit_counts_inconclusive", fixtures::inconclusiveReport());
  EXPECT_EQ(xpath(inconclusive, "/testsuites/testsuite/@failures"), "0");
  EXPECT_EQ(xpath(inconclusive, "/testsuites/testsuite/@skipped"), "1");
  EXPECT_EQ(xpath(inconclusive, "count(//testcase[skipped])"), "1");
}

TEST(JunitReportTest, NamesTheSuiteAfterConnectorAndScenarioWithOneTestCasePerCheck) {
  const std::string file = writeJunit("junit_checks", fixtures::passedReport());
  EXPECT_EQ(xpath(file, "/testsuites/testsuite/@name"), "acme-scim.baseline");
  // sync: 5 types + attributes, references, honesty + 4 process checks;
  // revoke: 2 actions + 4 process checks; 1 fault rule.
  EXPECT_EQ(xpath(file, "/testsuites/testsuite/@tests"), "19");
  EXPECT_EQ(xpath(file, "count(//testcase)"), "19");
  const std::string sync = "acme-scim.baseline.initial-sync";
  for (const std::string name :
       {"completeness.accounts", "completeness.groups", "completeness.entitlements",
        "completeness.grants", "completeness.credentials", "completeness.attributes",
        "completeness.references", "honesty", "process", "protocol", "behaviour.retry_after",
        "behaviour.secret_hygiene"}) {
    EXPECT_EQ(xpath(file, "count(//testcase[@classname='" + sync + "'][@name='" + name + "'])"),
              "1")
        << name;
  }
  EXPECT_EQ(xpath(file, "count(//testcase[@classname='acme-scim.baseline.revoke-1'])"), "6");
  EXPECT_EQ(xpath(file, "count(//testcase[@name='deprovision: u-9'])"), "1");
  EXPECT_EQ(xpath(file,
                  "count(//testcase[@classname='acme-scim.baseline.faults']"
                  "[@name='fault slow-users fired >= 1'][not(*)])"),
            "1");
}

TEST(JunitReportTest, FailureCarriesTheWorstTitleAndDetailAndEvidenceAsText) {
  const std::string file = writeJunit("junit_failure_text", fixtures::failedReport());
  const std::string accounts = "//testcase[@name='completeness.accounts']/failure";
  EXPECT_EQ(xpath(file, accounts + "/@message"), "Declared complete but 3 accounts are missing");
  EXPECT_EQ(xpath(file, accounts + "/@type"), "silent-loss");
  EXPECT_EQ(xpath(file, accounts),
            "[critical] silent-loss: Declared complete but 3 accounts are missing\n"
            "missing account ids: u-3, Zoë Ångström, u-<&>\n"
            "journal:\n"
            "  #2 +20ms GET /scim/v2/Users?startIndex=1&count=10 -> 200 900B tok-1\n"
            "  #3 +41ms GET /scim/v2/Users?startIndex=11&count=10 -> 500 31B tok-1\n"
            "connector output:\n"
            "  stdout:39: {\"type\":\"status\",\"status\":\"complete\"}\n"
            "\n"
            "[error] phantom-records: 1 account returned that the target never held\n"
            "phantom ids: u-\"ghost\"\n");
  // A quoted line stays one line, whatever it held.
  EXPECT_EQ(xpath(file, "//testcase[@name='protocol']/failure"),
            "[error] protocol-violation: The connector's output broke the contract\n"
            "1 line broke connector protocol v1\n"
            "connector output:\n"
            "  stdout:17: not JSON | <html>\\r\\n\uFFFD</html>\n");
}

TEST(JunitReportTest, EveryFindingLandsInExactlyOneTestCase) {
  const Report r = fixtures::failedReport();
  const std::string xml = renderJunitReport(r);
  for (const auto& f : r.findings) {
    EXPECT_EQ(occurrences(xml, std::string("[") + severityName(f.severity) + "] " + f.id + ": "),
              1u)
        << f.id;
  }
}

TEST(JunitReportTest, RevocationFindingsFailTheirOwnAction) {
  const std::string file = writeJunit("junit_revocations", fixtures::failedReport());
  // Test cases say what was revoked from whom, by name. act-1 and act-10 are
  // both remove_membership: each finding lands on its own action.
  const std::string act = "//testcase[@name='revoke group membership: ";
  EXPECT_EQ(xpath(file, act + "alice@example.com from Engineering']/failure/@type"), "");
  EXPECT_NE(
      xpath(file, act + "alice@example.com from Engineering']/system-out").find("false-alarm"),
      std::string::npos);
  EXPECT_EQ(xpath(file, act + "svc-backup from Admins']/failure/@type"), "revocation-failed");
  EXPECT_EQ(xpath(file,
                  "//testcase[starts-with(@name, 'revoke entitlement: bob@example.com from "
                  "Admin <Console>')]/failure/@type"),
            "false-confirmation");
  EXPECT_EQ(xpath(file, "count(//testcase[@name='deprovision: dave@example.com']/*)"), "0");
  // No test case is named by raw ids when the report has names.
  EXPECT_EQ(xpath(file, "count(//testcase[contains(@name, 'u-7')])"), "0");
}

TEST(JunitReportTest, AFindingNoCheckClaimsGetsACheckNamedAfterItsMetric) {
  Report r = fixtures::failedReport();
  r.findings.push_back(fixtures::finding("harness-note", Severity::Error, "", "",
                                         "A drill-level finding", "no operation, no metric"));
  const std::string file = writeJunit("junit_stray", r);
  EXPECT_EQ(xpath(file, "//testcase[@name='behaviour.writes']/@classname"),
            "Zoë Ångström's connector.schema \"drift\" <&> | `edge`.initial-sync");
  EXPECT_NE(xpath(file, "//testcase[@name='behaviour.writes']/system-out")
                .find("[warning] duplicate-write: 2 writes answered 2xx more than once"),
            std::string::npos);
  EXPECT_EQ(xpath(file, "//testcase[@name='findings']/@classname"),
            "Zoë Ångström's connector.schema \"drift\" <&> | `edge`.drill");
  EXPECT_EQ(xpath(file, "//testcase[@name='findings']/failure/@message"), "A drill-level finding");
}

TEST(JunitReportTest, AFaultThatFiredTooRarelyIsSkippedWithTheReason) {
  const std::string file = writeJunit("junit_skipped", fixtures::inconclusiveReport());
  EXPECT_EQ(xpath(file, "//testcase[@name='fault burst-429 fired >= 2']/skipped/@message"),
            "fault burst-429 (rate_limit) fired 0 times; 2 required, so the drill proves "
            "nothing about it");
  EXPECT_EQ(xpath(file, "//testcase[@name='fault burst-429 fired >= 2']/@classname"),
            "acme-scim.rate-limits.faults");
  EXPECT_NE(xpath(file, "//testcase[@name='fault burst-429 fired >= 2']/system-out")
                .find("[warning] fault-not-fired: Fault burst-429 (rate_limit) fired 0 times"),
            std::string::npos);
  EXPECT_EQ(xpath(file, "count(//testcase[@name='fault slow-page fired >= 1']/*)"), "0");
}

TEST(JunitReportTest, WritesTimesInSecondsAndTheSuiteTimestamp) {
  const std::string file = writeJunit("junit_times", fixtures::passedReport());
  EXPECT_EQ(xpath(file, "/testsuites/@time"), "4.321");
  EXPECT_EQ(xpath(file, "/testsuites/testsuite/@time"), "4.321");
  EXPECT_EQ(xpath(file, "/testsuites/testsuite/@timestamp"), "2026-03-14T09:26:53Z");
  // Each action takes the time from the result before it to its own; the
  // process check the rest of the operation's 0.800 s.
  const std::string revoke = "//testcase[@classname='acme-scim.baseline.revoke-1']";
  EXPECT_EQ(xpath(file, revoke + "[@name='revoke group membership: u-7 from g-2']/@time"), "0.212");
  EXPECT_EQ(xpath(file, revoke + "[@name='deprovision: u-9']/@time"), "0.176");
  EXPECT_EQ(xpath(file, revoke + "[@name='process']/@time"), "0.412");
  EXPECT_EQ(xpath(file, "sum(" + revoke + "/@time)"), "0.8");
  EXPECT_EQ(xpath(file, "//testcase[@name='completeness.accounts']/@time"), "0.000");
}

TEST(JunitReportTest, TwoActionsOnTheSamePeopleAreToldApartByTheirIds) {
  Report r = fixtures::passedReport();
  r.operations[1].revocations[1] = r.operations[1].revocations[0];
  r.operations[1].revocations[1].action_id = "act-9";
  const std::string file = writeJunit("junit_same_people", r);
  EXPECT_EQ(xpath(file, "count(//testcase[@name='revoke group membership: u-7 from g-2 [act-1]'])"),
            "1");
  EXPECT_EQ(xpath(file, "count(//testcase[@name='revoke group membership: u-7 from g-2 [act-9]'])"),
            "1");
}

TEST(JunitReportTest, AnExemptedPassSaysSoInItsPropertiesAndOutput) {
  const std::string file = writeJunit("junit_exempted", fixtures::exemptedReport());
  const std::string banner =
      "passed with exemptions: honest partial accepted for schema-drift — no connector can map a "
      "field renamed without notice";
  EXPECT_EQ(xpath(file, "//property[@name='faultline.exemptions']/@value"), banner);
  EXPECT_NE(xpath(file, "/testsuites/testsuite/system-out").find(banner + "\n"), std::string::npos);
  EXPECT_NE(xpath(file, "//property[@name='faultline.policy']/@value")
                .find("; reason of scenario schema-drift: no connector can map a field renamed "
                      "without notice"),
            std::string::npos);
  const std::string passed = writeJunit("junit_not_exempted", fixtures::passedReport());
  EXPECT_EQ(xpath(passed, "//property[@name='faultline.exemptions']/@value"), "");
}

TEST(JunitReportTest, RecordsSeedVerdictAndReplayAsProperties) {
  const std::string file = writeJunit("junit_properties", fixtures::passedReport());
  const std::string property = "/testsuites/testsuite/properties/property[@name='faultline.";
  EXPECT_EQ(xpath(file, property + "seed']/@value"), "7");
  EXPECT_EQ(xpath(file, property + "verdict']/@value"), "passed");
  EXPECT_EQ(xpath(file, property + "replay_command']/@value"),
            "faultline run --connector connectors/acme/manifest.json --scenario "
            "scenarios/baseline.json --seed 7");
}

// Text must reach a reader as written: escaped markup and quotes, tab and
// newline kept inside attributes, characters XML cannot carry replaced.
TEST(JunitReportTest, EscapesMarkupQuotesAndControlCharacters) {
  Report r = fixtures::passedReport();
  r.findings[0].severity = Severity::Error;
  r.findings[0].title = "a \"b\" <c> & 'd'\ttab\r\nline\x01\x1b[0m\x7f bad\xff Zoë Ångström 🚀";
  const std::string xml = renderJunitReport(r);
  for (const char control : {'\x01', '\x1b', '\x7f'})
    EXPECT_EQ(xml.find(control), std::string::npos) << int(control);
  EXPECT_EQ(printableUtf8(xml), xml) << "not valid, showable UTF-8";
  const std::string file = freshTestDir("junit_escaping") + "/report.junit.xml";
  writeWholeFile(file, xml);
  const auto valid = validateJunitXml(file);
  EXPECT_EQ(valid.code, 0) << valid.output;
  EXPECT_EQ(xpath(file, "//testcase[@name='completeness.groups']/failure/@message"),
            "a \"b\" <c> & 'd'\ttab\r\nline\uFFFD\uFFFD[0m\uFFFD bad\uFFFD Zoë Ångström 🚀");
}

TEST(JunitReportTest, AProcessFailureSaysTheConnectorWasRestarted) {
  Report r = fixtures::failedReport();
  r.operations[0].restarts = 2;
  r.findings.push_back(fixtures::finding("connector-crashed", Severity::Error, "process",
                                         r.operations[0].label, "died", ""));
  const std::string file = writeJunit("junit_restarts", r);
  EXPECT_NE(xpath(file, "(//testcase[@name='process'])[1]/failure")
                .find("killed by a fault and restarted 2 times; the last run is scored"),
            std::string::npos);
}

TEST(JunitReportTest, ARevocationSaysWhatAKilledRunClaimed) {
  Report r = fixtures::failedReport();
  r.operations[1].revocations[3].claimed_before_restart = "confirmed";
  r.operations[1].restarts = 1;
  const std::string file = writeJunit("junit_killed_claim", r);
  EXPECT_NE(
      xpath(file, "//testcase[@name='revoke group membership: svc-backup from Admins']/failure")
          .find("claimed failed (before a restart: confirmed); outcome honest-failure"),
      std::string::npos);
}

TEST(JunitReportTest, PropertiesCarryTheFailureClassesAndThePolicy) {
  const std::string file = writeJunit("junit_classes", fixtures::failedReport());
  const std::string property = "/testsuites/testsuite/properties/property[@name='faultline.";
  EXPECT_EQ(xpath(file, property + "failure_classes']/@value"),
            "partial-success,stale-data,write-failure,authentication-failure,unsafe-behaviour,"
            "credential-exposure,connector-fault");
  EXPECT_EQ(xpath(file, property + "policy']/@value"),
            "built-in + scenario schema \"drift\" <&> | `edge` + policies/ci <gate>.json: "
            "honest_partial fail, inconclusive fail, min_recall 0.990, min_precision 1.000, "
            "max_retry_after_violations 1, max_amplification 4.000, severity duplicate-write -> "
            "warning, "
            "needless-partial -> info");
  EXPECT_NE(xpath(file, "/testsuites/testsuite/system-out")
                .find("broken: partial-success, stale-data, write-failure, "),
            std::string::npos);
  const std::string passed = writeJunit("junit_classes_passed", fixtures::passedReport());
  EXPECT_EQ(xpath(passed, property + "failure_classes']/@value"), "");
  EXPECT_EQ(xpath(passed, "contains(/testsuites/testsuite/system-out, 'broken:')"), "false");
}

TEST(JunitReportTest, FreshnessChecksExistOnlyWithATimeline) {
  const std::string failed = writeJunit("junit_freshness_checks", fixtures::failedReport());
  for (const char* name : {"freshness.lag", "freshness.honesty", "freshness.leavers"}) {
    EXPECT_EQ(xpath(failed, std::string("count(//testcase[@name='") + name +
                                "'][contains(@classname, '`edge`.initial-sync')])"),
              "1")
        << name;
  }
  const std::string passed = writeJunit("junit_freshness_none", fixtures::passedReport());
  EXPECT_EQ(xpath(passed, "count(//testcase[starts-with(@name, 'freshness.')])"), "0");
}

// A finding of round 3 fails its sync's check, says which round, and the
// failure carries every event's lag.
TEST(JunitReportTest, AFreshnessFailureCarriesItsRoundAndTheTimelineFacts) {
  const std::string file = writeJunit("junit_freshness_facts", fixtures::failedReport());
  EXPECT_EQ(xpath(file, "count(//testcase[contains(@classname, '`edge`.drill')])"), "0");
  EXPECT_EQ(xpath(file, "//testcase[@name='freshness.lag']/failure"),
            "[error] stale-data: The output never reflected timeline event 2 (leaver)\n"
            "in initial-sync round 3\n"
            "u-9 disabled, key-9a deactivated; a later round declared complete without "
            "showing it\n"
            "\n"
            "timeline:\n"
            "  event 1 (joiner) u-41: reflected in drill round 2, 0 rounds late, lag 0.450 s\n"
            "  event 2 (leaver) u-9, key-9a: never reflected\n"
            "  event 3 (grant) u-5, e-admin: reflected in drill round 2, 0 rounds late, lag "
            "0.000 s\n"
            "  event 4 (rotate_key) u-\"x\" <&>: not applied: its request never came\n"
            "  event 5 (mover) u-12, g-1, g-2: reflected in drill round 3, 1 round late, lag "
            "1.250 s\n"
            "lag p50 0.450 s, p95 1.250 s, max 1.250 s; 1 never reflected; 3 stale records "
            "at the end\n");
}

TEST(JunitReportTest, AnHonestyFailureCarriesEachRoundsDeclarationAndStaleRecords) {
  Report r = fixtures::failedReport();
  r.findings.push_back(fixtures::finding("stale-unannounced", Severity::Critical,
                                         "freshness.honesty", "initial-sync round 3",
                                         "Declared complete without stale_since", "mover"));
  const std::string file = writeJunit("junit_freshness_rounds", r);
  const std::string text = xpath(file, "//testcase[@name='freshness.honesty']/failure");
  EXPECT_NE(text.find("rounds:\n"
                      "  round 1 (drill round 1): declared complete, stale_since not given, 0 "
                      "stale records, lowest recall 1.000, 4 requests, 0.480 s\n"
                      "  round 2 (drill round 2): declared partial (Groups | <throttled>), "
                      "stale_since 2026-03-14T09:26:53Z, 2 stale records, lowest recall 1.000, "
                      "4 requests, 0.480 s\n"
                      "  round 3 (drill round 3): declared complete, stale_since not given, 3 "
                      "stale records, lowest recall 0.925, 4 requests, 0.480 s\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("timeline:"), std::string::npos) << "events belong to freshness.lag";
}

TEST(JunitReportTest, ARevocationFailureCarriesWhatRemainsTheTimeAndTheReadBack) {
  const std::string file = writeJunit("junit_revocation_facts", fixtures::failedReport());
  const std::string act3 =
      "//testcase[starts-with(@name, 'revoke entitlement: bob@example.com from Admin')]";
  EXPECT_EQ(xpath(file, act3 + "/failure"),
            "[critical] false-confirmation: remove_entitlement act-3 confirmed but access "
            "remains\n"
            "u-11 / e-admin: 204 No Content\n"
            "journal:\n"
            "  #19 +1650ms PATCH /scim/v2/Users/u-11 -> 204 0B tok-2\n"
            "connector output:\n"
            "  stdout:1: {\"type\":\"result\",\"id\":\"act-3\",\"outcome\":\"confirmed\"}\n"
            "\n"
            "action act-3: remove_entitlement u-11 e-admin\n"
            "claimed confirmed; outcome false-confirmation; access remains: held directly "
            "(came back after the connector finished) (gone when the connector exited); "
            "result after 1042 ms; read back before the result: no\n");
  // Only a warning: the facts go with the notes.
  EXPECT_NE(xpath(file,
                  "//testcase[@name='revoke group membership: alice@example.com from "
                  "Engineering']/system-out")
                .find("claimed failed; outcome false-alarm; access gone; result after 512 ms"),
            std::string::npos);
  // A passing action stays an empty test case.
  EXPECT_EQ(xpath(file, "count(//testcase[@name='deprovision: dave@example.com']/*)"), "0");
  Report r = fixtures::failedReport();
  r.operations[1].revocations[2].result_ms.reset();
  r.operations[1].revocations[2].read_back = true;
  const std::string unreported = writeJunit("junit_revocation_no_result", r);
  EXPECT_NE(xpath(unreported, act3 + "/failure")
                .find("; result never printed; read back before the result: yes\n"),
            std::string::npos);
}

TEST(JunitReportTest, FailureTextSaysWhatThePolicyDidAndHowTheOperationEnded) {
  Report r = fixtures::failedReport();
  r.findings[1].policy = "recall 0.925 below min_recall 0.990: not softened";
  const std::string file = writeJunit("junit_policy_text", r);
  EXPECT_NE(xpath(file, "//testcase[@name='completeness.accounts']/failure")
                .find("missing account ids: u-3, Zoë Ångström, u-<&>\n"
                      "policy: recall 0.925 below min_recall 0.990: not softened\n"),
            std::string::npos);
  const std::string process =
      xpath(file, "//testcase[contains(@classname, '`edge`.revoke-1')][@name='process']/failure");
  EXPECT_NE(process.find("exit code 3\n"
                         "connector output:\n"),
            std::string::npos)
      << process;
  EXPECT_NE(process.find("\nended refused: last API answer 401 to PATCH /scim/v2/Users/u-12\n"),
            std::string::npos)
      << process;
}

// Negative controls: the XSD is strict enough to reject broken documents.
struct BadXml {
  std::string name;
  std::string document;
};

void PrintTo(const BadXml& b, std::ostream* os) {
  *os << b.name;
}

const std::string kHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>";
const std::string kSuite = "<testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\">";
const std::string kTail = "</testsuite></testsuites>\n";

TEST(JunitXsdTest, AcceptsAMinimalDocument) {
  const std::string file = freshTestDir("junit_xsd_minimal") + "/ok.xml";
  writeWholeFile(file, kHead + kSuite + "<testcase classname=\"c\" name=\"n\"/>" + kTail);
  const auto result = validateJunitXml(file);
  EXPECT_EQ(result.code, 0) << result.output;
}

class JunitXsdRejectsTest : public ::testing::TestWithParam<BadXml> {};

TEST_P(JunitXsdRejectsTest, RejectsInvalidDocument) {
  const std::string file = freshTestDir("junit_xsd_" + GetParam().name) + "/bad.xml";
  writeWholeFile(file, GetParam().document);
  const auto result = validateJunitXml(file);
  EXPECT_NE(result.code, 0) << result.output;
  EXPECT_EQ(result.output.find(" validates\n"), std::string::npos) << result.output;
  // Rejected by the schema or the parser, not because the schema is broken.
  EXPECT_EQ(result.output.find("WXS schema"), std::string::npos) << result.output;
}

INSTANTIATE_TEST_SUITE_P(
    Documents, JunitXsdRejectsTest,
    ::testing::Values(
        BadXml{"testcase_without_name", kHead + kSuite + "<testcase classname=\"c\"/>" + kTail},
        BadXml{"negative_count", kHead +
                                     "<testsuite name=\"s\" tests=\"-1\" failures=\"0\" "
                                     "errors=\"0\"><testcase classname=\"c\" name=\"n\"/>" +
                                     kTail},
        BadXml{"suite_without_counts", kHead + "<testsuite name=\"s\">" + kTail},
        BadXml{"failure_and_skipped", kHead + kSuite +
                                          "<testcase classname=\"c\" name=\"n\"><failure/>"
                                          "<skipped/></testcase>" +
                                          kTail},
        BadXml{"unknown_element",
               kHead + kSuite + "<testcase classname=\"c\" name=\"n\"><oops/></testcase>" + kTail},
        BadXml{"time_not_a_number",
               kHead + kSuite + "<testcase classname=\"c\" name=\"n\" time=\"1,5\"/>" + kTail},
        BadXml{"unescaped_ampersand",
               kHead + kSuite + "<testcase classname=\"c\" name=\"a & b\"/>" + kTail},
        BadXml{"wrong_root",
               "<?xml version=\"1.0\"?>\n<testsuite name=\"s\" tests=\"0\" "
               "failures=\"0\" errors=\"0\"/>\n"}),
    [](const ::testing::TestParamInfo<BadXml>& info) { return info.param.name; });

}  // namespace
}  // namespace faultline::reports
