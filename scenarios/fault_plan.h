#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scenarios/config_error.h"
#include "scenarios/fault_kinds.h"

namespace faultline::scenarios {

struct Range {
  std::int64_t from = 0;
  std::int64_t to = 0;  // inclusive
  bool contains(std::int64_t v) const { return v >= from && v <= to; }
};

// Which requests a rule may hit. Every criterion given must hold.
struct FaultMatch {
  std::set<std::string> methods;   // empty: any
  std::string resource;            // Users, Groups, Entitlements, token; "": any
  std::string id;                  // a single resource id; "": any
  std::optional<Range> page;       // 1-based list page, from startIndex and count
  std::optional<Range> ordinal;    // 1-based request ordinal within the drill
  std::optional<Range> attempt;    // 1-based repeat count of the identical request
  std::optional<Range> window_ms;  // drill clock
  std::optional<Range> operation;  // 1-based index of the scenario operation running
  double probability = 1.0;
};

struct FaultRule {
  std::string id;
  FaultKind kind = FaultKind::ServerError;
  FaultMatch match;
  int min_fires = 0;   // fewer firings make the drill inconclusive
  int max_fires = -1;  // -1: unlimited
  // Parameters; each kind reads only its own (the loader rejects others).
  int status = 0;
  int retry_after_seconds = 1;
  bool retry_after_http_date = false;
  std::string body = "json";             // server_error: json, html, empty
  std::string error = "invalid_client";  // token_endpoint_error; cursor_error: its mode
  int drop = 1;                          // short_page: items dropped
  std::int64_t total_results = 0;
  std::string from, to;    // rename_attribute
  int after_requests = 1;  // write_delayed, write_reverted
  int lag_writes = 1;      // stale_read
  bool silent = false;     // lost_scope: answer 200 with an empty list instead of 403
  int delay_ms = 0;        // latency
  int jitter_ms = 0;       // latency
  int shift = 0;           // shifted_page: > 0 skips items, < 0 repeats the previous page's last
  // Schema drift kinds: also change what /Schemas says (announced drift).
  bool announce = false;
  std::string value_json = "\"\"";  // add_attribute: the value added, as JSON text
  int capacity = 0;                 // throttle: requests per refill
  int chunk_bytes = 0;              // slow_body
  std::string style;                // change_id_format: uppercase, compact
  int after_matches = 0;            // kill_connector: matching requests let through first
};

// Reads one rule as a scenario's "faults" array holds it: its kind's
// parameters and whether it can ever hit are checked, issues carry JSON
// pointers under `pointer`. A running `faultline mock` reads added and
// changed rules with it, so they pass exactly the checks a scenario's do.
FaultRule readFaultRule(const nlohmann::json& node, const std::string& pointer,
                        std::vector<ConfigIssue>& issues);

// Reads the scenario's "faults" array; issues carry JSON pointers under
// `pointer`. Used only by the scenario loader.
std::vector<FaultRule> readFaultPlan(const nlohmann::json& node, const std::string& pointer,
                                     std::vector<ConfigIssue>& issues);

}  // namespace faultline::scenarios
