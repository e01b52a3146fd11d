#include "scenarios/scenario.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/config_error.h"

namespace faultline::scenarios {
namespace {

std::string errorOf(const std::string& text) {
  try {
    parseScenario(text, "s.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ScenarioLoaderTest, LoadsTheBundledBaseline) {
  const Scenario s = loadScenario(std::string(FAULTLINE_SOURCE_DIR) + "/scenarios/baseline.json");
  EXPECT_EQ(s.name, "baseline");
  EXPECT_EQ(s.seed, 20261123u);
  EXPECT_EQ(s.tenant.accounts, 250);
  EXPECT_EQ(s.target.default_page_size, 50);
  ASSERT_EQ(s.operations.size(), 3u);
  EXPECT_EQ(s.operations[1].kind, OperationKind::Revoke);
  EXPECT_EQ(s.operations[1].revoke.deprovision, 2);
  EXPECT_EQ(s.operations[2].label, "post-revoke-sync");
}

TEST(ScenarioLoaderTest, AppliesDefaultsAndNumbersLabels) {
  const Scenario s = parseScenario(
      R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync"},{"op":"revoke","deprovision":1},{"op":"sync"}]})",
      "s.json");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.tenant.accounts, TenantSpec{}.accounts);
  EXPECT_EQ(s.operations[0].label, "sync-1");
  EXPECT_EQ(s.operations[1].label, "revoke-1");
  EXPECT_EQ(s.operations[2].label, "sync-2");
}

TEST(ScenarioLoaderTest, AcceptsTheFullSeedRange) {
  const Scenario s = parseScenario(
      R"({"faultline_scenario":1,"name":"n","seed":18446744073709551615,"operations":[{"op":"sync"}]})",
      "s.json");
  EXPECT_EQ(s.seed, 18446744073709551615ull);
}

// Bad input: every message names the file and a JSON pointer.

TEST(ScenarioLoaderTest, RejectsNegativeAccountCountWithPointer) {
  EXPECT_EQ(
      errorOf(
          R"({"faultline_scenario":1,"name":"n","tenant":{"accounts":-3},"operations":[{"op":"sync"}]})"),
      "s.json:/tenant/accounts: must be >= 1, got -3");
}

TEST(ScenarioLoaderTest, RejectsShareAboveOne) {
  EXPECT_EQ(
      errorOf(
          R"({"faultline_scenario":1,"name":"n","tenant":{"nhi_share":1.5},"operations":[{"op":"sync"}]})"),
      "s.json:/tenant/nhi_share: must be in [0,1], got 1.5");
}

TEST(ScenarioLoaderTest, RejectsUnknownKeysListingAllowedOnes) {
  EXPECT_EQ(
      errorOf(R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync","colour":"red"}]})"),
      "s.json:/operations/0/colour: unknown key; allowed: label, op, rounds");
}

TEST(ScenarioLoaderTest, CollectsEveryIssueBeforeFailing) {
  EXPECT_EQ(
      errorOf(
          R"({"faultline_scenario":1,"tenant":{"accounts":0,"groups":"many"},"operations":[{"op":"delete"}]})"),
      "s.json:/name: is required\n"
      "s.json:/tenant/accounts: must be >= 1, got 0\n"
      "s.json:/tenant/groups: must be an integer, got a string\n"
      "s.json:/operations/0/op: must be one of: sync, revoke, got \"delete\"");
}

TEST(ScenarioLoaderTest, ReportsSyntaxErrorsWithLineAndColumn) {
  EXPECT_EQ(
      errorOf("{\n  \"name\": \"n\",\n  \"operations\": [,]\n}"),
      "s.json: invalid JSON: parse error at line 3, column 18: syntax error while parsing value - "
      "unexpected ','; expected '[', '{', or a literal");
}

TEST(ScenarioLoaderTest, RejectsNumbersTooLargeForADouble) {
  // Found by the scenario_loader fuzzer: nlohmann throws out_of_range here.
  EXPECT_EQ(errorOf(R"({"faultline_scenario":1e999,"name":"n","operations":[{"op":"sync"}]})"),
            "s.json: invalid JSON: number overflow parsing '1e999'");
}

TEST(ScenarioLoaderTest, RejectsMissingVersionAndNewerVersions) {
  EXPECT_EQ(errorOf(R"({"name":"n","operations":[{"op":"sync"}]})"),
            "s.json:/faultline_scenario: is required");
  EXPECT_EQ(errorOf(R"({"faultline_scenario":2,"name":"n","operations":[{"op":"sync"}]})"),
            "s.json:/faultline_scenario: unsupported scenario format version 2; this faultline "
            "reads version 1");
}

TEST(ScenarioLoaderTest, RejectsEmptyRevokeAndEmptyOperationList) {
  EXPECT_EQ(errorOf(R"({"faultline_scenario":1,"name":"n","operations":[{"op":"revoke"}]})"),
            "s.json:/operations/0: a revoke operation must ask for at least one action");
  EXPECT_EQ(errorOf(R"({"faultline_scenario":1,"name":"n","operations":[]})"),
            "s.json:/operations: must hold at least one operation");
}

TEST(ScenarioLoaderTest, RejectsInconsistentSizes) {
  EXPECT_EQ(
      errorOf(
          R"({"faultline_scenario":1,"name":"n","tenant":{"groups":2,"nesting_depth":3},"operations":[{"op":"sync"}]})"),
      "s.json:/tenant/nesting_depth: must be <= groups (2), got 3");
  EXPECT_EQ(
      errorOf(
          R"({"faultline_scenario":1,"name":"n","target":{"default_page_size":50,"max_page_size":10},"operations":[{"op":"sync"}]})"),
      "s.json:/target/default_page_size: must be <= max_page_size (10), got 50");
}

TEST(ScenarioLoaderTest, RejectsWrongTopLevelType) {
  EXPECT_EQ(errorOf("[1,2]"), "s.json: must be an object, got an array");
}

TEST(ScenarioLoaderTest, EscapesPointerTokens) {
  EXPECT_EQ(
      errorOf(R"({"faultline_scenario":1,"name":"n","a/b~c":1,"operations":[{"op":"sync"}]})"),
      "s.json:/a~1b~0c: unknown key; allowed: $schema, acceptance, description, "
      "faultline_scenario, faults, name, operations, seed, target, tenant, timeline");
}

TEST(ScenarioLoaderTest, NamesTheFileThatCannotBeOpened) {
  try {
    loadScenario("/nonexistent/x.json");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/x.json: cannot open file: No such file or directory");
  }
}

TEST(ScenarioLoaderTest, RejectsAnOperationKindThatIsNotAString) {
  // nlohmann's value("op", std::string()) threw type_error here and aborted.
  EXPECT_EQ(errorOf(R"({"faultline_scenario":1,"name":"x","operations":[{"op":50,"label":"a"}]})"),
            "s.json:/operations/0/op: must be a string, got 50");
  EXPECT_EQ(errorOf(R"({"faultline_scenario":1,"name":"x","operations":[{"op":["revoke"]}]})"),
            "s.json:/operations/0/op: must be a string, got an array");
}

// Every field of the scenario, given a value of the wrong type, is named by
// its pointer; none aborts the loader.
TEST(ScenarioLoaderTest, RejectsEveryFieldOfTheWrongType) {
  const std::string op = R"({"op":"sync"})";
  struct Case {
    std::string pointer, document;
  };
  auto top = [&](const std::string& key, const std::string& value) {
    return R"({"faultline_scenario":1,"name":"n","operations":[)" + op + "]," + "\"" + key +
           "\":" + value + "}";
  };
  // Each top-level key with the one kind of value it takes.
  const std::vector<std::pair<std::string, char>> top_keys = {
      {"description", '"'}, {"seed", '0'},   {"tenant", '{'},  {"target", '{'},
      {"acceptance", '{'},  {"faults", '['}, {"timeline", '['}};
  std::vector<Case> cases;
  for (const auto& [key, takes] : top_keys) {
    for (const std::string value : {"{}", "[]", "\"s\"", "true", "-1.5", "null"}) {
      if (value[0] != takes) cases.push_back({"/" + key, top(key, value)});
    }
  }
  for (const std::string key :
       {"accounts", "groups", "entitlements", "nesting_depth", "nhi_share", "privileged_share",
        "inactive_share", "api_keys_per_nhi", "max_groups_per_account"})
    cases.push_back({"/tenant/" + key, top("tenant", "{\"" + key + "\":\"1\"}")});
  for (const std::string key :
       {"dialect", "default_page_size", "max_page_size", "token_ttl_seconds"})
    cases.push_back({"/target/" + key, top("target", "{\"" + key + "\":[]}")});
  auto withOperation = [](nlohmann::json op) {
    return R"({"faultline_scenario":1,"name":"n","operations":[)" + op.dump() + "]}";
  };
  for (const std::string key : {"op", "label", "rounds"}) {
    nlohmann::json sync = {{"op", "sync"}};
    sync[key] = nlohmann::json::object();
    cases.push_back({"/operations/0/" + key, withOperation(sync)});
  }
  for (const std::string key :
       {"remove_memberships", "remove_entitlements", "deprovision", "inherited_entitlements"}) {
    nlohmann::json revoke = {{"op", "revoke"}, {"remove_memberships", 1}, {"deprovision", 1}};
    revoke[key] = "2";
    cases.push_back({"/operations/0/" + key, withOperation(revoke)});
  }
  for (const std::string value : {"1", "\"a\"", "{}", "null"})
    cases.push_back(
        {"/operations", R"({"faultline_scenario":1,"name":"n","operations":)" + value + "}"});
  cases.push_back({"/operations/0", R"({"faultline_scenario":1,"name":"n","operations":[7]})"});
  cases.push_back({"/name", R"({"faultline_scenario":1,"name":7,"operations":[{"op":"sync"}]})"});
  cases.push_back({"/faultline_scenario",
                   R"({"faultline_scenario":"1","name":"n","operations":[{"op":"sync"}]})"});
  for (const auto& c : cases) {
    const std::string error = errorOf(c.document);
    EXPECT_NE(error.find("s.json:" + c.pointer + ": must be"), std::string::npos)
        << c.document << "\n"
        << error;
  }
}

TEST(ScenarioLoaderTest, RejectsAnEmptyNameAndOneUnfitForAFileName) {
  const std::string expected =
      "s.json:/name: must be 1 to 100 letters, digits, '-', '_' or '.', starting with a letter or "
      "digit, got ";
  auto named = [](const std::string& name) {
    return R"({"faultline_scenario":1,"name":)" + name + R"(,"operations":[{"op":"sync"}]})";
  };
  EXPECT_EQ(errorOf(named(R"("")")), expected + R"("")");
  EXPECT_EQ(errorOf(named(R"("../etc")")), expected + R"("../etc")");
  EXPECT_EQ(errorOf(named(R"("a b")")), expected + R"("a b")");
  EXPECT_EQ(errorOf(named(R"("-rf")")), expected + R"("-rf")");
  EXPECT_EQ(errorOf(named(R"("two\nlines")")), expected + R"("two\nlines")");
  EXPECT_EQ(errorOf(named(R"("caf\u00e9")")), expected + R"("caf\u00e9")");
  EXPECT_EQ(errorOf(named("\"" + std::string(101, 'a') + "\"")),
            expected + "\"" + std::string(101, 'a') + "\"");
  EXPECT_EQ(parseScenario(named(R"("Partial_pages-2.1")"), "s.json").name, "Partial_pages-2.1");
}

TEST(ScenarioLoaderTest, RefusesADuplicateKeyInsteadOfKeepingTheLast) {
  EXPECT_EQ(
      errorOf(R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync","op":"revoke"}]})"),
      "s.json:/operations/0/op: duplicate key; each key may appear once in an object");
}

TEST(ScenarioLoaderTest, RefusesDeepNestingAnywhere) {
  EXPECT_EQ(
      errorOf(R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync"}],"x":)" +
              std::string(100'000, '[') + std::string(100'000, ']') + "}"),
      "s.json: arrays and objects nested deeper than 128 levels; faultline reads at most 128");
}

TEST(ScenarioLoaderTest, SaysAScenarioPathIsAFolder) {
  const std::string dir = std::string(FAULTLINE_SOURCE_DIR) + "/scenarios";
  try {
    loadScenario(dir);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), dir + ": is a directory, not a file");
  }
}

}  // namespace
}  // namespace faultline::scenarios
