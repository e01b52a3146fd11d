// docs/schemas/*.schema.json and `faultline validate` must agree: every
// shipped scenario, manifest, policy and suite is valid under both, and every
// broken variant below (wrong type, unknown key, out-of-range value, missing
// required field, bad choice, for each kind of file, plus one per parameter of
// every fault kind, derived from its row) is refused by both, at related JSON
// pointers. The schema side runs python3-jsonschema through
// tests/reports/validate_json.py, once per schema for all files.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/fault_kinds.h"
#include "tests/harness/cli_run.h"
#include "tests/reports/external_checks.h"

namespace faultline::scenarios {
namespace {

namespace fs = std::filesystem;
namespace checks = reports::checks;
using nlohmann::json;
using Type = FaultParam::Type;

const std::string kSource = FAULTLINE_SOURCE_DIR;

json readJson(const std::string& relative) {
  std::ifstream in(kSource + "/" + relative);
  return json::parse(in);
}

// One file's verdicts: the JSON pointers each side complained at.
struct Verdicts {
  std::vector<std::string> loader;  // empty when faultline validate accepted it
  std::vector<std::string> schema;  // empty when the schema accepted it
  std::string loader_text, schema_text;
};

// "FILE:/p: message" or "FILE: message" lines about `file`, as pointers.
std::vector<std::string> pointersFor(const std::string& file, const std::string& output,
                                     std::string& text) {
  std::vector<std::string> out;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(file + ":", 0) != 0) continue;
    text += line + "\n";
    const std::string rest = line.substr(file.size() + 1);
    out.push_back(rest.rfind('/', 0) == 0 ? rest.substr(0, rest.find(": ")) : "");
  }
  return out;
}

// Runs faultline validate on each file and the schema of its kind on all of
// them at once (python starts once per schema, not once per file).
std::map<std::string, Verdicts> judge(const std::map<std::string, std::string>& kind_of) {
  std::map<std::string, Verdicts> out;
  std::map<std::string, std::vector<std::string>> by_kind;
  for (const auto& [file, kind] : kind_of) {
    by_kind[kind].push_back(file);
    const auto run = harness::testing::cli({"validate", file});
    Verdicts& v = out[file];
    if (run.code != 0) v.loader = pointersFor(file, run.err, v.loader_text);
    if (run.code != 0 && v.loader.empty()) v.loader = {"(exit " + std::to_string(run.code) + ")"};
  }
  for (const auto& [kind, files] : by_kind) {
    std::string command = checks::shellQuote(checks::pythonWithJsonschema()) + " " +
                          checks::shellQuote(kSource + "/tests/reports/validate_json.py") + " " +
                          checks::shellQuote(kSource + "/docs/schemas/" + kind + ".schema.json");
    for (const auto& f : files) command += " " + checks::shellQuote(f);
    const auto result = checks::runCommand(command);
    EXPECT_LE(result.code, 1) << result.output;
    for (const auto& f : files) out[f].schema = pointersFor(f, result.output, out[f].schema_text);
  }
  return out;
}

bool related(const std::string& a, const std::string& b) {
  auto under = [](const std::string& inner, const std::string& outer) {
    return inner.rfind(outer, 0) == 0 &&
           (inner.size() == outer.size() || inner[outer.size()] == '/');
  };
  return under(a, b) || under(b, a);
}

// Both sides refused, and some complaint of one sits at or under some
// complaint of the other: they found the same mistake, not two different ones.
::testing::AssertionResult bothRefuse(const Verdicts& v) {
  if (v.loader.empty() || v.schema.empty()) {
    return ::testing::AssertionFailure()
           << "faultline validate " << (v.loader.empty() ? "accepted" : "refused")
           << ", the schema " << (v.schema.empty() ? "accepted" : "refused") << "\n"
           << v.loader_text << v.schema_text;
  }
  for (const auto& l : v.loader) {
    for (const auto& s : v.schema) {
      if (related(l, s)) return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "they refuse at unrelated pointers\n"
                                       << v.loader_text << v.schema_text;
}

::testing::AssertionResult bothAccept(const Verdicts& v) {
  if (v.loader.empty() && v.schema.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << v.loader_text << v.schema_text;
}

TEST(SchemaAgreementTest, EveryShippedFileIsValidUnderBoth) {
  ASSERT_FALSE(checks::pythonWithJsonschema().empty())
      << "no python3 with the jsonschema module; install python3-jsonschema (setup.sh)";
  std::map<std::string, std::string> kind_of;
  auto add = [&](const fs::path& folder, const std::string& kind) {
    for (const auto& entry : fs::directory_iterator(kSource + "/" + folder.string())) {
      if (entry.path().extension() == ".json") kind_of[entry.path().string()] = kind;
    }
  };
  add("scenarios", "scenario");
  add("tests/fixtures/connectors", "manifest");
  add("examples/policies", "policy");
  add("examples/suites", "suite");
  kind_of[kSource + "/tests/fixtures/sync_once.json"] = "scenario";
  kind_of[kSource + "/bench/mock_throughput_scenario.json"] = "scenario";
  kind_of[kSource + "/examples/connectors/reference/manifest.json"] = "manifest";
  ASSERT_GE(kind_of.size(), 60u);
  for (const auto& [file, v] : judge(kind_of)) EXPECT_TRUE(bothAccept(v)) << file;
}

// A change to one place in a document: set a value, or remove the key.
struct Edit {
  std::string pointer;
  std::optional<json> value;  // nullopt: remove
};

struct Mutant {
  std::string name;
  std::string kind;
  json doc;
};

json edited(json doc, const std::vector<Edit>& edits) {
  for (const auto& e : edits) {
    const json::json_pointer p(e.pointer);
    if (e.value) {
      doc[p] = *e.value;
    } else {
      doc.at(p.parent_pointer()).erase(p.back());
    }
  }
  return doc;
}

// The bases are shipped files, made to stand in a test folder: paths made
// absolute, so that faultline validate judges the mutation and nothing else.
json baseScenario() {
  return readJson("scenarios/freshness.json");
}

json baseManifest() {
  json m = readJson("examples/connectors/reference/manifest.json");
  m["command"] = kSource + "/examples/connectors/reference/connector.py";
  return m;
}

json basePolicy() {
  return readJson("examples/policies/ci-gate.json");
}

json baseSuite() {
  json s = readJson("examples/suites/ci-gate.json");
  s["connectors"] = {kSource + "/examples/connectors/reference/manifest.json"};
  s["scenario_dir"] = kSource + "/scenarios";
  s["policy"] = kSource + "/examples/policies/ci-gate.json";
  return s;
}

// A scenario that revokes as well as syncs, for the operation mutants.
json revokingScenario() {
  return json::parse(R"({"faultline_scenario": 1, "name": "revoking",
      "operations": [{"op": "sync"}, {"op": "revoke", "deprovision": 1}]})");
}

std::vector<Mutant> handWrittenMutants() {
  struct Row {
    const char* name;
    const char* kind;
    std::vector<Edit> edits;
  };
  const json j50 = 50;
  const std::vector<Row> rows = {
      // scenario
      {"scenario-name-wrong-type", "scenario", {{"/name", j50}}},
      {"scenario-name-unsafe", "scenario", {{"/name", "two words"}}},
      {"scenario-schema-not-a-string", "scenario", {{"/$schema", 7}}},
      {"scenario-newer-version", "scenario", {{"/faultline_scenario", 2}}},
      {"scenario-unknown-top-key", "scenario", {{"/colour", "red"}}},
      {"scenario-tenant-unknown-key", "scenario", {{"/tenant/colour", "red"}}},
      {"scenario-tenant-share-above-one", "scenario", {{"/tenant/nhi_share", 1.5}}},
      {"scenario-tenant-accounts-zero", "scenario", {{"/tenant/accounts", 0}}},
      {"scenario-target-page-size-string", "scenario", {{"/target/max_page_size", "50"}}},
      {"scenario-target-bad-dialect", "scenario", {{"/target/dialect", "ldap"}}},
      {"scenario-seed-negative", "scenario", {{"/seed", -1}}},
      {"scenario-missing-operations", "scenario", {{"/operations", std::nullopt}}},
      {"scenario-missing-name", "scenario", {{"/name", std::nullopt}}},
      {"scenario-no-operations", "scenario", {{"/operations", json::array()}}},
      {"scenario-bad-op", "scenario", {{"/operations/0/op", "resync"}}},
      {"scenario-op-missing", "scenario", {{"/operations/0/op", std::nullopt}}},
      {"scenario-rounds-zero", "scenario", {{"/operations/0/rounds", 0}}},
      {"scenario-sync-with-revoke-count", "scenario", {{"/operations/0/deprovision", 1}}},
      {"scenario-fault-unknown-kind", "scenario", {{"/faults/0/kind", "server_eror"}}},
      {"scenario-fault-missing-id", "scenario", {{"/faults/0/id", std::nullopt}}},
      {"scenario-fault-other-kinds-param", "scenario", {{"/faults/0/drop", 1}}},
      {"scenario-fault-bad-status", "scenario", {{"/faults/0/status", 418}}},
      {"scenario-fault-min-fires-negative", "scenario", {{"/faults/0/min_fires", -1}}},
      {"scenario-fault-max-fires-below-minus-one", "scenario", {{"/faults/0/max_fires", -2}}},
      {"scenario-match-bad-method", "scenario", {{"/faults/0/match/methods/0", "FETCH"}}},
      {"scenario-match-bad-resource", "scenario", {{"/faults/0/match/resource", "Roles"}}},
      {"scenario-match-probability-two", "scenario", {{"/faults/0/match/probability", 2}}},
      {"scenario-match-unknown-key", "scenario", {{"/faults/0/match/pages", 1}}},
      {"scenario-match-range-unknown-key", "scenario", {{"/faults/0/match/operation/until", 3}}},
      {"scenario-match-range-from-zero", "scenario", {{"/faults/0/match/operation/from", 0}}},
      {"scenario-match-window-negative",
       "scenario",
       {{"/faults/0/match/window_ms", json::parse(R"({"from": -5})")}}},
      {"scenario-timeline-bad-event", "scenario", {{"/timeline/2/event", "promoter"}}},
      {"scenario-timeline-no-placement",
       "scenario",
       {{"/timeline/2/before_operation", std::nullopt}}},
      {"scenario-timeline-two-placements", "scenario", {{"/timeline/2/at_request", 5}}},
      {"scenario-timeline-other-kinds-param", "scenario", {{"/timeline/1/groups", 2}}},
      {"scenario-timeline-groups-above-64", "scenario", {{"/timeline/0/groups", 65}}},
      {"scenario-timeline-leaver-races",
       "scenario",
       {{"/timeline/1/before_operation", std::nullopt}, {"/timeline/1/race_operation", 1}}},
      {"scenario-timeline-privileged-string", "scenario", {{"/timeline/1/privileged", "yes"}}},
      {"scenario-acceptance-bad-choice", "scenario", {{"/acceptance/honest_partial", "maybe"}}},
      {"scenario-acceptance-unknown-finding",
       "scenario",
       {{"/acceptance/severity", json::parse(R"({"silent-losses": "info"})")}}},
      {"scenario-acceptance-bad-level",
       "scenario",
       {{"/acceptance/severity", json::parse(R"({"silent-loss": "fatal"})")}}},
      {"scenario-acceptance-amplification-below-one",
       "scenario",
       {{"/acceptance/max_amplification", 0.5}}},
      {"scenario-acceptance-unknown-key", "scenario", {{"/acceptance/faultline_policy", 1}}},
      // manifest
      {"manifest-name-wrong-type", "manifest", {{"/name", 5}}},
      {"manifest-schema-not-a-string", "manifest", {{"/$schema", false}}},
      {"manifest-newer-version", "manifest", {{"/faultline_manifest", 2}}},
      {"manifest-unknown-key", "manifest", {{"/colour", "red"}}},
      {"manifest-timeout-zero", "manifest", {{"/timeout_seconds", 0}}},
      {"manifest-timeout-above-a-day", "manifest", {{"/timeout_seconds", 86401}}},
      {"manifest-stdout-above-limit", "manifest", {{"/max_stdout_mib", 4097}}},
      {"manifest-missing-command", "manifest", {{"/command", std::nullopt}}},
      {"manifest-missing-name", "manifest", {{"/name", std::nullopt}}},
      {"manifest-missing-operations", "manifest", {{"/operations", std::nullopt}}},
      {"manifest-empty-command", "manifest", {{"/command", ""}}},
      {"manifest-bad-operation", "manifest", {{"/operations/1", "delete"}}},
      {"manifest-no-operations", "manifest", {{"/operations", json::array()}}},
      {"manifest-bad-dialect", "manifest", {{"/dialect", "ldap"}}},
      {"manifest-args-not-array", "manifest", {{"/args", "{operation}"}}},
      {"manifest-arg-not-string", "manifest", {{"/args/0", 1}}},
      {"manifest-arg-unknown-placeholder", "manifest", {{"/args/0", "{opperation}"}}},
      {"manifest-arg-lone-brace", "manifest", {{"/args/0", "a}b"}}},
      {"manifest-arg-unterminated", "manifest", {{"/args/0", "{operation"}}},
      {"manifest-env-bad-name", "manifest", {{"/env/1BAD", "x"}}},
      {"manifest-env-not-string", "manifest", {{"/env/PAGE_SIZE", 100}}},
      {"manifest-env-bad-placeholder", "manifest", {{"/env/TOKEN_URL", "{token}"}}},
      // policy
      {"policy-schema-not-a-string", "policy", {{"/$schema", 1}}},
      {"policy-newer-version", "policy", {{"/faultline_policy", 2}}},
      {"policy-missing-version", "policy", {{"/faultline_policy", std::nullopt}}},
      {"policy-unknown-key", "policy", {{"/colour", "red"}}},
      {"policy-recall-above-one", "policy", {{"/min_recall", 1.5}}},
      {"policy-recall-string", "policy", {{"/min_recall", "high"}}},
      {"policy-precision-negative", "policy", {{"/min_precision", -0.1}}},
      {"policy-bad-honest-partial", "policy", {{"/honest_partial", "maybe"}}},
      {"policy-bad-inconclusive", "policy", {{"/inconclusive", true}}},
      {"policy-violations-negative", "policy", {{"/max_retry_after_violations", -1}}},
      {"policy-violations-fraction", "policy", {{"/max_retry_after_violations", 1.5}}},
      {"policy-amplification-above-limit", "policy", {{"/max_amplification", 1001}}},
      {"policy-unknown-finding", "policy", {{"/severity/duplicate-record", "error"}}},
      {"policy-bad-level", "policy", {{"/severity/duplicate-records", "fatal"}}},
      {"policy-scenarios-not-object", "policy", {{"/scenarios", json::array()}}},
      {"policy-entry-not-object", "policy", {{"/scenarios/lost-scope", "accept"}}},
      {"policy-entry-unknown-key", "policy", {{"/scenarios/lost-scope/colour", 1}}},
      {"policy-entry-nested-scenarios",
       "policy",
       {{"/scenarios/lost-scope/scenarios", json::object()}}},
      {"policy-entry-bad-choice", "policy", {{"/scenarios/lost-scope/honest_partial", "yes"}}},
      // suite
      {"suite-schema-not-a-string", "suite", {{"/$schema", json::object()}}},
      {"suite-newer-version", "suite", {{"/faultline_suite", 2}}},
      {"suite-unknown-key", "suite", {{"/colour", "red"}}},
      {"suite-name-wrong-type", "suite", {{"/name", 5}}},
      {"suite-description-wrong-type", "suite", {{"/description", json::array()}}},
      {"suite-missing-name", "suite", {{"/name", std::nullopt}}},
      {"suite-missing-connectors", "suite", {{"/connectors", std::nullopt}}},
      {"suite-missing-scenarios", "suite", {{"/scenarios", std::nullopt}}},
      {"suite-no-connectors", "suite", {{"/connectors", json::array()}}},
      {"suite-connector-not-string", "suite", {{"/connectors/0", 1}}},
      {"suite-no-scenarios", "suite", {{"/scenarios", json::array()}}},
      {"suite-empty-scenario", "suite", {{"/scenarios/0", ""}}},
      {"suite-seed-count-zero", "suite", {{"/seeds", 0}}},
      {"suite-seed-count-too-large", "suite", {{"/seeds", 100001}}},
      {"suite-seeds-repeat", "suite", {{"/seeds", json::array({1, 1})}}},
      {"suite-seeds-negative", "suite", {{"/seeds", json::array({-1})}}},
      {"suite-seeds-empty", "suite", {{"/seeds", json::array()}}},
      {"suite-seeds-string", "suite", {{"/seeds", "all"}}},
      {"suite-policy-wrong-type", "suite", {{"/policy", 5}}},
      {"suite-scenario-dir-wrong-type", "suite", {{"/scenario_dir", true}}},
      {"suite-override-unknown-key",
       "suite",
       {{"/overrides", json::parse(R"({"baseline": {"colour": 1}})")}}},
      {"suite-override-empty-skip",
       "suite",
       {{"/overrides", json::parse(R"({"baseline": {"skip": ""}})")}}},
      {"suite-override-not-object",
       "suite",
       {{"/overrides", json::parse(R"({"baseline": "skip"})")}}},
      {"suite-override-bad-seeds",
       "suite",
       {{"/overrides", json::parse(R"({"baseline": {"seeds": 0}})")}}},
  };
  std::vector<Mutant> out;
  for (const auto& row : rows) {
    const std::string kind = row.kind;
    json base = kind == "scenario"   ? baseScenario()
                : kind == "manifest" ? baseManifest()
                : kind == "policy"   ? basePolicy()
                                     : baseSuite();
    if (std::string(row.name).rfind("scenario-op", 0) == 0 ||
        std::string(row.name).rfind("scenario-sync", 0) == 0)
      base = revokingScenario();
    out.push_back({row.name, kind, edited(base, row.edits)});
  }
  // A revoke that asks for nothing, and rounds on a revoke.
  out.push_back({"scenario-revoke-asks-nothing", "scenario",
                 edited(revokingScenario(), {{"/operations/1/deprovision", 0}})});
  out.push_back({"scenario-revoke-with-rounds", "scenario",
                 edited(revokingScenario(), {{"/operations/1/rounds", 2}})});
  out.push_back({"scenario-revoke-count-above-limit", "scenario",
                 edited(revokingScenario(), {{"/operations/1/deprovision", 10001}})});
  return out;
}

// A scenario holding one rule of `kind` whose parameters are all valid: the
// required ones get the row's smallest value or a plain text, the rest keep
// their defaults.
json ruleScenario(const FaultKindInfo& info) {
  json rule = {{"id", "r"}, {"kind", std::string(info.name)}};
  for (const FaultParam& p : info.params) {
    if (!p.required) continue;
    const std::string name(p.name);
    if (p.type == Type::Integer) rule[name] = p.min == 0 ? 1 : p.min;
    if (p.type == Type::Text) rule[name] = name == "from" ? "title" : "costCenter";
    if (p.type == Type::Pointer) rule[name] = "/urn:example:ext:User/login";
  }
  if (info.kind == FaultKind::Latency) rule["delay_ms"] = 10;  // both 0 is refused
  json s = revokingScenario();
  s["name"] = "rule-" + std::string(info.name);
  s["faults"] = {rule};
  return s;
}

// Per parameter of every row: a value above and below its range, a value
// outside its choices, a value of the wrong type, and each required one
// left out. Also a key no kind declares.
std::vector<Mutant> faultKindMutants(std::vector<Mutant>& valid) {
  std::vector<Mutant> out;
  for (const FaultKindInfo& info : faultKinds()) {
    const json base = ruleScenario(info);
    const std::string kind(info.name);
    valid.push_back({"rule-" + kind, "scenario", base});
    auto add = [&](const std::string& what, const std::string& param, std::optional<json> value) {
      out.push_back({"rule-" + kind + "-" + param + "-" + what, "scenario",
                     edited(base, {{"/faults/0/" + param, std::move(value)}})});
    };
    add("unknown", "colour", json("red"));
    for (const FaultParam& p : info.params) {
      const std::string name(p.name);
      if (p.required) add("missing", name, std::nullopt);
      switch (p.type) {
        case Type::Integer:
          add("above", name, p.max + 1);
          add("below", name, p.min - 1);
          add("string", name, json(std::to_string(p.max)));
          if (!p.choices.empty()) add("not-a-choice", name, 418);
          break;
        case Type::Choice:
          add("not-a-choice", name, json("bogus"));
          add("number", name, 1);
          break;
        case Type::Text:
        case Type::Pointer:
          add("number", name, 1);
          if (p.type == Type::Pointer) add("not-a-pointer", name, json("login"));
          break;
        case Type::Boolean:
          add("string", name, json("true"));
          break;
        case Type::Json:
          break;
      }
    }
  }
  // What a row's reader checks beyond ranges and choices.
  auto extra = [&](const char* name, FaultKind kind, std::vector<Edit> edits) {
    out.push_back({name, "scenario", edited(ruleScenario(faultKindInfo(kind)), edits)});
  };
  extra("rule-shifted_page-shift-zero", FaultKind::ShiftedPage, {{"/faults/0/shift", 0}});
  extra("rule-latency-no-delay", FaultKind::Latency, {{"/faults/0/delay_ms", 0}});
  extra("rule-add_attribute-to-path", FaultKind::AddAttribute, {{"/faults/0/to", "a.b"}});
  extra("rule-add_attribute-to-empty", FaultKind::AddAttribute, {{"/faults/0/to", ""}});
  extra("rule-move_attribute-to-bad-escape", FaultKind::MoveAttribute, {{"/faults/0/to", "/a~2b"}});
  extra("rule-move_attribute-to-slash", FaultKind::MoveAttribute, {{"/faults/0/to", "/"}});
  return out;
}

std::map<std::string, std::string> writeAll(const std::string& dir,
                                            const std::vector<Mutant>& mutants) {
  std::map<std::string, std::string> kind_of;
  for (const auto& m : mutants) {
    const std::string path = dir + "/" + m.name + ".json";
    EXPECT_EQ(kind_of.count(path), 0u) << "two mutants named " << m.name;
    std::ofstream(path) << m.doc.dump(2);
    kind_of[path] = m.kind;
  }
  return kind_of;
}

TEST(SchemaAgreementTest, BrokenVariantsAreRefusedByBoth) {
  ASSERT_FALSE(checks::pythonWithJsonschema().empty())
      << "no python3 with the jsonschema module; install python3-jsonschema (setup.sh)";
  std::vector<Mutant> valid;
  std::vector<Mutant> broken = handWrittenMutants();
  const auto generated = faultKindMutants(valid);
  broken.insert(broken.end(), generated.begin(), generated.end());
  std::map<std::string, int> per_kind;
  for (const auto& m : broken) ++per_kind[m.kind];
  for (const char* kind : {"scenario", "manifest", "policy", "suite"})
    EXPECT_GE(per_kind[kind], 8) << kind;

  const std::string dir = harness::testing::freshDir("schema_agreement_broken");
  for (const auto& [file, v] : judge(writeAll(dir, broken)))
    EXPECT_TRUE(bothRefuse(v)) << fs::path(file).filename().string();
}

// The bases the mutants start from, and a valid rule of every kind, must be
// accepted by both, or a refusal above would prove nothing.
TEST(SchemaAgreementTest, TheUnbrokenBasesAreAcceptedByBoth) {
  ASSERT_FALSE(checks::pythonWithJsonschema().empty())
      << "no python3 with the jsonschema module; install python3-jsonschema (setup.sh)";
  std::vector<Mutant> valid = {{"scenario", "scenario", baseScenario()},
                               {"revoking", "scenario", revokingScenario()},
                               {"manifest", "manifest", baseManifest()},
                               {"policy", "policy", basePolicy()},
                               {"suite", "suite", baseSuite()}};
  faultKindMutants(valid);
  EXPECT_EQ(valid.size(), 5 + faultKinds().size());
  const std::string dir = harness::testing::freshDir("schema_agreement_valid");
  for (const auto& [file, v] : judge(writeAll(dir, valid)))
    EXPECT_TRUE(bothAccept(v)) << fs::path(file).filename().string();
}

// "reason" explains an exemption; the schemas take it in the three places an
// exemption is written.
TEST(SchemaAgreementTest, SchemasTakeAReasonBesideEachExemption) {
  ASSERT_FALSE(checks::pythonWithJsonschema().empty());
  const std::string dir = harness::testing::freshDir("schema_reason");
  const std::string policy = dir + "/policy.json";
  const std::string scenario = dir + "/scenario.json";
  std::ofstream(policy) << R"({"faultline_policy": 1, "reason": "CI gate", "min_recall": 0.9,
      "scenarios": {"lost-scope": {"honest_partial": "accept", "reason": "no connector can"}}})";
  json s = baseScenario();
  s["acceptance"]["reason"] = "an unannounced rename cannot be mapped";
  std::ofstream(scenario) << s.dump();
  const std::string validator = checks::shellQuote(checks::pythonWithJsonschema()) + " " +
                                checks::shellQuote(kSource + "/tests/reports/validate_json.py");
  auto check = [&](const std::string& kind, const std::string& file) {
    return checks::runCommand(
        validator + " " + checks::shellQuote(kSource + "/docs/schemas/" + kind + ".schema.json") +
        " " + checks::shellQuote(file));
  };
  const auto p = check("policy", policy);
  EXPECT_EQ(p.code, 0) << p.output;
  const auto sc = check("scenario", scenario);
  EXPECT_EQ(sc.code, 0) << sc.output;
  std::ofstream(policy) << R"({"faultline_policy": 1, "reason": 5})";
  EXPECT_EQ(check("policy", policy).code, 1);
}

}  // namespace
}  // namespace faultline::scenarios
