#include "scenarios/timeline.h"

#include <array>
#include <utility>

#include "scenarios/json_reader.h"

namespace faultline::scenarios {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<TimelineEventKind, const char*>, 6> kKinds = {{
    {TimelineEventKind::Joiner, "joiner"},
    {TimelineEventKind::Leaver, "leaver"},
    {TimelineEventKind::Mover, "mover"},
    {TimelineEventKind::Grant, "grant"},
    {TimelineEventKind::Ungrant, "ungrant"},
    {TimelineEventKind::RotateKey, "rotate_key"},
}};

std::string kindList() {
  std::string out;
  for (const auto& [kind, name] : kKinds) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

TimelineEvent readEvent(const json& node, const std::string& pointer, std::size_t operations,
                        std::vector<ConfigIssue>& issues) {
  TimelineEvent e;
  ObjectReader r(node, pointer, issues);
  const int placements = static_cast<int>(r.has("at_request")) +
                         static_cast<int>(r.has("before_operation")) +
                         static_cast<int>(r.has("race_operation"));
  e.at_request = static_cast<std::uint64_t>(r.integer("at_request", 0, 1, 1'000'000'000));
  e.before_operation = static_cast<int>(r.integer("before_operation", 0, 1, 100'000));
  e.race_operation = static_cast<int>(r.integer("race_operation", 0, 1, 100'000));
  for (const auto& [key, value] : {std::pair{"before_operation", e.before_operation},
                                   std::pair{"race_operation", e.race_operation}}) {
    if (operations != 0 && value > static_cast<int>(operations)) {
      r.fail(key, "the scenario has " + std::to_string(operations) + " operation(s), got " +
                      std::to_string(value));
    }
  }
  if (r.valid() && placements != 1) {
    issues.push_back({pointer, placements == 0
                                   ? "needs one of at_request, before_operation, race_operation"
                                   : "give one of at_request, before_operation, race_operation"});
  }
  const auto kind = r.string("event", true);
  bool known = false;
  for (const auto& [k, name] : kKinds) {
    if (kind && *kind == name) {
      e.kind = k;
      known = true;
    }
  }
  if (kind && !known) r.fail("event", "must be one of: " + kindList() + ", got \"" + *kind + "\"");
  if (known && e.kind != TimelineEventKind::Joiner && e.race_operation > 0)
    r.fail("race_operation", "only a joiner can race a revoke operation");
  // Parameters of other kinds stay unread, so finish() names them unknown.
  if (known && e.kind == TimelineEventKind::Joiner) {
    e.groups = static_cast<int>(r.integer("groups", e.groups, 0, 64));
  } else if (known && e.kind == TimelineEventKind::Leaver) {
    e.privileged = r.boolean("privileged", false);
    e.non_human = r.boolean("non_human", false);
  }
  r.finish();
  return e;
}

}  // namespace

const char* timelineEventKindName(TimelineEventKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::vector<TimelineEvent> readTimeline(const json& node, const std::string& pointer,
                                        std::size_t operations, std::vector<ConfigIssue>& issues) {
  std::vector<TimelineEvent> events;
  for (std::size_t i = 0; i < node.size(); ++i) {
    TimelineEvent e = readEvent(node[i], pointer + "/" + std::to_string(i), operations, issues);
    e.index = static_cast<int>(i) + 1;
    events.push_back(e);
  }
  return events;
}

}  // namespace faultline::scenarios
