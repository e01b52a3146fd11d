#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scenarios/config_error.h"

namespace faultline::scenarios {

enum class TimelineEventKind { Joiner, Leaver, Mover, Grant, Ungrant, RotateKey };

// One lifecycle event of a scenario's timeline (docs/scenario-format.md,
// "timeline"). It is placed in the request sequence, never on the clock:
// exactly one of `at_request`, `before_operation` and `race_operation` is
// above 0.
struct TimelineEvent {
  int index = 0;  // 1-based position in the scenario's timeline
  TimelineEventKind kind = TimelineEventKind::Joiner;
  std::uint64_t at_request = 0;  // lands just before this journal seq (1-based)
  int before_operation = 0;      // lands just before this operation (1-based)
  // Joiner only: lands during this revoke operation (1-based), right after the
  // connector's first successful read of a group one of its remove-membership
  // actions names, and joins that group: the read-modify-write race.
  int race_operation = 0;
  int groups = 1;           // joiner: direct memberships of the new account
  bool privileged = false;  // leaver: pick only privileged accounts
  bool non_human = false;   // leaver: pick only service accounts
};

const char* timelineEventKindName(TimelineEventKind kind);

// Reads the `timeline` array; `operations` is the scenario's operation count
// (0 when unknown), which bounds `before_operation`. Records every problem in
// `issues`.
std::vector<TimelineEvent> readTimeline(const nlohmann::json& node, const std::string& pointer,
                                        std::size_t operations, std::vector<ConfigIssue>& issues);

}  // namespace faultline::scenarios
