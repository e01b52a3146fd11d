#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "mocks/clock.h"
#include "mocks/tenant.h"
#include "scenarios/timeline.h"

namespace faultline::mocks {

// What one timeline event did to the tenant, or that it never landed.
struct AppliedEvent {
  int index = 0;  // 1-based position in the scenario's timeline
  scenarios::TimelineEventKind kind = scenarios::TimelineEventKind::Joiner;
  bool applied = false;
  // The last journal seq served before the event landed: where it sits in
  // the request sequence (docs/scoring.md, "When an event happened").
  std::uint64_t position = 0;
  std::int64_t applied_ms = 0;                // drill clock; for lag reporting, never for decisions
  std::string account;                        // the account the event changed (joiner: created)
  std::vector<std::string> groups;            // joiner: groups it joined
  std::vector<std::string> keys_deactivated;  // leaver: keys it deactivated
  std::string group_from, group_to;           // mover
  std::string entitlement;                    // grant, ungrant
  std::string old_key, new_key;               // rotate_key
  std::string what;                           // "account X disabled, 2 API key(s) deactivated"

  // The ids the event names, account first.
  std::vector<std::string> subjects() const;
};

// Applies a scenario's lifecycle events to the tenant through its write API,
// with cause "timeline event N (KIND)". Which account (group, entitlement,
// key) an event picks is a seeded choice from (seed, event index) over the
// tenant as it is when the event lands; an account an earlier event changed
// is never picked again. Thread-safe: events land from HTTP handler threads.
class Timeline {
 public:
  Timeline(std::vector<scenarios::TimelineEvent> events, std::uint64_t seed, Tenant& tenant,
           const Clock& clock);

  const std::vector<scenarios::TimelineEvent>& events() const { return events_; }
  // Lands event `index` (1-based) after journal seq `position`, once; returns
  // "timeline event N (KIND): what changed". A joiner given `into_group`
  // joins that group first (a race_operation event).
  std::string apply(int index, std::uint64_t position, const std::string& into_group = "");
  // Every event in timeline order, landed or not.
  std::vector<AppliedEvent> outcomes() const;

 private:
  AppliedEvent land(const scenarios::TimelineEvent& event, const std::string& into_group);
  AppliedEvent joiner(const scenarios::TimelineEvent& event, const std::string& cause,
                      const std::string& into_group);
  AppliedEvent leaver(const scenarios::TimelineEvent& event, const std::string& cause);
  AppliedEvent mover(const scenarios::TimelineEvent& event, const std::string& cause);
  AppliedEvent grant(const scenarios::TimelineEvent& event, const std::string& cause, bool add);
  AppliedEvent rotateKey(const scenarios::TimelineEvent& event, const std::string& cause);

  const std::vector<scenarios::TimelineEvent> events_;
  const std::uint64_t seed_;
  Tenant& tenant_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<AppliedEvent> outcomes_;  // guarded by mutex_; one per event
  std::set<std::string> changed_;       // guarded by mutex_; accounts events changed
};

}  // namespace faultline::mocks
