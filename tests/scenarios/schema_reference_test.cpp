// Every file people write may name its JSON Schema in a top-level "$schema"
// for their editor: the four loaders accept it as a string, refuse any other
// type at its pointer, and keep refusing it anywhere but the top level.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/manifest.h"
#include "scenarios/acceptance.h"
#include "scenarios/config_error.h"
#include "scenarios/scenario.h"
#include "scenarios/suite.h"

namespace faultline::scenarios {
namespace {

namespace fs = std::filesystem;

const std::string kSource = FAULTLINE_SOURCE_DIR;

::testing::AssertionResult startsWith(const std::string& text, const std::string& prefix) {
  if (text.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << text << "\" does not start with \"" << prefix << "\"";
}

template <typename Load>
std::string errorOf(Load load) {
  try {
    load();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string scenarioWith(const std::string& schema) {
  return R"({"faultline_scenario":1,"$schema":)" + schema +
         R"(,"name":"n","operations":[{"op":"sync"}]})";
}

std::string manifestWith(const std::string& schema) {
  return R"({"faultline_manifest":1,"$schema":)" + schema +
         R"(,"name":"n","command":"c","operations":["sync"]})";
}

std::string policyWith(const std::string& schema) {
  return R"({"faultline_policy":1,"$schema":)" + schema + R"(,"min_recall":0.5})";
}

// A suite file in its own folder, naming shipped files by absolute path.
std::string suiteWith(const std::string& test, const std::string& schema) {
  const fs::path dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / test;
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "s.json").string();
  std::ofstream(path) << R"({"faultline_suite":1,"$schema":)" << schema
                      << R"(,"name":"s","connectors":[")" << kSource
                      << R"(/examples/connectors/reference/manifest.json"],"scenarios":[")"
                      << kSource << R"(/scenarios/baseline.json"]})";
  return path;
}

TEST(SchemaReferenceTest, ScenarioAcceptsAndIgnoresAStringSchema) {
  const Scenario s =
      parseScenario(scenarioWith(R"("../docs/schemas/scenario.schema.json")"), "s.json");
  EXPECT_EQ(s.name, "n");
  ASSERT_EQ(s.operations.size(), 1u);
}

TEST(SchemaReferenceTest, ManifestAcceptsAndIgnoresAStringSchema) {
  const auto m =
      harness::parseManifest(manifestWith(R"("https://example.test/m.json")"), "m.json", "/tmp");
  EXPECT_EQ(m.name, "n");
  EXPECT_EQ(m.command, "c");
}

TEST(SchemaReferenceTest, PolicyAcceptsAndIgnoresAStringSchema) {
  const PolicyFile p = parsePolicyFile(policyWith(R"("")"), "p.json");
  ASSERT_TRUE(p.global.min_recall.has_value());
  EXPECT_DOUBLE_EQ(*p.global.min_recall, 0.5);
}

TEST(SchemaReferenceTest, SuiteAcceptsAndIgnoresAStringSchema) {
  const Suite s = loadSuite(
      suiteWith("schema_reference_suite_ok", R"("../../docs/schemas/suite.schema.json")"), {});
  EXPECT_EQ(s.name, "s");
  EXPECT_EQ(s.scenario_names, std::vector<std::string>{"baseline"});
}

TEST(SchemaReferenceTest, ShippedFilesNameTheirSchemaAndStillLoad) {
  const Scenario s = loadScenario(kSource + "/scenarios/baseline.json");
  EXPECT_EQ(s.name, "baseline");
  const auto m = harness::loadManifest(kSource + "/examples/connectors/reference/manifest.json");
  EXPECT_EQ(m.name, "reference-scim");
  const PolicyFile p = loadPolicyFile(kSource + "/examples/policies/ci-gate.json");
  EXPECT_EQ(p.scenarios.count("schema-drift"), 1u);
  const Suite suite = loadSuite(kSource + "/examples/suites/ci-gate.json", {});
  EXPECT_EQ(suite.name, "ci-gate");
  for (const char* file :
       {"/scenarios/baseline.json", "/examples/policies/ci-gate.json",
        "/examples/suites/ci-gate.json", "/examples/connectors/reference/manifest.json"}) {
    std::ifstream in(kSource + file);
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    EXPECT_NE(second.find("\"$schema\": \""), std::string::npos) << file;
  }
}

// Bad input: a "$schema" that is not a string is an error at its pointer.

TEST(SchemaReferenceTest, ScenarioRefusesANonStringSchema) {
  EXPECT_EQ(errorOf([] { parseScenario(scenarioWith("7"), "s.json"); }),
            "s.json:/$schema: must be a string, got 7");
}

TEST(SchemaReferenceTest, ManifestRefusesANonStringSchema) {
  EXPECT_EQ(errorOf([] { harness::parseManifest(manifestWith("{}"), "m.json", "/tmp"); }),
            "m.json:/$schema: must be a string, got an object");
}

TEST(SchemaReferenceTest, PolicyRefusesANonStringSchema) {
  EXPECT_EQ(errorOf([] { parsePolicyFile(policyWith("null"), "p.json"); }),
            "p.json:/$schema: must be a string, got null");
}

TEST(SchemaReferenceTest, SuiteRefusesANonStringSchema) {
  const std::string path = suiteWith("schema_reference_suite_bad", "[\"a\"]");
  EXPECT_EQ(errorOf([&] { loadSuite(path, {}); }),
            path + ":/$schema: must be a string, got an array");
}

// The allowed keys after "allowed:" are another test's business.
TEST(SchemaReferenceTest, SchemaIsAnUnknownKeyBelowTheTopLevel) {
  EXPECT_TRUE(startsWith(
      errorOf([] {
        parseScenario(
            R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync"}],"acceptance":{"$schema":"x"}})",
            "s.json");
      }),
      "s.json:/acceptance/$schema: unknown key; allowed: honest_partial, "));
  EXPECT_TRUE(startsWith(
      errorOf([] {
        parsePolicyFile(R"({"faultline_policy":1,"scenarios":{"a":{"$schema":"x"}}})", "p.json");
      }),
      "p.json:/scenarios/a/$schema: unknown key; allowed: honest_partial, "));
  EXPECT_TRUE(startsWith(
      errorOf([] {
        parseScenario(
            R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync","$schema":"x"}]})",
            "s.json");
      }),
      "s.json:/operations/0/$schema: unknown key; allowed: label, op"));
}

}  // namespace
}  // namespace faultline::scenarios
