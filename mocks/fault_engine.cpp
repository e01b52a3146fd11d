#include "mocks/fault_engine.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include <nlohmann/json.hpp>

#include "mocks/id_format.h"
#include "mocks/mock_server.h"
#include "mocks/request_body.h"
#include "mocks/scim_resources.h"
#include "mocks/seeded_rng.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;
using scenarios::FaultRule;

bool isPre(FaultKind k) {
  return k == FaultKind::RateLimit || k == FaultKind::ServerError ||
         k == FaultKind::TokenEndpointError || k == FaultKind::LostScope ||
         k == FaultKind::GarbageBody || k == FaultKind::DropConnection ||
         k == FaultKind::CursorError || k == FaultKind::Throttle;
}

// Kinds that change a resource's shape; with `announce` they change /Schemas too.
bool isDrift(FaultKind k) {
  return k == FaultKind::RenameAttribute || k == FaultKind::RetypeAttribute ||
         k == FaultKind::RemoveAttribute || k == FaultKind::MoveAttribute ||
         k == FaultKind::AddAttribute;
}

bool isRewrite(FaultKind k) {
  return k == FaultKind::ShortPage || k == FaultKind::EmptyPage ||
         k == FaultKind::TotalResultsLie || k == FaultKind::TruncateBody ||
         k == FaultKind::RenameAttribute || k == FaultKind::RetypeAttribute ||
         k == FaultKind::RemoveAttribute || k == FaultKind::MoveAttribute ||
         k == FaultKind::AddAttribute || k == FaultKind::ChangeIdFormat;
}

bool isWrite(FaultKind k) {
  return k == FaultKind::WriteNotApplied || k == FaultKind::WriteDelayed ||
         k == FaultKind::WriteReverted || k == FaultKind::PartialApply ||
         k == FaultKind::LostResponse;
}

std::string httpDate(std::int64_t seconds_from_now) {
  // The date a client must wait for; an output value, never an input to a decision.
  // Rounded up to the next whole second: a client that waits until the
  // announced date must never arrive before the deadline the journal checks.
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) +
                        static_cast<std::time_t>(seconds_from_now) + 1;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

MockResponse rateLimited(const FaultRule& r, std::int64_t retry_after_seconds, std::int64_t limit) {
  MockResponse resp;
  resp.status = r.status;
  resp.content_type = "application/json";
  resp.body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":")" +
              std::to_string(r.status) + R"(","detail":"Too many requests"})";
  resp.headers.emplace_back("Retry-After", r.retry_after_http_date
                                               ? httpDate(retry_after_seconds)
                                               : std::to_string(retry_after_seconds));
  resp.headers.emplace_back("X-Rate-Limit-Limit", std::to_string(limit));
  resp.headers.emplace_back("X-Rate-Limit-Remaining", "0");
  const auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     retry_after_seconds;
  resp.headers.emplace_back("X-Rate-Limit-Reset", std::to_string(reset));
  return resp;
}

MockResponse serverError(const FaultRule& r) {
  MockResponse resp;
  resp.status = r.status;
  if (r.body == "html") {
    resp.content_type = "text/html";
    resp.body = "<html><head><title>" + std::to_string(r.status) +
                "</title></head><body><h1>Service Unavailable</h1><p>upstream proxy "
                "error</p></body></html>";
  } else if (r.body == "json") {
    resp.content_type = "application/scim+json";
    resp.body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":")" +
                std::to_string(r.status) + R"(","detail":"Internal failure"})";
  }
  return resp;
}

// A service account that silently lost read permission: either told so
// (RFC 6750 §3.1 insufficient_scope) or, worse, shown an empty directory.
MockResponse lostScope(const FaultRule& r) {
  MockResponse resp;
  resp.content_type = "application/scim+json";
  if (r.silent) {
    resp.body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],)"
                R"("totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]})";
    return resp;
  }
  resp.status = 403;
  resp.body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"403",)"
              R"("detail":"The token lacks the scope to read this resource"})";
  resp.headers.emplace_back(
      "WWW-Authenticate",
      "Bearer realm=\"faultline\", error=\"insufficient_scope\", "
      "error_description=\"The token lacks the scope to read this resource\"");
  return resp;
}

MockResponse tokenError(const FaultRule& r) {
  MockResponse resp;
  resp.status = r.status;
  resp.body = R"({"error":")" + r.error + R"(","error_description":"injected by faultline"})";
  if (r.status == 401) resp.headers.emplace_back("WWW-Authenticate", "Basic realm=\"faultline\"");
  return resp;
}

std::string describe(const FaultRule& r) {
  return "fault " + r.id + " (" + scenarios::faultKindName(r.kind) + ")";
}

bool renameIn(nlohmann::ordered_json& resource, const std::string& from, const std::string& to) {
  if (!resource.is_object() || !resource.contains(from)) return false;
  resource[to] = std::move(resource[from]);
  resource.erase(from);
  return true;
}

constexpr std::string_view kSchemaSchema = "urn:ietf:params:scim:schemas:core:2.0:Schema";

bool isSchemaDocument(const nlohmann::ordered_json& doc) {
  if (!doc.is_object() || !doc.contains("schemas") || !doc["schemas"].is_array()) return false;
  for (const auto& s : doc["schemas"]) {
    if (s == kSchemaSchema) return true;
  }
  return false;
}

// The core schema a drift rule's resource names; every core schema for "".
bool targetsSchema(const FaultRule& r, const std::string& schema_id) {
  static const std::map<std::string, std::string_view> kCore = {
      {"Users", kScimUserSchema},
      {"Groups", kScimGroupSchema},
      {"Entitlements", kEntitlementSchema}};
  if (r.match.resource.empty()) {
    for (const auto& [resource, id] : kCore) {
      if (id == schema_id) return true;
    }
    return false;
  }
  const auto it = kCore.find(r.match.resource);
  return it != kCore.end() && it->second == schema_id;
}

std::string scimTypeOf(const nlohmann::ordered_json& v) {
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "decimal";
  if (v.is_object()) return "complex";
  return "string";
}

nlohmann::ordered_json attributeDefinition(const std::string& name, const std::string& type,
                                           bool multi, bool required) {
  return {{"name", name},          {"type", type},        {"multiValued", multi},
          {"required", required},  {"caseExact", false},  {"mutability", "readWrite"},
          {"returned", "default"}, {"uniqueness", "none"}};
}

// Applies one announced drift rule to the schema documents of a /Schemas
// answer (a ListResponse of schemas, or one schema). Returns whether
// anything changed.
bool announceDrift(const FaultRule& r, nlohmann::ordered_json& body) {
  const bool list = body.contains("Resources") && body["Resources"].is_array();
  auto& docs = list ? body["Resources"] : body;
  bool changed = false;
  std::vector<nlohmann::ordered_json> added;  // extension schemas a move creates
  auto apply = [&](nlohmann::ordered_json& doc) {
    if (!isSchemaDocument(doc) || !doc.contains("id") || !doc["id"].is_string() ||
        !targetsSchema(r, doc["id"].get<std::string>()) || !doc["attributes"].is_array())
      return;
    auto& attributes = doc["attributes"];
    if (r.kind == FaultKind::AddAttribute) {
      const auto value = nlohmann::ordered_json::parse(r.value_json, nullptr, false);
      attributes.push_back(attributeDefinition(r.to, scimTypeOf(value), value.is_array(), true));
      changed = true;
      return;
    }
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
      if (!it->is_object() || (*it)["name"] != r.from) continue;
      if (r.kind == FaultKind::RenameAttribute) (*it)["name"] = r.to;
      if (r.kind == FaultKind::RetypeAttribute) (*it)["type"] = "string";
      if (r.kind == FaultKind::MoveAttribute) {
        // "/urn:example:ext:User/login": the attribute now lives in that
        // extension schema under its last name.
        const auto slash = r.to.find('/', 1);
        const std::string owner = r.to.substr(1, slash == std::string::npos ? slash : slash - 1);
        nlohmann::ordered_json moved = *it;
        moved["name"] = r.to.substr(r.to.rfind('/') + 1);
        added.push_back({{"schemas", {kSchemaSchema}},
                         {"id", owner},
                         {"name", owner},
                         {"attributes", {std::move(moved)}}});
      }
      if (r.kind == FaultKind::RemoveAttribute || r.kind == FaultKind::MoveAttribute)
        attributes.erase(it);
      changed = true;
      return;
    }
  };
  if (list) {
    for (auto& doc : docs) apply(doc);
    for (auto& doc : added) {
      bool merged = false;
      for (auto& existing : docs) {
        if (existing.is_object() && existing["id"] == doc["id"]) {
          for (auto& a : doc["attributes"]) existing["attributes"].push_back(a);
          merged = true;
        }
      }
      if (!merged) docs.push_back(doc);
    }
    body["totalResults"] = docs.size();
    body["itemsPerPage"] = docs.size();
  } else {
    apply(docs);
  }
  return changed;
}

}  // namespace

bool FaultDecision::firedKind(FaultKind kind) const {
  for (const auto* r : fired) {
    if (r->kind == kind) return true;
  }
  return false;
}

const FaultRule* FaultDecision::rule(FaultKind kind) const {
  for (const auto* r : fired) {
    if (r->kind == kind) return r;
  }
  return nullptr;
}

FaultEngine::FaultEngine(std::vector<FaultRule> rules, std::uint64_t seed)
    : rules_(std::move(rules)), seed_(seed), fired_(rules_.size(), 0), passed_(rules_.size(), 0) {}

bool FaultEngine::matches(const FaultRule& rule, const FaultRequest& q,
                          std::int64_t attempt) const {
  const auto& m = rule.match;
  const bool token_endpoint = q.resource == "token";
  if ((rule.kind == FaultKind::TokenEndpointError) != token_endpoint) return false;
  if (isWrite(rule.kind) && q.method == "GET") return false;
  // Only a request that presents a cursor can have it refused.
  if (rule.kind == FaultKind::CursorError && !q.cursor) return false;
  if ((rule.kind == FaultKind::StaleRead || rule.kind == FaultKind::LostScope) &&
      q.method != "GET") {
    return false;
  }
  if (rule.kind == FaultKind::AddAttribute && q.method != "GET") {
    // Writes are refused only when they lack the attribute the schema now requires.
    if (q.method != "PUT" && q.method != "POST") return false;
    const auto body = parseRequestBody(q.body).value;
    if (body.is_object() && body.contains(rule.to)) return false;
  }
  if (q.resource == "Schemas" && isDrift(rule.kind)) {
    // Announced drift shows in the schema documents while the rule is active.
    if (!rule.announce || q.method != "GET") return false;
    if (m.ordinal && !m.ordinal->contains(static_cast<std::int64_t>(q.ordinal))) return false;
    if (m.operation && !m.operation->contains(operation_.load())) return false;
    return !m.window_ms || m.window_ms->contains(q.t_ms);
  }
  if (!m.methods.empty() && m.methods.count(q.method) == 0) return false;
  if (!m.resource.empty() && m.resource != q.resource) return false;
  if (!m.id.empty() && m.id != q.id) return false;
  if (m.page && (!q.page || !m.page->contains(*q.page))) return false;
  if (m.ordinal && !m.ordinal->contains(static_cast<std::int64_t>(q.ordinal))) return false;
  if (m.attempt && !m.attempt->contains(attempt)) return false;
  if (m.window_ms && !m.window_ms->contains(q.t_ms)) return false;
  if (m.operation && !m.operation->contains(operation_.load())) return false;
  if (m.probability >= 1.0) return true;
  const std::uint64_t key = hashString(q.method + " " + q.path + "?" + q.query) ^
                            mix64(static_cast<std::uint64_t>(attempt));
  const std::uint64_t draw = mix64(seed_ ^ mix64(hashString(rule.id) ^ key));
  return static_cast<double>(draw >> 11) * 0x1.0p-53 < m.probability;
}

FaultDecision FaultEngine::decide(const FaultRequest& q) {
  FaultDecision d;
  std::lock_guard lock(mutex_);
  const std::int64_t attempt = ++attempts_[q.method + " " + q.path + "?" + q.query];
  const std::string client = q.client.empty() ? "(anonymous)" : q.client;
  if (auto it = retry_at_ms_.find(client); it != retry_at_ms_.end() && q.t_ms < it->second) {
    ++retry_after_violations_;
    d.note = "retry-after violation: " + std::to_string(it->second - q.t_ms) + " ms early";
  }
  // A revoked token decides the answer (401) before any other rule: a fault
  // the connector never saw must not count, nor set a Retry-After deadline.
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FaultRule& r = rules_[i];
    if (r.kind != FaultKind::RevokeToken || (r.max_fires >= 0 && fired_[i] >= r.max_fires) ||
        !matches(r, q, attempt))
      continue;
    ++fired_[i];
    d.fired.push_back(&r);
    return d;
  }
  bool pre_taken = false;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FaultRule& r = rules_[i];
    if (r.kind == FaultKind::RevokeToken) continue;  // did not match above
    if (r.max_fires >= 0 && fired_[i] >= r.max_fires) continue;
    // A write refused for lacking an added attribute decides the answer too.
    const bool decides = isPre(r.kind) || isWrite(r.kind) ||
                         (r.kind == FaultKind::AddAttribute && q.method != "GET");
    // One rule decides a request's answer: a pre-response or a write fault.
    if (decides && pre_taken) continue;
    if (!matches(r, q, attempt)) continue;
    if (r.kind == FaultKind::Throttle && !throttle(r, client, q.t_ms, d)) continue;
    // A process death lets `after_matches` matching requests through first.
    if (r.kind == FaultKind::KillConnector && passed_[i]++ < r.after_matches) continue;
    // Post-response rules count when rewrite() changes something; announced
    // drift on /Schemas is evidence, never a firing.
    if ((!isRewrite(r.kind) || decides) && q.resource != "Schemas") ++fired_[i];
    pre_taken = pre_taken || decides;
    d.fired.push_back(&r);
    if (r.kind == FaultKind::RateLimit)
      retry_at_ms_[client] = q.t_ms + r.retry_after_seconds * 1000LL;
  }
  return d;
}

bool FaultEngine::throttle(const FaultRule& r, const std::string& client, std::int64_t t_ms,
                           FaultDecision& d) {
  // A token bucket per client: `capacity` requests, then refusals until the
  // announced time. The only timing input is whether the client waited as
  // told, so a client that honours Retry-After replays exactly.
  auto [it, fresh] = buckets_.try_emplace(r.id + "\n" + client);
  Bucket& b = it->second;
  if (fresh) b.tokens = r.capacity;
  if (b.refill_at_ms >= 0 && t_ms >= b.refill_at_ms) {
    b.tokens = r.capacity;
    b.refill_at_ms = -1;
  }
  d.headers.emplace_back("X-Rate-Limit-Limit", std::to_string(r.capacity));
  if (b.tokens > 0) {
    --b.tokens;
    d.headers.emplace_back("X-Rate-Limit-Remaining", std::to_string(b.tokens));
    return false;
  }
  d.headers.clear();  // the refusal carries its own X-Rate-Limit-* set
  if (b.refill_at_ms < 0) {
    b.refill_at_ms = t_ms + r.retry_after_seconds * 1000LL;
    retry_at_ms_[client] = b.refill_at_ms;
  }
  d.throttle_retry_after_s = (b.refill_at_ms - t_ms + 999) / 1000;
  return true;
}

std::int64_t FaultEngine::latencyMs(const FaultDecision& d, const FaultRequest& q) const {
  const FaultRule* r = d.rule(FaultKind::Latency);
  if (r == nullptr) return 0;
  const std::uint64_t draw =
      mix64(seed_ ^ mix64(hashString(r->id) ^ hashString(q.method + " " + q.path + "?" + q.query) ^
                          q.ordinal));
  return r->delay_ms +
         static_cast<std::int64_t>(draw % (static_cast<std::uint64_t>(r->jitter_ms) + 1));
}

std::optional<MockResponse> FaultEngine::preResponse(const FaultDecision& d,
                                                     const FaultRequest& q) const {
  for (const FaultRule* r : d.fired) {
    std::optional<MockResponse> resp;
    if (r->kind == FaultKind::GarbageBody) {
      // Seeded bytes, so a replay sends the same garbage.
      resp.emplace();
      resp->content_type = "application/scim+json";
      SeededRng rng(seed_ ^ hashString(r->id) ^ mix64(q.ordinal));
      for (int i = 0; i < 512; ++i) resp->body.push_back(static_cast<char>(rng.next() & 0xff));
    }
    if (r->kind == FaultKind::DropConnection) {
      resp.emplace();
      resp->content_type = "application/scim+json";
      resp->body = std::string(1024, ' ');
      resp->drop_before_body = true;
    }
    if (r->kind == FaultKind::RateLimit) resp = rateLimited(*r, r->retry_after_seconds, 600);
    if (r->kind == FaultKind::Throttle)
      resp = rateLimited(*r, d.throttle_retry_after_s, r->capacity);
    if (r->kind == FaultKind::AddAttribute && q.method != "GET") {
      resp.emplace();
      resp->status = 400;
      resp->content_type = "application/scim+json";
      resp->body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400",)"
                   R"("scimType":"invalidValue","detail":"Required attribute ')" +
                   r->to + R"(' is missing"})";
    }
    if (r->kind == FaultKind::ServerError) resp = serverError(*r);
    if (r->kind == FaultKind::TokenEndpointError) resp = tokenError(*r);
    if (r->kind == FaultKind::LostScope) resp = lostScope(*r);
    if (r->kind == FaultKind::CursorError) {
      resp.emplace();
      resp->status = 400;
      resp->content_type = "application/scim+json";
      resp->body =
          R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":")" +
          r->error + R"(","detail":"The cursor is )" +
          (r->error == "expiredCursor" ? "expired" : "not valid") + R"("})";
    }
    if (resp) {
      resp->note = describe(*r) + ": " + std::to_string(resp->status);
      return resp;
    }
  }
  return std::nullopt;
}

std::string FaultEngine::rewrite(const FaultDecision& d, MockResponse& response) {
  if (response.status != 200) return "";
  std::string what;
  std::vector<const FaultRule*> applied;
  bool touched = false;  // the body changed without a rule counting as fired
  // Ordered, so a rewrite changes only what the fault says, not the key order.
  std::optional<nlohmann::ordered_json> body;
  for (const FaultRule* r : d.fired) {
    if (!isRewrite(r->kind)) continue;
    if (r->kind == FaultKind::TruncateBody) continue;  // applied last, to the final text
    if (!body) body = nlohmann::ordered_json::parse(response.body, nullptr, false);
    if (body->is_discarded()) return "";
    const bool list = body->contains("Resources") && (*body)["Resources"].is_array();
    const bool schemas =
        isSchemaDocument(*body) ||
        (list && !(*body)["Resources"].empty() && isSchemaDocument((*body)["Resources"].front()));
    if (schemas) {
      // Announced drift: evidence in the journal, not a firing.
      if (r->announce && announceDrift(*r, *body)) {
        what += describe(*r) + ": announced in /Schemas; ";
        touched = true;
      }
      continue;
    }
    nlohmann::ordered_json empty = nlohmann::ordered_json::array();
    auto& items = list ? (*body)["Resources"] : empty;
    // A rule that would change nothing is not applied, so it is not counted.
    if (r->kind == FaultKind::ShortPage && list && !items.empty()) {
      const std::size_t drop =
          std::min<std::size_t>(static_cast<std::size_t>(r->drop), items.size());
      items.erase(items.end() - static_cast<std::ptrdiff_t>(drop), items.end());
      (*body)["itemsPerPage"] = items.size();
      what += describe(*r) + ": dropped " + std::to_string(drop) + " item(s); ";
      applied.push_back(r);
    } else if (r->kind == FaultKind::EmptyPage && list && !items.empty()) {
      items = nlohmann::ordered_json::array();
      (*body)["itemsPerPage"] = 0;
      what += describe(*r) + ": emptied the page; ";
      applied.push_back(r);
    } else if (r->kind == FaultKind::TotalResultsLie && list &&
               (*body)["totalResults"] != r->total_results) {
      what += describe(*r) + ": totalResults " + (*body)["totalResults"].dump() + " -> " +
              std::to_string(r->total_results) + "; ";
      (*body)["totalResults"] = r->total_results;
      applied.push_back(r);
    } else if (r->kind == FaultKind::RenameAttribute) {
      bool renamed = false;
      if (list) {
        for (auto& item : items) renamed = renameIn(item, r->from, r->to) || renamed;
      } else {
        renamed = renameIn(*body, r->from, r->to);
      }
      if (!renamed) continue;
      what += describe(*r) + ": renamed " + r->from + " -> " + r->to + "; ";
      applied.push_back(r);
    } else if (r->kind == FaultKind::RemoveAttribute || r->kind == FaultKind::MoveAttribute) {
      bool changed = false;
      auto drift = [&](nlohmann::ordered_json& resource) {
        if (!resource.is_object() || !resource.contains(r->from)) return;
        if (r->kind == FaultKind::MoveAttribute) {
          // The pointer was checked at load time; a target that is not an
          // object path in this resource leaves the resource alone.
          try {
            resource[nlohmann::ordered_json::json_pointer(r->to)] = resource[r->from];
          } catch (const nlohmann::ordered_json::exception&) {
            return;
          }
        }
        resource.erase(r->from);
        changed = true;
      };
      if (list) {
        for (auto& item : items) drift(item);
      } else {
        drift(*body);
      }
      if (!changed) continue;
      what += describe(*r) +
              (r->kind == FaultKind::RemoveAttribute ? ": removed " + r->from
                                                     : ": moved " + r->from + " to " + r->to) +
              "; ";
      applied.push_back(r);
    } else if (r->kind == FaultKind::ChangeIdFormat) {
      const std::size_t changed = reformatIds(*body, r->style);
      if (changed == 0) continue;
      what += describe(*r) + ": " + std::to_string(changed) + " id(s) sent " +
              (r->style == "uppercase" ? "in uppercase" : "as compact ids") + "; ";
      applied.push_back(r);
    } else if (r->kind == FaultKind::AddAttribute) {
      const auto value = nlohmann::ordered_json::parse(r->value_json, nullptr, false);
      bool added = false;
      auto add = [&](nlohmann::ordered_json& resource) {
        if (!resource.is_object() || !resource.contains("id") || resource.contains(r->to)) return;
        resource[r->to] = value;
        added = true;
      };
      if (list) {
        for (auto& item : items) add(item);
      } else {
        add(*body);
      }
      if (!added) continue;
      what += describe(*r) + ": added " + r->to + "; ";
      applied.push_back(r);
    } else if (r->kind == FaultKind::RetypeAttribute) {
      bool retyped = false;
      auto retype = [&](nlohmann::ordered_json& resource) {
        if (!resource.is_object() || !resource.contains(r->from) || resource[r->from].is_string())
          return;
        resource[r->from] = resource[r->from].dump();
        retyped = true;
      };
      if (list) {
        for (auto& item : items) retype(item);
      } else {
        retype(*body);
      }
      if (!retyped) continue;
      what += describe(*r) + ": " + r->from + " sent as a string; ";
      applied.push_back(r);
    }
  }
  if (!applied.empty() || touched)  // untouched bodies keep their exact bytes
    response.body = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (const FaultRule* r : d.fired) {
    if (r->kind != FaultKind::TruncateBody) continue;
    response.body.resize(response.body.size() / 2);
    what += describe(*r) + ": body cut to " + std::to_string(response.body.size()) + " bytes; ";
    applied.push_back(r);
  }
  if (what.size() >= 2) what.resize(what.size() - 2);
  std::lock_guard lock(mutex_);
  for (const FaultRule* r : applied) ++fired_[static_cast<std::size_t>(r - rules_.data())];
  return what;
}

std::map<std::string, int> FaultEngine::firings() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, int> out;
  for (std::size_t i = 0; i < rules_.size(); ++i) out[rules_[i].id] = fired_[i];
  return out;
}

bool FaultEngine::changesIds() const {
  return std::any_of(rules_.begin(), rules_.end(),
                     [](const FaultRule& r) { return r.kind == FaultKind::ChangeIdFormat; });
}

std::size_t FaultEngine::retryAfterViolations() const {
  std::lock_guard lock(mutex_);
  return retry_after_violations_;
}

}  // namespace faultline::mocks
