#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scenarios/config_error.h"

namespace faultline::scenarios {

// The fault kinds the mock target can inject (docs/scenario-format.md,
// "faults"). Pre-response kinds replace the answer; post-response kinds
// rewrite a successful one.
enum class FaultKind {
  RateLimit,           // 429 (or 503) with Retry-After, X-Rate-Limit-* headers
  ServerError,         // 500/502/503/504 with a JSON, HTML or empty body
  RevokeToken,         // revokes the presented bearer token: 401 invalid_token from then on
  TokenEndpointError,  // the token endpoint answers invalid_client or 5xx
  ShortPage,           // drops items from the end of a list page; totalResults unchanged
  EmptyPage,           // a list page with no Resources while more remain
  TotalResultsLie,     // totalResults reported as `total_results`
  TruncateBody,        // the body cut in half, mid-JSON
  RenameAttribute,     // an attribute renamed in every resource of the body (silent schema drift)
  RetypeAttribute,     // an attribute's value sent as a string ("false" for false): a type change
  RemoveAttribute,     // an attribute left out of every resource (silent drift)
  MoveAttribute,       // an attribute moved to a JSON pointer, e.g. into an extension object
  WriteNotApplied,     // a write answered 204 that never applies
  WriteDelayed,        // a write answered 204 that applies after `after_requests` more requests
  WriteReverted,       // a write applied, then undone after `after_requests` more requests
  PartialApply,        // a write applied except its effect on API keys (disabled, keys live)
  StaleRead,           // a read served from a replica `lag_writes` writes behind
  LostScope,           // the client lost read permission: 403 insufficient_scope, or 200 and empty
  Latency,             // the answer is held `delay_ms` plus a seeded 0..`jitter_ms`
  GarbageBody,         // 200 whose body is seeded random bytes labelled as JSON
  DropConnection,      // headers sent, then the connection closes before the body
  LostResponse,        // a write applied, then the connection drops before the answer
  ShiftedPage,     // a list page served from startIndex + shift, as if records moved mid-listing
  CursorError,     // a cursor refused: 400 invalidCursor or expiredCursor
  AddAttribute,    // an unknown attribute added to every resource; PUT/POST without it refused
  Throttle,        // a per-client token bucket: `capacity` requests, then 429 until Retry-After
  SlowBody,        // the body sent in `chunk_bytes` pieces, `delay_ms` apart
  ChangeIdFormat,  // resource ids sent in another format (uppercase, or compact vendor ids)
  KillConnector,   // the request is served, then the connector's process group gets SIGKILL
};

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
  std::string body = "json";  // server_error: json, html, empty
  std::string error = "invalid_client";
  int drop = 1;  // short_page: items dropped
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

const char* faultKindName(FaultKind kind);

// Reads the scenario's "faults" array; issues carry JSON pointers under
// `pointer`. Used only by the scenario loader.
std::vector<FaultRule> readFaultPlan(const nlohmann::json& node, const std::string& pointer,
                                     std::vector<ConfigIssue>& issues);

}  // namespace faultline::scenarios
