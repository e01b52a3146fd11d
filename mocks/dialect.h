#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/journal.h"
#include "mocks/tenant.h"
#include "scenarios/fault_kinds.h"

namespace faultline::mocks {

// A request as dialect handlers see it: no cpp-httplib types, so a dialect is
// a table of plain functions that tests can call without a socket.
struct MockRequest {
  std::uint64_t seq = 0;  // journal sequence number
  std::string method;
  std::string path;
  std::string query;  // raw, without '?'
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> captures;  // regex groups of the route pattern
  std::string body;
  std::string token_id;  // set by the server once the bearer token checked out
  // Set when a stale-read fault serves this request from a lagging replica:
  // handlers read this view instead of the live tenant.
  std::shared_ptr<const TenantState> view;

  // Case-insensitive header lookup; "" when absent.
  std::string header(std::string_view name) const;
  const std::string* param(std::string_view name) const;
  std::string cause() const { return "request #" + std::to_string(seq); }
};

struct MockResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string note;                 // recorded in the journal, never sent
  std::vector<FaultRecord> faults;  // the faults that shaped this answer, for the journal
  std::optional<std::int64_t> retry_after_early_ms;  // the client ignored a Retry-After
  bool drop_before_body = false;                     // send the headers, then close the connection
  // Slow body: sent in pieces of this many bytes, `slow_delay_ms` apart (0: at once).
  int slow_chunk_bytes = 0;
  int slow_delay_ms = 0;
};

// Where a request lands, in the terms fault rules match on and the journal
// records. The dialect classifies; nothing outside it reads a URL's shape.
struct RequestTarget {
  unsigned kind = 0;  // one of scenarios::RequestKindBits; 0 when unknown
  // The tenant object type addressed, in the vocabulary fault rules match
  // on whatever the API calls it: Users, Groups, Entitlements; "token" for
  // the token endpoint; "" for anything else.
  std::string resource;
  std::string id;                   // the resource addressed, for reads and writes of one resource
  std::optional<long long> page;    // 1-based list page
  std::optional<long long> offset;  // 0-based index of the page's first item
  bool cursor = false;              // a list request that carries a non-empty cursor
};

// A list position a shifted-page fault moved: what the client asked for, in
// the dialect's own terms, and a description of what was served instead.
struct ShiftedPosition {
  std::string asked;
  std::string served;
};

// What an error answer means, so the fault engine can ask a dialect for one
// without knowing how that API spells it.
enum class ErrorMeaning {
  InvalidToken,       // missing, expired or revoked credentials
  InsufficientScope,  // the credentials may not read this
  RateLimited,        // slow down
  NotFound,
  Conflict,
  ServerError,
  InvalidValue,   // a write the target refuses for its content
  InvalidCursor,  // a paging cursor the target does not know
  ExpiredCursor,  // a paging cursor that has timed out
  // The token endpoint refused the client; `detail` is then the OAuth 2.0
  // error code (RFC 6749 §5.2), e.g. invalid_client.
  TokenRefused,
};

enum class AuthMode { None, Bearer };

struct Route {
  std::string method;   // GET, POST, PUT, PATCH, DELETE
  std::string pattern;  // ECMAScript regex over the whole path
  AuthMode auth = AuthMode::Bearer;
  std::function<MockResponse(const MockRequest&)> handler;
};

// One API personality over the shared tenant, journal and token issuer. A
// dialect says which routes it serves and how its errors look; the server
// supplies auth, journaling and exception safety to every route alike.
class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string name() const = 0;
  virtual std::vector<Route> routes() = 0;
  // The path every route of the API starts with: {target_url} points here.
  virtual std::string basePath() const { return ""; }
  // The dialect's answer to a missing, expired or unknown bearer token.
  // `token_presented` is false when the request carried no bearer token at
  // all: RFC 6750 §3.1 then wants a challenge without an error code.
  virtual MockResponse unauthorized(const std::string& description, bool token_presented) const = 0;
  // The dialect's answer to a path it does not serve.
  virtual MockResponse notFound(const std::string& path) const = 0;
  // What the request addresses, for fault matching.
  virtual RequestTarget classify(const MockRequest& request) const = 0;
  // The dialect's answer when a handler threw: a harness bug, never the
  // connector's fault.
  virtual MockResponse internalError(const std::string& detail) const = 0;
  // The dialect's answer to a request the HTTP layer refused before any route
  // saw it: `status` is 400 (not HTTP), 413 (body too large), 414 and so on.
  virtual MockResponse refused(int status, const std::string& detail) const = 0;

  // How faults speak this API. Each answer is what the real API sends for
  // that meaning, so a connector's own error handling is what gets tested.
  // The defaults suit an API with plain JSON errors and bare JSON arrays as
  // lists, and no schema documents.
  virtual MockResponse error(ErrorMeaning meaning, int status, const std::string& detail) const;
  // The media type the API labels its JSON with.
  virtual std::string contentType() const { return "application/json"; }
  // The rate-limit headers the API sends with a refusal or a throttled answer.
  // `reset_epoch_s` is when the budget refills, when that is known.
  virtual std::vector<std::pair<std::string, std::string>> rateLimitHeaders(
      std::int64_t limit, std::int64_t remaining, std::optional<std::int64_t> reset_epoch_s) const;
  // A successful list page with no items and a total of zero.
  virtual std::string emptyList() const { return "[]"; }

  // The list envelope. `listItems` is the array of resources in a list
  // answer, or null when `body` is not one; `itemsChanged` updates whatever
  // the envelope says about the page after items were dropped or added.
  virtual nlohmann::ordered_json* listItems(nlohmann::ordered_json& body) const;
  virtual void itemsChanged(nlohmann::ordered_json&) const {}
  // The total the envelope claims, and a way to claim another; nullopt and
  // false when the API's lists carry no total.
  virtual std::optional<long long> listTotal(const nlohmann::ordered_json&) const {
    return std::nullopt;
  }
  virtual bool setListTotal(nlohmann::ordered_json&, long long) const { return false; }

  // Serves a list page from `shift` items further on, as if records moved
  // while the client paged. Returns what the client asked for (to restore in
  // the answer) and what was served, or nullopt when it cannot be shifted.
  virtual std::optional<ShiftedPosition> shiftPage(MockRequest&, int) const { return std::nullopt; }
  virtual void restorePage(MockResponse&, const std::string&) const {}

  // Whether `body` describes the API's schemas (announced drift rewrites it).
  virtual bool isSchemaDescription(const nlohmann::ordered_json&) const { return false; }
  // Changes a schema description to announce a drift fault's change;
  // returns whether anything changed. `resource` limits it to one type ("": all).
  virtual bool announceDrift(scenarios::FaultKind kind, const std::string& from,
                             const std::string& to, const std::string& value_json,
                             const std::string& resource, nlohmann::ordered_json& body) const;
};

}  // namespace faultline::mocks
