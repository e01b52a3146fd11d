// reports/report.schema.json against what reportToJson emits, checked by
// python3-jsonschema through tests/reports/validate_json.py.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reports/json_report.h"
#include "tests/reports/external_checks.h"
#include "tests/reports/report_fixtures.h"

namespace faultline::reports {
namespace {

using checks::freshTestDir;
using checks::validateJsonReports;
using checks::writeWholeFile;
using nlohmann::json;

std::string writeJson(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name + ".json";
  writeWholeFile(path, text);
  return path;
}

// The failed fixture with an exemption and a policy reason, so that every
// object the writer can emit is present.
json failedJson() {
  Report r = fixtures::failedReport();
  r.policy.reasons = {{"policies/ci <gate>.json", "a merge gate"}};
  r.exemptions = fixtures::exemptedReport().exemptions;
  return json::parse(renderJsonReport(r));
}

TEST(ReportSchemaTest, AcceptsPassedFailedAndInconclusiveReports) {
  const std::string dir = freshTestDir("schema_valid");
  const std::vector<std::string> files = {
      writeJson(dir, "passed", renderJsonReport(fixtures::passedReport())),
      writeJson(dir, "failed", renderJsonReport(fixtures::failedReport())),
      writeJson(dir, "inconclusive", renderJsonReport(fixtures::inconclusiveReport()))};
  const auto result = validateJsonReports(files);
  EXPECT_EQ(result.code, 0) << result.output;
  EXPECT_EQ(result.output, "");
}

TEST(ReportSchemaTest, AcceptsAProcessKilledBySignalWithNullExitCode) {
  Report r = fixtures::passedReport();
  r.operations[0].process.exit_code.reset();
  r.operations[0].process.signal = 9;
  r.seed = 18446744073709551615ull;
  const std::string dir = freshTestDir("schema_signal");
  const auto result = validateJsonReports({writeJson(dir, "signal", renderJsonReport(r))});
  EXPECT_EQ(result.code, 0) << result.output;
}

TEST(ReportSchemaTest, AcceptsATimedConfirmationAndAnyMaxAmplificationFromOne) {
  Report r = fixtures::failedReport();
  ASSERT_FALSE(r.operations.at(1).revocations.empty());
  r.operations[1].revocations[0].result_ms = 0;
  r.operations[1].revocations[0].read_back = true;
  r.operations[1].revocations[0].claimed_before_restart = "confirmed";
  r.policy.max_amplification = 1.0;
  const std::string dir = freshTestDir("schema_timed");
  const auto result = validateJsonReports({writeJson(dir, "timed", renderJsonReport(r))});
  EXPECT_EQ(result.code, 0) << result.output;
}

// Negative controls: each mutation must be rejected, at the right pointer.

struct Mutation {
  std::string name;
  std::string pointer;  // where the validator must complain
  std::string message;  // part of its message
  void (*apply)(json&);
};

void PrintTo(const Mutation& m, std::ostream* os) {
  *os << m.name;
}

class ReportSchemaRejectsTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(ReportSchemaRejectsTest, RejectsMutatedReport) {
  const Mutation& m = GetParam();
  json doc = failedJson();
  m.apply(doc);
  const std::string dir = freshTestDir("schema_reject_" + m.name);
  const std::string file = writeJson(dir, m.name, doc.dump(2));
  const auto result = validateJsonReports({file});
  EXPECT_EQ(result.code, 1) << result.output;
  EXPECT_NE(result.output.find(file + ":" + m.pointer + ": " + m.message), std::string::npos)
      << result.output;
}

INSTANTIATE_TEST_SUITE_P(
    Mutations, ReportSchemaRejectsTest,
    ::testing::Values(
        Mutation{"verdict_maybe", "/verdict",
                 "'maybe' is not one of ['passed', 'failed', 'inconclusive']",
                 [](json& j) { j["verdict"] = "maybe"; }},
        Mutation{"missing_seed", "", "'seed' is a required property",
                 [](json& j) { j.erase("seed"); }},
        Mutation{"extra_field", "",
                 "Additional properties are not allowed ('score' was unexpected)",
                 [](json& j) { j["score"] = 1; }},
        Mutation{"severity_fatal", "/findings/0/severity", "'fatal' is not one of",
                 [](json& j) { j["findings"][0]["severity"] = "fatal"; }},
        Mutation{"claimed_maybe", "/operations/1/revocations/0/claimed", "'maybe' is not one of",
                 [](json& j) { j["operations"][1]["revocations"][0]["claimed"] = "maybe"; }},
        Mutation{"newer_format", "/faultline_report", "1 was expected",
                 [](json& j) { j["faultline_report"] = 2; }},
        Mutation{"negative_seed", "/seed", "-1 is less than the minimum of 0",
                 [](json& j) { j["seed"] = -1; }},
        Mutation{"recall_above_one", "/operations/0/completeness/0/recall",
                 "1.5 is greater than the maximum of 1",
                 [](json& j) { j["operations"][0]["completeness"][0]["recall"] = 1.5; }},
        Mutation{"exit_code_string", "/operations/0/process/exit_code",
                 "'0' is not of type 'integer', 'null'",
                 [](json& j) { j["operations"][0]["process"]["exit_code"] = "0"; }},
        Mutation{"negative_result_ms", "/operations/1/revocations/0/result_ms",
                 "-5 is not valid under any of the given schemas",
                 [](json& j) { j["operations"][1]["revocations"][0]["result_ms"] = -5; }},
        Mutation{"read_back_string", "/operations/1/revocations/0/read_back",
                 "'yes' is not of type 'boolean'",
                 [](json& j) { j["operations"][1]["revocations"][0]["read_back"] = "yes"; }},
        Mutation{"claimed_before_restart_unknown",
                 "/operations/1/revocations/0/claimed_before_restart", "'missing' is not one of",
                 [](json& j) {
                   j["operations"][1]["revocations"][0]["claimed_before_restart"] = "missing";
                 }},
        Mutation{"max_amplification_below_one", "/policy/max_amplification",
                 "0.5 is less than the minimum of 1",
                 [](json& j) { j["policy"]["max_amplification"] = 0.5; }},
        Mutation{"evidence_not_strings", "/findings/1/evidence/journal/0",
                 "1 is not of type 'string'",
                 [](json& j) { j["findings"][1]["evidence"]["journal"][0] = 1; }}),
    [](const ::testing::TestParamInfo<Mutation>& info) { return info.param.name; });

// Every object the writer emits, at its JSON pointer; arrays contribute their
// first element. connector.env, policy.severity and policy.reasons are maps
// whose keys are not fields; identities maps ids to objects with fields.
void collectObjects(const json& j, const std::string& pointer, std::vector<std::string>& out) {
  if (j.is_object()) {
    if (pointer == "/connector/env" || pointer == "/policy/severity" ||
        pointer == "/policy/reasons")
      return;
    if (pointer != "/identities") out.push_back(pointer);
    for (const auto& [key, value] : j.items()) collectObjects(value, pointer + "/" + key, out);
  } else if (j.is_array() && !j.empty()) {
    collectObjects(j[0], pointer + "/0", out);
  }
}

// Fields a later minor version added, which reports written before it lack.
bool optionalField(const std::string& pointer, const std::string& key) {
  if (pointer.empty()) return key == "exemptions" || key == "identities";
  if (pointer == "/policy") return key == "reasons";
  return pointer.rfind("/identities/", 0) == 0 && key == "owner";
}

TEST(ReportSchemaTest, RequiresEveryFieldAndRejectsAnyOtherOnEveryObject) {
  const json doc = failedJson();
  std::vector<std::string> objects;
  collectObjects(doc, "", objects);
  ASSERT_GE(objects.size(), 9u);  // report, scenario, connector, operation, process, ...
  const std::string dir = freshTestDir("schema_every_field");
  std::vector<std::string> files;
  for (const auto& pointer : objects) {
    const json::json_pointer at(pointer);
    for (const auto& [key, value] : doc.at(at).items()) {
      if (optionalField(pointer, key)) continue;
      json copy = doc;
      copy.at(at).erase(key);
      files.push_back(writeJson(dir, "without" + std::to_string(files.size()), copy.dump()));
    }
    json copy = doc;
    copy.at(at)["unexpected"] = true;
    files.push_back(writeJson(dir, "extra" + std::to_string(files.size()), copy.dump()));
  }
  const auto result = validateJsonReports(files);
  EXPECT_EQ(result.code, 1) << result.output;
  for (const auto& f : files) {
    EXPECT_NE(result.output.find(f + ":"), std::string::npos) << f << " was accepted";
  }
}

TEST(ReportSchemaTest, AReportWithoutTheMinorSixFieldsStillValidates) {
  json older = failedJson();
  older.erase("exemptions");
  older.erase("identities");
  older["policy"].erase("reasons");
  older["format_minor"] = 5;
  const std::string dir = freshTestDir("schema_minor5");
  const auto result = validateJsonReports({writeJson(dir, "older", older.dump())});
  EXPECT_EQ(result.code, 0) << result.output;
}

TEST(ReportSchemaTest, RejectsAnExemptionOfAnUnknownRuleAndAnIdentityOfAnUnknownKind) {
  json j = failedJson();
  j["exemptions"][0]["rule"] = "honesty";
  j["identities"]["u-7"]["kind"] = "robot";
  const std::string dir = freshTestDir("schema_minor6_bad");
  const auto result = validateJsonReports({writeJson(dir, "bad", j.dump())});
  EXPECT_EQ(result.code, 1) << result.output;
  EXPECT_NE(result.output.find("/exemptions/0/rule"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("/identities/u-7/kind"), std::string::npos) << result.output;
}

TEST(ReportSchemaTest, MeasuresAreOptionalAndEachOneComplete) {
  Report r = fixtures::failedReport();
  r.findings[0].measures = {{"missing", 150, std::nullopt, "records"},
                            {"amplification", 4.5, 4.0, "ratio"}};
  const json doc = json::parse(renderJsonReport(r));
  const std::string dir = freshTestDir("schema_measures");
  const auto valid = validateJsonReports({writeJson(dir, "measured", doc.dump())});
  EXPECT_EQ(valid.code, 0) << valid.output;
  EXPECT_FALSE(doc.at("findings")[1].contains("measures")) << "absent when none, as before";

  std::vector<std::string> files;
  for (const char* key : {"name", "value", "limit", "unit"}) {
    json copy = doc;
    copy["findings"][0]["measures"][0].erase(key);
    files.push_back(writeJson(dir, std::string("without_") + key, copy.dump()));
  }
  json extra = doc;
  extra["findings"][0]["measures"][1]["unexpected"] = true;
  files.push_back(writeJson(dir, "extra", extra.dump()));
  json text_value = doc;
  text_value["findings"][0]["measures"][0]["value"] = "150";
  files.push_back(writeJson(dir, "text_value", text_value.dump()));
  const auto result = validateJsonReports(files);
  EXPECT_EQ(result.code, 1) << result.output;
  for (const auto& f : files) {
    EXPECT_NE(result.output.find(f + ":/findings/0/measures/"), std::string::npos)
        << f << " was accepted";
  }
}

}  // namespace
}  // namespace faultline::reports
