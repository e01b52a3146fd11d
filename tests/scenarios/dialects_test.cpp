#include "scenarios/dialects.h"

#include <gtest/gtest.h>

#include <string>

#include "scenarios/config_error.h"
#include "scenarios/scenario.h"

namespace faultline::scenarios {
namespace {

FaultRule rule(const std::string& id, FaultKind kind) {
  FaultRule r;
  r.id = id;
  r.kind = kind;
  return r;
}

TEST(DialectsTest, ScimIsKnownAndTheDefault) {
  EXPECT_EQ(defaultDialect(), "scim");
  ASSERT_NE(findDialect("scim"), nullptr);
  EXPECT_EQ(findDialect("okta-typo"), nullptr);
  EXPECT_EQ(knownDialectNames(), "scim");
}

TEST(DialectsTest, ScimExpressesEveryFaultKind) {
  for (const FaultKindInfo& info : faultKinds()) {
    FaultRule r = rule("r", info.kind);
    r.announce = true;
    EXPECT_EQ(inexpressible(r, *findDialect("scim")), "") << info.name;
  }
}

// A dialect for an API without cursors, list totals, schema documents or a
// token endpoint of its own, like many vendor REST APIs.
constexpr DialectTraits kPlain = {"plain", "a test API", kList | kRead | kWrite, 0};

TEST(DialectsTest, AFaultTheDialectCannotExpressIsNamedWithItsRuleKindAndDialect) {
  FaultRule announced = rule("drift", FaultKind::RenameAttribute);
  announced.announce = true;
  const std::vector<FaultRule> faults = {rule("ok", FaultKind::ShortPage),
                                         rule("cursor", FaultKind::CursorError),
                                         rule("lie", FaultKind::TotalResultsLie), announced,
                                         rule("token", FaultKind::TokenEndpointError)};
  const auto issues = checkExpressible(faults, kPlain);
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(issues[0].pointer, "/faults/1");
  EXPECT_EQ(issues[0].message,
            "fault rule \"cursor\" (cursor_error) cannot be expressed in the plain dialect: plain "
            "lists do not page with cursors");
  EXPECT_EQ(issues[1].pointer, "/faults/2");
  EXPECT_NE(issues[1].message.find("(total_results_lie)"), std::string::npos);
  EXPECT_EQ(issues[2].pointer, "/faults/3");
  EXPECT_NE(issues[2].message.find("cannot be announced"), std::string::npos);
  EXPECT_EQ(issues[3].message,
            "fault rule \"token\" (token_endpoint_error) cannot be expressed in the plain "
            "dialect: it acts on token requests, which plain does not serve");
}

TEST(DialectsTest, ScenarioDialectDefaultsToTheConnectorsAndUnknownOnesAreRefused) {
  const Scenario s = parseScenario(
      R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync"}]})", "s.json");
  EXPECT_EQ(s.target.dialect, "");
  const Scenario scim = parseScenario(
      R"({"faultline_scenario":1,"name":"n","target":{"dialect":"scim"},"operations":[{"op":"sync"}]})",
      "s.json");
  EXPECT_EQ(scim.target.dialect, "scim");
  try {
    parseScenario(
        R"({"faultline_scenario":1,"name":"n","target":{"dialect":"ldap"},"operations":[{"op":"sync"}]})",
        "s.json");
    FAIL() << "an unknown dialect was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "s.json:/target/dialect: must be one of: scim, got \"ldap\"");
  }
}

}  // namespace
}  // namespace faultline::scenarios
