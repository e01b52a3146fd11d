#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mocks/journal.h"
#include "scenarios/fault_plan.h"

namespace faultline::mocks {

class Dialect;
struct MockResponse;

// What a request is, in the terms fault rules match on.
struct FaultRequest {
  std::string method;
  std::string path;
  std::string query;
  std::string resource;           // the dialect's resource type, "token", or ""
  std::string id;                 // resource id for item requests
  std::optional<long long> page;  // list page (1-based), from startIndex and count
  std::uint64_t ordinal = 0;      // journal sequence number
  std::int64_t t_ms = 0;          // drill clock
  std::string client;             // OAuth client id, or "" when none
  bool cursor = false;            // carries a non-empty pagination cursor
  std::string_view body;          // request body (add_attribute checks writes)
  // scenarios::RequestKindBits as the dialect classified the request; 0
  // when it could not, and the engine then goes by the method.
  unsigned kind = 0;
};

// The rules that fired on one request, in plan order, and what to record.
struct FaultDecision {
  // The plan the decision was made with: a runtime change replaces the
  // engine's plan, never this one, so `fired` stays valid while the request
  // is served.
  std::shared_ptr<const std::vector<scenarios::FaultRule>> plan;
  std::vector<const scenarios::FaultRule*> fired;
  std::string note;  // e.g. "retry-after violation: 412 ms early"
  // How early the client came back after a Retry-After it was given.
  std::optional<std::int64_t> retry_after_early_ms;
  // A throttle's budget that every answer to this request reports, in the
  // dialect's rate-limit headers.
  struct Budget {
    std::int64_t limit = 0;
    std::int64_t remaining = 0;
  };
  std::optional<Budget> budget;
  std::int64_t throttle_retry_after_s = 0;  // seconds a throttle refusal announces
  bool firedKind(scenarios::FaultKind kind) const;
  // The first fired rule of `kind`, or null.
  const scenarios::FaultRule* rule(scenarios::FaultKind kind) const;
};

// Records that `rule` acted on a request: its words join `note` as
// "fault <id> (<kind>): <effect>" and its record joins `faults`.
void recordFault(std::string& note, std::vector<FaultRecord>& faults,
                 const scenarios::FaultRule& rule, const std::string& effect,
                 std::vector<std::pair<std::string, std::int64_t>> figures = {});

// One rule of the engine's plan and what it has done, for people and the
// admin API.
struct FaultRuleState {
  scenarios::FaultRule rule;
  bool enabled = true;
  int version = 1;            // 1 as loaded; each replaceRule adds one
  int fires = 0;              // since the engine was made
  int fires_since_reset = 0;  // what max_fires counts (resetRequestState)
};

// Decides which fault rules hit a request and applies them to responses.
// A decision is a pure function of (seed, rule id, request key): the key is
// the request's method, path, query and its attempt number (how many times
// the same request was seen before), so a replay with the same request
// sequence fires the same faults whatever thread serves it. Counters
// (attempts, firings, max_fires, Retry-After deadlines) are guarded by a
// mutex. Thread-safe.
//
// The plan can change while requests are served (`faultline mock`'s admin
// API): a change swaps in a new immutable plan under the mutex, so each
// request is decided wholly by the plan before or after it. Rules are only
// added, never removed, so a rule keeps its index, id and counters through
// every change; a rule decides the same whether it was loaded or added.
class FaultEngine {
 public:
  FaultEngine(std::vector<scenarios::FaultRule> rules, std::uint64_t seed);

  FaultDecision decide(const FaultRequest& request);

  // Pre-response faults replace the answer; nullopt when none of `decision`
  // is one. The answer is in `dialect`'s own signals.
  std::optional<MockResponse> preResponse(const FaultDecision& decision,
                                          const FaultRequest& request,
                                          const Dialect& dialect) const;
  // How long the latency rule in `decision` holds this request; 0 when none.
  // Seeded, so a replay waits the same.
  std::int64_t latencyMs(const FaultDecision& decision, const FaultRequest& request) const;
  // Rewrites a successful response for the post-response faults in
  // `decision`; returns a description of what changed ("" when nothing).
  // A post-response rule counts as fired only when it changed something.
  std::string rewrite(const FaultDecision& decision, MockResponse& response,
                      const Dialect& dialect);

  // Firings so far, by rule id (every rule listed, zero included).
  std::map<std::string, int> firings() const;
  std::size_t retryAfterViolations() const;
  // The scenario operation now running (1-based; 0 before the first), for
  // `match.operation`. Operations run one after another, so this is part of
  // the request sequence, not of the clock.
  void setOperation(int index) { operation_.store(index); }
  // Whether the plan changes id formats: the server then takes either form.
  bool changesIds() const { return changes_ids_.load(); }
  // The plan now in force.
  std::shared_ptr<const std::vector<scenarios::FaultRule>> rules() const;

  // Runtime changes. Each returns false, changing nothing, when no rule has
  // `id` (addRule: when one already has).
  std::vector<FaultRuleState> ruleStates() const;
  bool setEnabled(const std::string& id, bool enabled);
  // Replaces the rule with `rule.id`; it keeps its place and counters. A
  // throttle's per-client buckets start full at the new capacity.
  bool replaceRule(scenarios::FaultRule rule);
  bool addRule(scenarios::FaultRule rule);
  // Forgets what requests have done so far (attempt numbers, throttle
  // buckets, Retry-After deadlines, the matches kill_connector let through,
  // firings towards max_fires), so the same requests meet the same faults
  // again. `fires` totals stay.
  void resetRequestState();

  // The pure part of a decision, exposed for tests and benchmarks.
  bool matches(const scenarios::FaultRule& rule, const FaultRequest& request,
               std::int64_t attempt) const;

 private:
  using Plan = std::vector<scenarios::FaultRule>;
  // Index of rule `id` in plan_, or -1; caller holds mutex_.
  std::ptrdiff_t indexOf(const std::string& id) const;
  void noteIdChanges();  // caller holds mutex_

  const std::uint64_t seed_;
  std::atomic<int> operation_{0};
  std::atomic<bool> changes_ids_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<const Plan> plan_;  // guarded by mutex_; replaced, never changed
  std::vector<char> enabled_;         // guarded by mutex_; per rule
  std::vector<int> versions_;         // guarded by mutex_; per rule
  std::unordered_map<std::string, std::int64_t> attempts_;  // guarded by mutex_
  std::vector<int> fired_;        // guarded by mutex_; per rule, since resetRequestState
  std::vector<int> fired_total_;  // guarded by mutex_; per rule
  std::vector<int> passed_;       // guarded by mutex_; per rule: matches kill_connector let through
  std::unordered_map<std::string, std::int64_t> retry_at_ms_;  // guarded by mutex_; per client
  // A throttle rule's token bucket for one client.
  struct Bucket {
    int tokens = 0;
    std::int64_t refill_at_ms = -1;  // -1: not empty
  };
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mutex_; "rule\nclient"
  bool throttle(const scenarios::FaultRule& rule, const std::string& client, std::int64_t t_ms,
                FaultDecision& decision);
  void countFiring(std::size_t index);      // caller holds mutex_
  std::size_t retry_after_violations_ = 0;  // guarded by mutex_
};

}  // namespace faultline::mocks
