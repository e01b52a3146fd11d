#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace faultline::scenarios {

class ObjectReader;
struct FaultRule;

// The fault kinds the mock target can inject (docs/scenario-format.md,
// "faults"). Everything else about a kind lives in its row of faultKinds().
enum class FaultKind {
  RateLimit,           // 429 (or 503) with Retry-After and the dialect's rate-limit headers
  ServerError,         // 500/502/503/504 with a JSON, HTML or empty body
  RevokeToken,         // revokes the presented bearer token: 401 invalid_token from then on
  TokenEndpointError,  // the token endpoint answers invalid_client or 5xx
  ShortPage,           // drops items from the end of a list page; the total unchanged
  EmptyPage,           // a list page with no items while more remain
  TotalResultsLie,     // the list total reported as `total_results`
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
  ShiftedPage,         // a list page served from a moved position, as if records moved mid-listing
  CursorError,         // a cursor refused as invalid or expired
  AddAttribute,        // an unknown attribute added to every resource; writes without it refused
  Throttle,            // a per-client token bucket: `capacity` requests, then 429 until Retry-After
  SlowBody,            // the body sent in `chunk_bytes` pieces, `delay_ms` apart
  ChangeIdFormat,      // resource ids sent in another format (uppercase, or compact vendor ids)
  KillConnector,       // the request is served, then the connector's process group gets SIGKILL
};

// What a fault does to the connector's view of the target, for people
// reading a plan and for generators that pick faults by family.
enum class FaultFamily {
  RateLimit,  // refusals that ask the client to slow down
  Server,     // the target failing outright
  Auth,       // tokens and the token endpoint
  Paging,     // list pages that lose, repeat or misreport records
  Schema,     // resources whose shape changed
  Write,      // writes that do not do what their answer says
  Staleness,  // reads that are out of date or empty for the wrong reason
  Transport,  // the bytes or the connection, not the API
  Identity,   // how resources are named
  Process,    // the connector's own process
};

// Where in serving a request the fault acts.
enum class FaultPhase {
  BeforeHandler,     // decides the answer instead of the handler
  HandlerView,       // changes which tenant state the handler reads
  WriteEffect,       // changes what a write does to the tenant
  ResponseRewrite,   // rewrites a successful answer
  Transport,         // changes how the answer's bytes travel
  ConnectorProcess,  // acts on the connector's process, not on the answer
};

// The kinds of request a dialect tells apart, as bits so a kind's row can
// name several.
enum RequestKindBits : unsigned {
  kList = 1u << 0,       // a page of a resource listing
  kRead = 1u << 1,       // one resource by id
  kWrite = 1u << 2,      // a create, change or delete
  kToken = 1u << 3,      // the token endpoint
  kDiscovery = 1u << 4,  // schema and service descriptions
};

// "list", "read", "write", "token", "discovery"; "" for none or several.
std::string_view requestKindName(unsigned bit);
// "list, read or write": the request kinds in `bits`, for error messages.
std::string describeRequestKinds(unsigned bits);

// One parameter of a fault kind. The loader takes ranges, choices and
// defaults from here, and docs/scenario-format.md lists the same.
struct FaultParam {
  enum class Type { Integer, Text, Choice, Boolean, Json, Pointer };
  std::string_view name;
  Type type = Type::Integer;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t default_integer = 0;
  std::string_view default_text;  // Text, Choice
  std::vector<std::string_view> choices;
  bool required = false;
};

struct FaultKindInfo;

// Reads a rule's parameters against its kind's row: a parameter the row does
// not declare is a programming error, caught by the kinds test.
class FaultParamReader {
 public:
  FaultParamReader(ObjectReader& reader, const FaultKindInfo& info) : r_(reader), info_(info) {}
  std::int64_t integer(std::string_view name);
  std::string text(std::string_view name);  // Text, Choice and Pointer
  bool boolean(std::string_view name);
  const nlohmann::json* json(std::string_view name);
  bool has(std::string_view name) const;
  void fail(std::string_view name, std::string message);
  bool valid() const;

 private:
  const FaultParam& param(std::string_view name, FaultParam::Type type) const;
  ObjectReader& r_;
  const FaultKindInfo& info_;
};

struct FaultKindInfo {
  FaultKind kind;
  std::string_view name;  // as spelt in scenarios
  FaultFamily family;
  FaultPhase phase;
  unsigned requests;  // RequestKindBits it can act on
  // Whether the connector still got a usable answer (slowed, reshaped,
  // stale): asking again gains nothing, so the request counts towards the
  // connector's request budget.
  bool answer_usable;
  std::vector<FaultParam> params;
  std::function<void(FaultParamReader&, FaultRule&)> read;
};

// Every kind, in enum order.
const std::vector<FaultKindInfo>& faultKinds();
const FaultKindInfo& faultKindInfo(FaultKind kind);
// Null when no kind is spelt `name`.
const FaultKindInfo* findFaultKind(std::string_view name);
const char* faultKindName(FaultKind kind);

}  // namespace faultline::scenarios
