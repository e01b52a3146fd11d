#include "scenarios/fault_plan.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "scenarios/config_error.h"
#include "scenarios/scenario.h"

namespace faultline::scenarios {
namespace {

// A minimal valid scenario around a "faults" array given as JSON text.
std::string withFaults(const std::string& faults) {
  return R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync"}],"faults":)" + faults +
         "}";
}

Scenario parsePlan(const std::string& faults) {
  return parseScenario(withFaults(faults), "f.json");
}

std::string errorOf(const std::string& faults) {
  try {
    parsePlan(faults);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(FaultPlanTest, ScenarioWithoutFaultsHasAnEmptyPlan) {
  const Scenario s = parseScenario(
      R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync"}]})", "f.json");
  EXPECT_TRUE(s.faults.empty());
}

TEST(FaultPlanTest, RuleWithOnlyIdAndKindGetsEveryDefault) {
  const Scenario s = parsePlan(R"([{"id":"r","kind":"rate_limit"}])");
  ASSERT_EQ(s.faults.size(), 1u);
  const FaultRule& r = s.faults[0];
  EXPECT_EQ(r.id, "r");
  EXPECT_EQ(r.kind, FaultKind::RateLimit);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after_seconds, 1);
  EXPECT_FALSE(r.retry_after_http_date);
  EXPECT_EQ(r.min_fires, 0);
  EXPECT_EQ(r.max_fires, -1);
  EXPECT_TRUE(r.match.methods.empty());
  EXPECT_EQ(r.match.resource, "");
  EXPECT_EQ(r.match.id, "");
  EXPECT_FALSE(r.match.page.has_value());
  EXPECT_FALSE(r.match.ordinal.has_value());
  EXPECT_FALSE(r.match.attempt.has_value());
  EXPECT_FALSE(r.match.window_ms.has_value());
  EXPECT_EQ(r.match.probability, 1.0);
}

TEST(FaultPlanTest, ParsesEveryKindIntoItsTypedParameters) {
  const Scenario s = parsePlan(R"([
    {"id":"rl","kind":"rate_limit","status":503,"retry_after_seconds":7,"retry_after_format":"http-date"},
    {"id":"se","kind":"server_error","status":502,"body":"html"},
    {"id":"rv","kind":"revoke_token"},
    {"id":"te","kind":"token_endpoint_error","status":503,"error":"temporarily_unavailable"},
    {"id":"sp","kind":"short_page","drop":3},
    {"id":"ep","kind":"empty_page"},
    {"id":"tl","kind":"total_results_lie","total_results":9999},
    {"id":"tb","kind":"truncate_body"},
    {"id":"ra","kind":"rename_attribute","from":"userName","to":"login"}
  ])");
  ASSERT_EQ(s.faults.size(), 9u);
  EXPECT_EQ(s.faults[0].kind, FaultKind::RateLimit);
  EXPECT_EQ(s.faults[0].status, 503);
  EXPECT_EQ(s.faults[0].retry_after_seconds, 7);
  EXPECT_TRUE(s.faults[0].retry_after_http_date);
  EXPECT_EQ(s.faults[1].kind, FaultKind::ServerError);
  EXPECT_EQ(s.faults[1].status, 502);
  EXPECT_EQ(s.faults[1].body, "html");
  EXPECT_EQ(s.faults[2].kind, FaultKind::RevokeToken);
  EXPECT_EQ(s.faults[3].kind, FaultKind::TokenEndpointError);
  EXPECT_EQ(s.faults[3].status, 503);
  EXPECT_EQ(s.faults[3].error, "temporarily_unavailable");
  EXPECT_EQ(s.faults[4].kind, FaultKind::ShortPage);
  EXPECT_EQ(s.faults[4].drop, 3);
  EXPECT_EQ(s.faults[5].kind, FaultKind::EmptyPage);
  EXPECT_EQ(s.faults[6].kind, FaultKind::TotalResultsLie);
  EXPECT_EQ(s.faults[6].total_results, 9999);
  EXPECT_EQ(s.faults[7].kind, FaultKind::TruncateBody);
  EXPECT_EQ(s.faults[8].kind, FaultKind::RenameAttribute);
  EXPECT_EQ(s.faults[8].from, "userName");
  EXPECT_EQ(s.faults[8].to, "login");
}

TEST(FaultPlanTest, EachKindHasItsOwnParameterDefaults) {
  const Scenario s = parsePlan(R"([
    {"id":"se","kind":"server_error"},
    {"id":"te","kind":"token_endpoint_error"},
    {"id":"sp","kind":"short_page"}
  ])");
  ASSERT_EQ(s.faults.size(), 3u);
  EXPECT_EQ(s.faults[0].status, 503);
  EXPECT_EQ(s.faults[0].body, "json");
  EXPECT_EQ(s.faults[1].status, 401);
  EXPECT_EQ(s.faults[1].error, "invalid_client");
  EXPECT_EQ(s.faults[2].drop, 1);
}

TEST(FaultPlanTest, ParsesEveryMatchCriterion) {
  const Scenario s = parsePlan(R"([{"id":"m","kind":"server_error","min_fires":2,"max_fires":5,
    "match":{"methods":["GET","PATCH"],"resource":"Users","page":{"from":2,"to":4},
             "ordinal":{"from":10},"attempt":{"to":1},"window_ms":{"from":0,"to":1500},
             "probability":0.25}}])");
  ASSERT_EQ(s.faults.size(), 1u);
  const FaultRule& r = s.faults[0];
  EXPECT_EQ(r.min_fires, 2);
  EXPECT_EQ(r.max_fires, 5);
  EXPECT_EQ(r.match.methods, (std::set<std::string>{"GET", "PATCH"}));
  EXPECT_EQ(r.match.resource, "Users");
  ASSERT_TRUE(r.match.page.has_value());
  EXPECT_EQ(r.match.page->from, 2);
  EXPECT_EQ(r.match.page->to, 4);
  ASSERT_TRUE(r.match.ordinal.has_value());
  EXPECT_EQ(r.match.ordinal->from, 10);
  EXPECT_TRUE(r.match.ordinal->contains(1'000'000'000));  // "to" open-ended
  ASSERT_TRUE(r.match.attempt.has_value());
  EXPECT_EQ(r.match.attempt->from, 1);  // "from" defaults to the first
  EXPECT_EQ(r.match.attempt->to, 1);
  ASSERT_TRUE(r.match.window_ms.has_value());
  EXPECT_EQ(r.match.window_ms->from, 0);
  EXPECT_EQ(r.match.window_ms->to, 1500);
  EXPECT_EQ(r.match.probability, 0.25);
}

TEST(FaultPlanTest, SingleResourceIdIsAccepted) {
  const Scenario s =
      parsePlan(R"([{"id":"r","kind":"rename_attribute","from":"active","to":"enabled",
                     "match":{"resource":"Users","id":"u-1"}}])");
  EXPECT_EQ(s.faults.at(0).match.id, "u-1");
}

TEST(FaultPlanTest, TokenEndpointErrorOnTheTokenResourceIsAccepted) {
  const Scenario s =
      parsePlan(R"([{"id":"t","kind":"token_endpoint_error","match":{"resource":"token"}}])");
  EXPECT_EQ(s.faults.at(0).match.resource, "token");
}

TEST(FaultPlanTest, LoadsEveryShippedFaultScenario) {
  const std::string dir = std::string(FAULTLINE_SOURCE_DIR) + "/scenarios/";
  EXPECT_EQ(loadScenario(dir + "rate_limits.json").faults.size(), 3u);
  EXPECT_EQ(loadScenario(dir + "partial_pages.json").faults.size(), 2u);
  EXPECT_EQ(loadScenario(dir + "server_errors.json").faults.size(), 3u);
  EXPECT_EQ(loadScenario(dir + "schema_drift.json").faults.size(), 1u);
  EXPECT_EQ(loadScenario(dir + "auth_expiry.json").faults.size(), 2u);
}

TEST(FaultPlanTest, KillConnectorDiesOnceUnlessToldOtherwise) {
  const Scenario s = parsePlan(
      R"([{"id":"k","kind":"kill_connector","match":{"methods":["PATCH"]},"after_matches":2},)"
      R"( {"id":"k2","kind":"kill_connector","max_fires":3}])");
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_EQ(s.faults[0].kind, FaultKind::KillConnector);
  EXPECT_EQ(s.faults[0].after_matches, 2);
  EXPECT_EQ(s.faults[0].max_fires, 1);
  EXPECT_EQ(s.faults[1].after_matches, 0);
  EXPECT_EQ(s.faults[1].max_fires, 3);
  EXPECT_EQ(loadScenario(std::string(FAULTLINE_SOURCE_DIR) + "/scenarios/process_death.json")
                .faults.size(),
            3u);
}

TEST(FaultPlanTest, RejectsKillConnectorOnTheTokenEndpointAndNegativeSkips) {
  EXPECT_EQ(errorOf(R"([{"id":"k","kind":"kill_connector","match":{"resource":"token"}}])"),
            "f.json:/faults/0/match/resource: kill_connector cannot hit the token endpoint");
  EXPECT_NE(errorOf(R"([{"id":"k","kind":"kill_connector","after_matches":-1}])")
                .find("f.json:/faults/0/after_matches: "),
            std::string::npos);
}

TEST(FaultPlanTest, KindNamesRoundTrip) {
  EXPECT_STREQ(faultKindName(FaultKind::RateLimit), "rate_limit");
  EXPECT_STREQ(faultKindName(FaultKind::TokenEndpointError), "token_endpoint_error");
  EXPECT_STREQ(faultKindName(FaultKind::RenameAttribute), "rename_attribute");
}

// Bad input: each case with the exact text the author sees.

TEST(FaultPlanTest, RejectsMoveAttributeTargetThatIsNotAJsonPointer) {
  EXPECT_EQ(errorOf(R"([{"id":"m","kind":"move_attribute","from":"userName","to":"login"}])"),
            "f.json:/faults/0/to: must be a JSON pointer such as \"/urn:example:ext:User/login\", "
            "got \"login\"");
  EXPECT_EQ(errorOf(R"([{"id":"m","kind":"move_attribute","from":"userName","to":"/a~2"}])"),
            "f.json:/faults/0/to: must be a JSON pointer such as \"/urn:example:ext:User/login\", "
            "got \"/a~2\"");
}

TEST(FaultPlanTest, ParsesDriftAnnouncementsThrottleAndSlowBody) {
  const Scenario s = parsePlan(
      R"([{"id":"a","kind":"add_attribute","to":"costCenter","value":{"code":7},"announce":true},)"
      R"({"id":"r","kind":"rename_attribute","from":"userName","to":"login","announce":true},)"
      R"({"id":"t","kind":"throttle","capacity":40,"retry_after_seconds":3,"status":503},)"
      R"({"id":"s","kind":"slow_body","chunk_bytes":64,"delay_ms":5}])");
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].kind, FaultKind::AddAttribute);
  EXPECT_EQ(s.faults[0].to, "costCenter");
  EXPECT_EQ(s.faults[0].value_json, R"({"code":7})");
  EXPECT_TRUE(s.faults[0].announce);
  EXPECT_TRUE(s.faults[1].announce);
  EXPECT_EQ(s.faults[2].capacity, 40);
  EXPECT_EQ(s.faults[2].retry_after_seconds, 3);
  EXPECT_EQ(s.faults[2].status, 503);
  EXPECT_EQ(s.faults[3].chunk_bytes, 64);
  EXPECT_EQ(s.faults[3].delay_ms, 5);
  EXPECT_FALSE(
      parsePlan(R"([{"id":"r","kind":"remove_attribute","from":"x"}])").faults[0].announce);
}

TEST(FaultPlanTest, RejectsThrottleWithoutCapacityOrOnTheTokenEndpoint) {
  EXPECT_EQ(errorOf(R"([{"id":"t","kind":"throttle"}])"), "f.json:/faults/0/capacity: is required");
  EXPECT_EQ(errorOf(R"([{"id":"t","kind":"throttle","capacity":0}])"),
            "f.json:/faults/0/capacity: must be >= 1, got 0");
  EXPECT_EQ(errorOf(R"([{"id":"t","kind":"throttle","capacity":5,"match":{"resource":"token"}}])"),
            "f.json:/faults/0/match/resource: throttle cannot hit the token endpoint");
}

TEST(FaultPlanTest, RejectsAddAttributeThatIsNotAPlainNameOrCannotHit) {
  EXPECT_EQ(errorOf(R"([{"id":"a","kind":"add_attribute","to":"name.given"}])"),
            "f.json:/faults/0/to: must be a plain attribute name, got \"name.given\"");
  EXPECT_EQ(
      errorOf(R"([{"id":"a","kind":"add_attribute","to":"x","match":{"methods":["DELETE"]}}])"),
      "f.json:/faults/0/match/methods: add_attribute only hits GET (adds it) and PUT or POST "
      "(requires it)");
  EXPECT_EQ(errorOf(R"([{"id":"a","kind":"empty_page","announce":true}])").substr(0, 40),
            "f.json:/faults/0/announce: unknown key; ");
}

TEST(FaultPlanTest, ParsesIdFormatAndOperationMatch) {
  const Scenario s = parseScenario(
      R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync"},{"op":"sync"}],)"
      R"("faults":[{"id":"i","kind":"change_id_format","style":"uppercase",)"
      R"("match":{"operation":{"from":2}}}]})",
      "f.json");
  EXPECT_EQ(s.faults[0].kind, FaultKind::ChangeIdFormat);
  EXPECT_EQ(s.faults[0].style, "uppercase");
  ASSERT_TRUE(s.faults[0].match.operation.has_value());
  EXPECT_EQ(s.faults[0].match.operation->from, 2);
  EXPECT_EQ(parsePlan(R"([{"id":"i","kind":"change_id_format"}])").faults[0].style, "compact");
  EXPECT_EQ(errorOf(R"([{"id":"i","kind":"change_id_format","style":"lower"}])"),
            "f.json:/faults/0/style: must be \"compact\" or \"uppercase\", got \"lower\"");
}

TEST(FaultPlanTest, RejectsOperationBeyondTheScenariosOperations) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page","match":{"operation":{"from":2}}}])"),
            "f.json:/faults/0/match/operation/from: the scenario has 1 operation(s), got 2");
}

TEST(FaultPlanTest, AMisspeltKindIsTheOnlyErrorAndGetsASuggestion) {
  // The rule's own keys are not called unknown: which keys a rule may have
  // depends on the kind the author meant.
  const std::string error =
      errorOf(R"([{"id":"x","kind":"rate_limt","status":503,"retry_after_seconds":2}])");
  EXPECT_EQ(error.substr(0, error.find("; known: ")),
            "f.json:/faults/0/kind: unknown fault kind \"rate_limt\" (did you mean "
            "\"rate_limit\"?)");
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(FaultPlanTest, RejectsEveryRuleFieldOfTheWrongType) {
  for (const std::string key : {"id", "kind", "match", "min_fires", "max_fires"}) {
    nlohmann::json rule = {{"id", "x"}, {"kind", "empty_page"}};
    rule[key] = nlohmann::json::array({true});
    const std::string error = errorOf("[" + rule.dump() + "]");
    EXPECT_NE(error.find("f.json:/faults/0/" + key + ": must be"), std::string::npos) << error;
  }
  for (const std::string key :
       {"methods", "resource", "id", "page", "ordinal", "attempt", "window_ms", "operation",
        "probability"}) {
    const std::string error =
        errorOf(R"([{"id":"x","kind":"empty_page","match":{")" + key + R"(":true}}])");
    EXPECT_NE(error.find("f.json:/faults/0/match/" + key + ": must be"), std::string::npos)
        << error;
  }
  for (const std::string key : {"from", "to"}) {
    const std::string error =
        errorOf(R"([{"id":"x","kind":"empty_page","match":{"page":{")" + key + R"(":"1"}}}])");
    EXPECT_NE(error.find("f.json:/faults/0/match/page/" + key + ": must be"), std::string::npos)
        << error;
  }
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page","match":{"methods":[7]}}])"),
            "f.json:/faults/0/match/methods/0: must be one of GET, POST, PUT, PATCH, DELETE, got 7");
  EXPECT_EQ(errorOf(R"([7])"), "f.json:/faults/0: must be an object, got 7");
}

TEST(FaultPlanTest, RejectsUnknownKindListingKnownOnes) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"jitter"}])"),
            "f.json:/faults/0/kind: unknown fault kind \"jitter\"; known: add_attribute, "
            "change_id_format, cursor_error, "
            "drop_connection, empty_page, "
            "garbage_body, kill_connector, latency, lost_response, lost_scope, move_attribute, partial_apply, "
            "rate_limit, "
            "remove_attribute, rename_attribute, retype_attribute, revoke_token, server_error, "
            "shifted_page, "
            "short_page, slow_body, stale_read, throttle, token_endpoint_error, total_results_lie, "
            "truncate_body, "
            "write_delayed, write_not_applied, write_reverted");
}

TEST(FaultPlanTest, RejectsRuleWithoutId) {
  EXPECT_EQ(errorOf(R"([{"kind":"empty_page"}])"), "f.json:/faults/0/id: is required");
}

TEST(FaultPlanTest, RejectsRuleWithoutKind) {
  EXPECT_EQ(errorOf(R"([{"id":"x"}])"), "f.json:/faults/0/kind: is required");
}

TEST(FaultPlanTest, RejectsDuplicateRuleId) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page"},{"id":"x","kind":"truncate_body"}])"),
            "f.json:/faults/1/id: duplicate rule id \"x\"");
}

TEST(FaultPlanTest, RejectsStatusTheKindDoesNotAllow) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"rate_limit","status":500}])"),
            "f.json:/faults/0/status: must be one of 429, 503, got 500");
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"server_error","status":429}])"),
            "f.json:/faults/0/status: must be one of 500, 502, 503, 504, got 429");
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"token_endpoint_error","status":502}])"),
            "f.json:/faults/0/status: must be one of 400, 401, 500, 503, got 502");
}

TEST(FaultPlanTest, RejectsRetryAfterFormatOtherThanSecondsOrDate) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"rate_limit","retry_after_format":"minutes"}])"),
            "f.json:/faults/0/retry_after_format: must be \"seconds\" or \"http-date\", got "
            "\"minutes\"");
}

TEST(FaultPlanTest, RejectsUnknownServerErrorBody) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"server_error","body":"xml"}])"),
            "f.json:/faults/0/body: must be \"json\", \"html\" or \"empty\", got \"xml\"");
}

TEST(FaultPlanTest, RejectsProbabilityAboveOne) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page","match":{"probability":1.5}}])"),
            "f.json:/faults/0/match/probability: must be in [0,1], got 1.5");
}

TEST(FaultPlanTest, RejectsRangeEndingBeforeItStarts) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page","match":{"page":{"from":3,"to":2}}}])"),
            "f.json:/faults/0/match/page/to: must be >= from (3), got 2");
}

TEST(FaultPlanTest, RejectsPageBelowOne) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page","match":{"page":{"from":0}}}])"),
            "f.json:/faults/0/match/page/from: must be >= 1, got 0");
}

TEST(FaultPlanTest, RejectsUnknownKeyInMatchListingAllowedOnes) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page","match":{"pages":1}}])"),
            "f.json:/faults/0/match/pages: unknown key; allowed: attempt, id, methods, operation, "
            "ordinal, page, probability, resource, window_ms");
}

TEST(FaultPlanTest, RejectsUnknownMethodQuotingIt) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"server_error","match":{"methods":["GET","FETCH"]}}])"),
            "f.json:/faults/0/match/methods/1: must be one of GET, POST, PUT, PATCH, DELETE, got "
            "\"FETCH\"");
  EXPECT_EQ(
      errorOf(R"([{"id":"x","kind":"server_error","match":{"methods":[7]}}])"),
      "f.json:/faults/0/match/methods/0: must be one of GET, POST, PUT, PATCH, DELETE, got 7");
}

TEST(FaultPlanTest, RejectsUnknownResource) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"server_error","match":{"resource":"Widgets"}}])"),
            "f.json:/faults/0/match/resource: must be one of Users, Groups, Entitlements, token, "
            "got \"Widgets\"");
}

TEST(FaultPlanTest, RejectsListOnlyKindOnTheTokenEndpoint) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"short_page","match":{"resource":"token"}}])"),
            "f.json:/faults/0/match/resource: short_page cannot hit the token endpoint");
}

TEST(FaultPlanTest, RejectsApiFaultsOnTheTokenEndpointThatCouldNeverFire) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"rate_limit","match":{"resource":"token"}}])"),
            "f.json:/faults/0/match/resource: rate_limit cannot hit the token endpoint");
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"server_error","match":{"resource":"token"}}])"),
            "f.json:/faults/0/match/resource: server_error cannot hit the token endpoint");
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"revoke_token","match":{"resource":"token"}}])"),
            "f.json:/faults/0/match/resource: revoke_token cannot hit the token endpoint");
}

TEST(FaultPlanTest, RejectsListOnlyKindLimitedToWriteMethods) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page","match":{"methods":["PATCH"]}}])"),
            "f.json:/faults/0/match/methods: empty_page only rewrites GET list pages");
}

TEST(FaultPlanTest, RejectsTokenEndpointErrorOnAnApiResource) {
  EXPECT_EQ(
      errorOf(R"([{"id":"x","kind":"token_endpoint_error","match":{"resource":"Users"}}])"),
      "f.json:/faults/0/match/resource: token_endpoint_error only hits the token endpoint, not "
      "\"Users\"");
}

TEST(FaultPlanTest, RejectsPageTogetherWithId) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"server_error",
                         "match":{"resource":"Users","id":"u-1","page":{"from":1,"to":1}}}])"),
            "f.json:/faults/0/match/page: a page can only be matched on a list (no id, not the "
            "token endpoint)");
}

TEST(FaultPlanTest, RejectsMinFiresAboveMaxFires) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"empty_page","min_fires":2,"max_fires":1}])"),
            "f.json:/faults/0/min_fires: must be <= max_fires (1), got 2");
}

TEST(FaultPlanTest, RejectsParameterOfAnotherKindAsUnknownKey) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"rate_limit","drop":2}])"),
            "f.json:/faults/0/drop: unknown key; allowed: id, kind, match, max_fires, min_fires, "
            "retry_after_format, retry_after_seconds, status");
}

TEST(FaultPlanTest, RejectsRenameToTheSameName) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"rename_attribute","from":"a","to":"a"}])"),
            "f.json:/faults/0/to: must differ from \"from\"");
}

TEST(FaultPlanTest, RejectsRenameWithoutFromAndTo) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"rename_attribute"}])"),
            "f.json:/faults/0/from: is required\n"
            "f.json:/faults/0/to: is required");
}

TEST(FaultPlanTest, RejectsTotalResultsLieWithoutTotal) {
  EXPECT_EQ(errorOf(R"([{"id":"x","kind":"total_results_lie"}])"),
            "f.json:/faults/0/total_results: is required");
}

TEST(FaultPlanTest, RejectsFaultsThatAreNotAnArrayOfObjects) {
  EXPECT_EQ(errorOf(R"({"id":"x"})"), "f.json:/faults: must be an array, got an object");
  EXPECT_EQ(errorOf(R"(["x"])"), "f.json:/faults/0: must be an object, got a string");
}

TEST(FaultPlanTest, CollectsEveryIssueAcrossRulesBeforeFailing) {
  EXPECT_EQ(errorOf(R"([{"id":"a","kind":"rate_limit","status":500},
                        {"kind":"short_page","drop":0},
                        {"id":"a","kind":"empty_page","match":{"probability":-0.1}}])"),
            "f.json:/faults/0/status: must be one of 429, 503, got 500\n"
            "f.json:/faults/1/id: is required\n"
            "f.json:/faults/1/drop: must be >= 1, got 0\n"
            "f.json:/faults/2/match/probability: must be in [0,1], got -0.1\n"
            "f.json:/faults/2/id: duplicate rule id \"a\"");
}

}  // namespace
}  // namespace faultline::scenarios
