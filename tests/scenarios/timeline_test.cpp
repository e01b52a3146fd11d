// The scenario's `timeline` and a sync's `rounds` (docs/scenario-format.md).
#include "scenarios/timeline.h"

#include <gtest/gtest.h>

#include <string>

#include "scenarios/config_error.h"
#include "scenarios/scenario.h"

namespace faultline::scenarios {
namespace {

// A scenario with two operations and the given timeline array.
std::string withTimeline(const std::string& timeline) {
  return R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync","rounds":3},{"op":"revoke","deprovision":1}],"timeline":)" +
         timeline + "}";
}

std::string errorOf(const std::string& text) {
  try {
    parseScenario(text, "s.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TimelineLoaderTest, LoadsEveryKindWithDefaults) {
  const Scenario s = parseScenario(withTimeline(R"([
      {"at_request": 6, "event": "joiner"},
      {"at_request": 11, "event": "leaver", "privileged": true, "non_human": true},
      {"before_operation": 2, "event": "mover"},
      {"at_request": 1, "event": "grant"},
      {"at_request": 2, "event": "ungrant"},
      {"at_request": 20, "event": "rotate_key"},
      {"at_request": 7, "event": "joiner", "groups": 0}])"),
                                   "s.json");
  ASSERT_EQ(s.timeline.size(), 7u);
  EXPECT_EQ(s.operations[0].rounds, 3);
  EXPECT_EQ(s.operations[1].rounds, 1);
  const TimelineEvent& joiner = s.timeline[0];
  EXPECT_EQ(joiner.index, 1);
  EXPECT_EQ(joiner.kind, TimelineEventKind::Joiner);
  EXPECT_EQ(joiner.at_request, 6u);
  EXPECT_EQ(joiner.before_operation, 0);
  EXPECT_EQ(joiner.groups, 1);
  EXPECT_TRUE(s.timeline[1].privileged);
  EXPECT_TRUE(s.timeline[1].non_human);
  EXPECT_EQ(s.timeline[2].before_operation, 2);
  EXPECT_EQ(s.timeline[2].at_request, 0u);
  EXPECT_EQ(s.timeline[5].kind, TimelineEventKind::RotateKey);
  EXPECT_EQ(s.timeline[6].groups, 0);
  EXPECT_STREQ(timelineEventKindName(TimelineEventKind::RotateKey), "rotate_key");
}

TEST(TimelineLoaderTest, NoTimelineMeansNoEvents) {
  const Scenario s = parseScenario(
      R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync"}]})", "s.json");
  EXPECT_TRUE(s.timeline.empty());
  EXPECT_EQ(s.operations[0].rounds, 1);
}

TEST(TimelineLoaderTest, LoadsTheBundledFreshnessScenario) {
  const Scenario s = loadScenario(std::string(FAULTLINE_SOURCE_DIR) + "/scenarios/freshness.json");
  EXPECT_EQ(s.operations.size(), 4u);  // four syncs, so events and faults are placed by sync
  ASSERT_EQ(s.timeline.size(), 4u);
  EXPECT_EQ(s.timeline[1].kind, TimelineEventKind::Leaver);
}

// Bad input.

TEST(TimelineLoaderTest, RejectsUnknownKind) {
  EXPECT_EQ(errorOf(withTimeline(R"([{"at_request": 3, "event": "promotion"}])")),
            "s.json:/timeline/0/event: must be one of: joiner, leaver, mover, grant, ungrant, "
            "rotate_key, got \"promotion\"");
}

TEST(TimelineLoaderTest, RejectsRequestOrdinalBelowOne) {
  EXPECT_EQ(errorOf(withTimeline(R"([{"at_request": 0, "event": "joiner"}])")),
            "s.json:/timeline/0/at_request: must be >= 1, got 0");
}

TEST(TimelineLoaderTest, RejectsOperationBeyondTheScenario) {
  EXPECT_EQ(errorOf(withTimeline(R"([{"before_operation": 3, "event": "mover"}])")),
            "s.json:/timeline/0/before_operation: the scenario has 2 operation(s), got 3");
}

TEST(TimelineLoaderTest, RejectsBothPlacesAndNeither) {
  EXPECT_EQ(
      errorOf(withTimeline(
          R"([{"at_request": 2, "before_operation": 1, "event": "grant"}, {"event": "grant"}])")),
      "s.json:/timeline/0: give one of at_request, before_operation, race_operation\n"
      "s.json:/timeline/1: needs one of at_request, before_operation, race_operation");
}

TEST(TimelineLoaderTest, LoadsARaceOnARevokeOperation) {
  const Scenario s =
      parseScenario(withTimeline(R"([{"race_operation": 2, "event": "joiner"}])"), "s.json");
  ASSERT_EQ(s.timeline.size(), 1u);
  EXPECT_EQ(s.timeline[0].race_operation, 2);
  EXPECT_EQ(s.timeline[0].at_request, 0u);
  EXPECT_EQ(s.timeline[0].before_operation, 0);
}

TEST(TimelineLoaderTest, RejectsARaceThatIsNotAJoinerOrNotOnARevoke) {
  EXPECT_EQ(errorOf(withTimeline(R"([{"race_operation": 2, "event": "leaver"}])")),
            "s.json:/timeline/0/race_operation: only a joiner can race a revoke operation");
  EXPECT_EQ(errorOf(withTimeline(R"([{"race_operation": 1, "event": "joiner"}])")),
            "s.json:/timeline/0/race_operation: operation 1 is not a revoke");
  EXPECT_EQ(errorOf(withTimeline(R"([{"race_operation": 3, "event": "joiner"}])")),
            "s.json:/timeline/0/race_operation: the scenario has 2 operation(s), got 3");
}

TEST(TimelineLoaderTest, RejectsAParameterOfAnotherKind) {
  EXPECT_EQ(errorOf(withTimeline(R"([{"at_request": 2, "event": "mover", "privileged": true}])")),
            "s.json:/timeline/0/privileged: unknown key; allowed: at_request, before_operation, "
            "event, race_operation");
}

TEST(TimelineLoaderTest, RejectsWrongTypes) {
  EXPECT_EQ(errorOf(withTimeline(R"({"at_request": 2})")),
            "s.json:/timeline: must be an array, got an object");
  EXPECT_EQ(errorOf(withTimeline(R"([{"at_request": 2, "event": "leaver", "privileged": "yes"}])")),
            "s.json:/timeline/0/privileged: must be true or false, got a string");
  EXPECT_EQ(errorOf(withTimeline(R"([{"at_request": 2, "event": "joiner", "groups": 65}])")),
            "s.json:/timeline/0/groups: must be <= 64, got 65");
}

TEST(TimelineLoaderTest, RejectsRoundsOutOfRangeAndOnRevoke) {
  EXPECT_EQ(
      errorOf(R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync","rounds":0}]})"),
      "s.json:/operations/0/rounds: must be >= 1, got 0");
  EXPECT_EQ(
      errorOf(R"({"faultline_scenario":1,"name":"n","operations":[{"op":"sync","rounds":101}]})"),
      "s.json:/operations/0/rounds: must be <= 100, got 101");
  EXPECT_EQ(
      errorOf(
          R"({"faultline_scenario":1,"name":"n","operations":[{"op":"revoke","deprovision":1,"rounds":2}]})"),
      "s.json:/operations/0/rounds: unknown key; allowed: deprovision, inherited_entitlements, "
      "label, op, remove_entitlements, remove_memberships");
}

}  // namespace
}  // namespace faultline::scenarios
