#include "scenarios/fault_kinds.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "scenarios/config_error.h"
#include "scenarios/scenario.h"

namespace faultline::scenarios {
namespace {

std::string scenarioWith(const nlohmann::json& rule) {
  nlohmann::json s = {{"faultline_scenario", 1},
                      {"name", "n"},
                      {"operations", {{{"op", "sync"}}}},
                      {"faults", {rule}}};
  return s.dump();
}

// A value for `p` the loader must accept: its default, or the low end of its range.
nlohmann::json acceptedValue(const FaultParam& p) {
  switch (p.type) {
    case FaultParam::Type::Integer:
      if (!p.choices.empty()) return std::stoll(std::string(p.choices.front()));
      // 1 is in every required range, and not the 0 that shift refuses.
      if (p.required) return std::max<std::int64_t>(p.min, 1);
      // latency needs one of its two zero defaults raised.
      return p.default_integer == 0 && p.max >= 1 ? 1 : p.default_integer;
    case FaultParam::Type::Choice:
      return std::string(p.choices.back());
    case FaultParam::Type::Boolean:
      return true;
    case FaultParam::Type::Json:
      return "x";
    case FaultParam::Type::Pointer:
      return "/urn:example:ext:User/login";
    case FaultParam::Type::Text:
      return p.name == "to" ? "renamed" : "active";
  }
  return nullptr;
}

TEST(FaultKindsTest, RowsFollowTheEnumAndNamesAreUnique) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < faultKinds().size(); ++i) {
    const FaultKindInfo& info = faultKinds()[i];
    EXPECT_EQ(static_cast<std::size_t>(info.kind), i);
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_NE(info.requests, 0u) << info.name;
    EXPECT_EQ(findFaultKind(info.name), &info);
    EXPECT_EQ(std::string(faultKindName(info.kind)), std::string(info.name));
  }
  EXPECT_EQ(findFaultKind("no_such_kind"), nullptr);
}

// Every parameter a row declares is one the loader reads (an undeclared
// one would be called unknown), and every one it reads is declared (the
// reader throws on an undeclared name).
TEST(FaultKindsTest, EveryDeclaredParameterIsAcceptedAtAValidValue) {
  for (const FaultKindInfo& info : faultKinds()) {
    nlohmann::json rule = {{"id", "r"}, {"kind", std::string(info.name)}};
    for (const FaultParam& p : info.params) rule[std::string(p.name)] = acceptedValue(p);
    if (info.kind == FaultKind::TokenEndpointError) rule["match"] = {{"resource", "token"}};
    try {
      const Scenario s = parseScenario(scenarioWith(rule), "k.json");
      ASSERT_EQ(s.faults.size(), 1u);
      EXPECT_EQ(s.faults[0].kind, info.kind);
    } catch (const ConfigError& e) {
      ADD_FAILURE() << info.name << ": " << e.what();
    }
  }
}

TEST(FaultKindsTest, RequiredParametersAreRequiredAndRangesEnforced) {
  for (const FaultKindInfo& info : faultKinds()) {
    for (const FaultParam& p : info.params) {
      nlohmann::json rule = {{"id", "r"}, {"kind", std::string(info.name)}};
      for (const FaultParam& q : info.params) {
        if (q.required && q.name != p.name) rule[std::string(q.name)] = acceptedValue(q);
      }
      if (p.required) {
        EXPECT_THROW(parseScenario(scenarioWith(rule), "k.json"), ConfigError)
            << info.name << " without " << p.name;
      }
      if (p.type == FaultParam::Type::Integer) {
        rule[std::string(p.name)] = p.max + 1;
        try {
          parseScenario(scenarioWith(rule), "k.json");
          ADD_FAILURE() << info.name << "." << p.name << " accepted " << p.max + 1;
        } catch (const ConfigError& e) {
          EXPECT_NE(std::string(e.what()).find("/faults/0/" + std::string(p.name)),
                    std::string::npos)
              << e.what();
        }
      }
      if (p.type == FaultParam::Type::Choice) {
        rule[std::string(p.name)] = "not-a-choice";
        EXPECT_THROW(parseScenario(scenarioWith(rule), "k.json"), ConfigError)
            << info.name << "." << p.name;
      }
    }
  }
}

// A kind that cannot act on the token endpoint is refused there when the
// scenario loads, from the row's request kinds alone.
TEST(FaultKindsTest, ReachIsCheckedFromTheRow) {
  for (const FaultKindInfo& info : faultKinds()) {
    nlohmann::json rule = {{"id", "r"}, {"kind", std::string(info.name)}};
    for (const FaultParam& p : info.params) {
      if (p.required) rule[std::string(p.name)] = acceptedValue(p);
    }
    rule["match"] = {{"resource", "token"}};
    const bool token_ok = (info.requests & kToken) != 0;
    if (token_ok) {
      EXPECT_NO_THROW(parseScenario(scenarioWith(rule), "k.json")) << info.name;
    } else {
      try {
        parseScenario(scenarioWith(rule), "k.json");
        ADD_FAILURE() << info.name << " accepted on the token endpoint";
      } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot hit the token endpoint"), std::string::npos)
            << e.what();
      }
    }
  }
}

TEST(FaultKindsTest, DescribesRequestKinds) {
  EXPECT_EQ(describeRequestKinds(kList), "list");
  EXPECT_EQ(describeRequestKinds(kList | kRead | kWrite), "list, read or write");
  EXPECT_EQ(describeRequestKinds(kToken | kDiscovery), "token or discovery");
}

TEST(FaultKindsTest, UsableAnswersAreTheSlowedReshapedAndStaleOnes) {
  std::set<std::string_view> usable;
  for (const FaultKindInfo& info : faultKinds()) {
    if (info.answer_usable) usable.insert(info.name);
  }
  EXPECT_EQ(usable,
            (std::set<std::string_view>{"latency", "slow_body", "rename_attribute",
                                        "retype_attribute", "remove_attribute", "move_attribute",
                                        "add_attribute", "change_id_format", "stale_read"}));
}

}  // namespace
}  // namespace faultline::scenarios
