#include "mocks/fault_engine.h"

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "mocks/mock_server.h"
#include "mocks/seeded_rng.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;
using scenarios::FaultRule;

bool isPre(FaultKind k) {
  return k == FaultKind::RateLimit || k == FaultKind::ServerError ||
         k == FaultKind::TokenEndpointError || k == FaultKind::LostScope ||
         k == FaultKind::GarbageBody || k == FaultKind::DropConnection ||
         k == FaultKind::CursorError;
}

bool isRewrite(FaultKind k) {
  return k == FaultKind::ShortPage || k == FaultKind::EmptyPage ||
         k == FaultKind::TotalResultsLie || k == FaultKind::TruncateBody ||
         k == FaultKind::RenameAttribute || k == FaultKind::RetypeAttribute ||
         k == FaultKind::RemoveAttribute || k == FaultKind::MoveAttribute;
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

MockResponse rateLimited(const FaultRule& r) {
  MockResponse resp;
  resp.status = r.status;
  resp.content_type = "application/json";
  resp.body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":")" +
              std::to_string(r.status) + R"(","detail":"Too many requests"})";
  resp.headers.emplace_back("Retry-After", r.retry_after_http_date
                                               ? httpDate(r.retry_after_seconds)
                                               : std::to_string(r.retry_after_seconds));
  resp.headers.emplace_back("X-Rate-Limit-Limit", "600");
  resp.headers.emplace_back("X-Rate-Limit-Remaining", "0");
  const auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     r.retry_after_seconds;
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
    : rules_(std::move(rules)), seed_(seed), fired_(rules_.size(), 0) {}

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
  if (!m.methods.empty() && m.methods.count(q.method) == 0) return false;
  if (!m.resource.empty() && m.resource != q.resource) return false;
  if (!m.id.empty() && m.id != q.id) return false;
  if (m.page && (!q.page || !m.page->contains(*q.page))) return false;
  if (m.ordinal && !m.ordinal->contains(static_cast<std::int64_t>(q.ordinal))) return false;
  if (m.attempt && !m.attempt->contains(attempt)) return false;
  if (m.window_ms && !m.window_ms->contains(q.t_ms)) return false;
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
  bool pre_taken = false;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FaultRule& r = rules_[i];
    if (r.max_fires >= 0 && fired_[i] >= r.max_fires) continue;
    // One rule decides a request's answer: a pre-response or a write fault.
    if ((isPre(r.kind) || isWrite(r.kind)) && pre_taken) continue;
    if (!matches(r, q, attempt)) continue;
    // Post-response rules count when rewrite() changes something.
    if (!isRewrite(r.kind)) ++fired_[i];
    pre_taken = pre_taken || isPre(r.kind) || isWrite(r.kind);
    d.fired.push_back(&r);
    if (r.kind == FaultKind::RateLimit)
      retry_at_ms_[client] = q.t_ms + r.retry_after_seconds * 1000LL;
  }
  return d;
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
    if (r->kind == FaultKind::RateLimit) resp = rateLimited(*r);
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
  // Ordered, so a rewrite changes only what the fault says, not the key order.
  std::optional<nlohmann::ordered_json> body;
  for (const FaultRule* r : d.fired) {
    if (!isRewrite(r->kind)) continue;
    if (r->kind == FaultKind::TruncateBody) continue;  // applied last, to the final text
    if (!body) body = nlohmann::ordered_json::parse(response.body, nullptr, false);
    if (body->is_discarded()) return "";
    const bool list = body->contains("Resources") && (*body)["Resources"].is_array();
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
  if (!applied.empty())  // untouched bodies keep their exact bytes
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

std::size_t FaultEngine::retryAfterViolations() const {
  std::lock_guard lock(mutex_);
  return retry_after_violations_;
}

}  // namespace faultline::mocks
