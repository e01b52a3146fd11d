// docs/schemas/*.schema.json against the tables the loaders read: every fault
// kind with its parameters (types, ranges, choices, defaults, which are
// required), the dialects, the timeline events and the finding ids. A row
// changed in scenarios/fault_kinds.cpp without its schema fails here, naming
// the kind and the parameter.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/acceptance.h"
#include "scenarios/dialects.h"
#include "scenarios/fault_kinds.h"
#include "scenarios/fault_plan.h"
#include "scenarios/timeline.h"

namespace faultline::scenarios {
namespace {

using nlohmann::json;
using Type = FaultParam::Type;

json loadSchema(const std::string& name) {
  std::ifstream in(std::string(FAULTLINE_SOURCE_DIR) + "/docs/schemas/" + name + ".schema.json");
  return json::parse(in);
}

const json& scenarioSchema() {
  static const json kSchema = loadSchema("scenario");
  return kSchema;
}

// Follows a local "$ref" ("#/$defs/announce") within `root`.
const json& resolve(const json& root, const json& node) {
  if (!node.is_object() || !node.contains("$ref")) return node;
  const std::string ref = node["$ref"].get<std::string>();
  return root.at(json::json_pointer(ref.substr(1)));
}

// The constants of an anyOf of {"const": ..., "description": ...}, in order.
std::vector<std::string> constants(const json& node) {
  std::vector<std::string> out;
  for (const json& branch : node.at("anyOf")) out.push_back(branch.at("const").get<std::string>());
  return out;
}

// What the schema must say about one parameter, derived from its row. A
// parameter the loader reads with a default carries that default.
json expectedParam(const FaultParam& p) {
  json out = json::object();
  switch (p.type) {
    case Type::Integer:
      out["type"] = "integer";
      if (p.choices.empty()) {
        out["minimum"] = p.min;
        out["maximum"] = p.max;
      } else {
        for (std::string_view c : p.choices) out["enum"].push_back(std::stoll(std::string(c)));
      }
      if (!p.required) out["default"] = p.default_integer;
      break;
    case Type::Text:
    case Type::Choice:
      out["type"] = "string";
      for (std::string_view c : p.choices) out["enum"].push_back(std::string(c));
      if (!p.required) out["default"] = std::string(p.default_text);
      break;
    case Type::Boolean:
      out["type"] = "boolean";
      out["default"] = false;
      break;
    case Type::Json:
      out["default"] = json::parse(FaultRule().value_json);
      break;
    case Type::Pointer:
      out["type"] = "string";
      out["pattern"] = "^/([^~]|~[01])+$";
      break;
  }
  return out;
}

// Checks the loader makes beyond a parameter's row, which the schema states
// as extra keywords; any other keyword would be a rule the loader lacks.
const std::map<std::string, std::set<std::string>>& extraKeywords() {
  static const std::map<std::string, std::set<std::string>> kExtra = {
      {"shifted_page.shift", {"not"}},    // must not be 0
      {"add_attribute.to", {"pattern"}},  // a plain attribute name
  };
  return kExtra;
}

TEST(SchemaTableTest, FaultKindsAreTheTablesRowsInOrder) {
  const json& rule = scenarioSchema().at("/$defs/fault_rule"_json_pointer);
  std::vector<std::string> table;
  for (const FaultKindInfo& info : faultKinds()) table.emplace_back(info.name);
  EXPECT_EQ(constants(rule.at("/properties/kind"_json_pointer)), table);

  // One if/then per kind, sending it to its own parameter definitions.
  std::vector<std::string> branches;
  for (const json& entry : rule.at("allOf")) {
    const std::string kind = entry.at("/if/properties/kind/const"_json_pointer).get<std::string>();
    branches.push_back(kind);
    EXPECT_EQ(entry.at("/if/required"_json_pointer), json::array({"kind"})) << kind;
    EXPECT_EQ(entry.at("/then/$ref"_json_pointer), "#/$defs/params_" + kind) << kind;
  }
  EXPECT_EQ(branches, table);
}

TEST(SchemaTableTest, EachKindsParametersMatchItsRow) {
  const json& schema = scenarioSchema();
  for (const FaultKindInfo& info : faultKinds()) {
    const std::string kind(info.name);
    SCOPED_TRACE("fault kind " + kind);
    const json& defs = schema.at("$defs").at("params_" + kind);
    const json& properties = defs.at("properties");
    std::set<std::string> declared, required;
    for (const FaultParam& p : info.params) {
      const std::string name(p.name);
      declared.insert(name);
      if (p.required) required.insert(name);
      SCOPED_TRACE("parameter " + name);
      ASSERT_TRUE(properties.contains(name));
      const json& actual = resolve(schema, properties.at(name));
      const json expected = expectedParam(p);
      const auto extra_it = extraKeywords().find(kind + "." + name);
      for (const auto& [key, value] : actual.items()) {
        if (key == "description" || key == "title") continue;
        if (extra_it != extraKeywords().end() && extra_it->second.count(key) != 0) continue;
        EXPECT_TRUE(expected.contains(key))
            << "the schema says " << key << ": " << value.dump() << ", which the row does not";
      }
      for (const auto& [key, value] : expected.items()) {
        EXPECT_EQ(actual.value(key, json()), value) << "keyword " << key;
      }
    }
    std::set<std::string> in_schema;
    for (const auto& [name, value] : properties.items()) in_schema.insert(name);
    EXPECT_EQ(in_schema, declared);
    std::set<std::string> schema_required;
    for (const json& name : defs.value("required", json::array()))
      schema_required.insert(name.get<std::string>());
    EXPECT_EQ(schema_required, required);
  }
}

TEST(SchemaTableTest, DialectsAreTheKnownOnes) {
  json names = json::array();
  for (const DialectTraits& d : knownDialects()) names.push_back(std::string(d.name));
  EXPECT_EQ(scenarioSchema().at("/$defs/target/properties/dialect/enum"_json_pointer), names);
  EXPECT_EQ(loadSchema("manifest").at("/properties/dialect/enum"_json_pointer), names);
  EXPECT_EQ(loadSchema("manifest").at("/properties/dialect/default"_json_pointer),
            std::string(defaultDialect()));
}

TEST(SchemaTableTest, TimelineEventsAreTheLoadersKinds) {
  std::vector<std::string> kinds;
  for (auto k :
       {TimelineEventKind::Joiner, TimelineEventKind::Leaver, TimelineEventKind::Mover,
        TimelineEventKind::Grant, TimelineEventKind::Ungrant, TimelineEventKind::RotateKey}) {
    kinds.emplace_back(timelineEventKindName(k));
  }
  EXPECT_EQ(constants(scenarioSchema().at("/$defs/timeline_event/properties/event"_json_pointer)),
            kinds);
}

TEST(SchemaTableTest, SeverityOverridesNameEveryKnownFindingId) {
  const json ids = knownFindingIds();
  EXPECT_EQ(scenarioSchema().at("/$defs/severity/propertyNames/enum"_json_pointer), ids);
  EXPECT_EQ(loadSchema("policy").at("/$defs/severity/propertyNames/enum"_json_pointer), ids);
}

// A scenario's acceptance block and a policy's fragments are read by one
// function, so their two schemas must say the same.
TEST(SchemaTableTest, PolicyAndScenarioDescribeAcceptanceAlike) {
  const json policy = loadSchema("policy");
  EXPECT_EQ(policy.at("/$defs/acceptance"_json_pointer),
            scenarioSchema().at("/$defs/acceptance"_json_pointer));
  EXPECT_EQ(policy.at("/$defs/severity"_json_pointer),
            scenarioSchema().at("/$defs/severity"_json_pointer));
  // The top level holds the same keys beside its own.
  for (const auto& [key, value] : policy.at("/$defs/acceptance/properties"_json_pointer).items()) {
    EXPECT_TRUE(policy.at("properties").contains(key)) << key;
  }
}

TEST(SchemaTableTest, EverySchemaIsDraft202012WithAnIdAndATitle) {
  for (const char* name : {"scenario", "manifest", "policy", "suite"}) {
    const json schema = loadSchema(name);
    EXPECT_EQ(schema.value("$schema", ""), "https://json-schema.org/draft/2020-12/schema") << name;
    EXPECT_EQ(schema.value("$id", ""), std::string("urn:faultline:") + name + ":1");
    EXPECT_FALSE(schema.value("title", "").empty()) << name;
    EXPECT_EQ(schema.at("/properties/$schema/type"_json_pointer), "string") << name;
    EXPECT_EQ(schema.value("additionalProperties", true), false) << name;
  }
}

}  // namespace
}  // namespace faultline::scenarios
