#include "mocks/fault_engine.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include <nlohmann/json.hpp>

#include "mocks/dialect.h"
#include "mocks/id_format.h"
#include "mocks/mock_server.h"
#include "mocks/seeded_rng.h"
#include "scenarios/json_reader.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;
using scenarios::FaultRule;
using scenarios::kDiscovery;
using scenarios::kRead;
using scenarios::kWrite;

// How the engine treats a kind follows from its phase and family in the
// fault kinds table.
bool isPre(FaultKind k) {
  return scenarios::faultKindInfo(k).phase == scenarios::FaultPhase::BeforeHandler;
}

// Kinds that change a resource's shape; with `announce` they change the schema description too.
bool isDrift(FaultKind k) {
  return scenarios::faultKindInfo(k).family == scenarios::FaultFamily::Schema;
}

bool isRewrite(FaultKind k) {
  return scenarios::faultKindInfo(k).phase == scenarios::FaultPhase::ResponseRewrite;
}

bool isWrite(FaultKind k) {
  return scenarios::faultKindInfo(k).phase == scenarios::FaultPhase::WriteEffect;
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

MockResponse rateLimited(const Dialect& dialect, const FaultRule& r,
                         std::int64_t retry_after_seconds, std::int64_t limit) {
  MockResponse resp = dialect.error(ErrorMeaning::RateLimited, r.status, "Too many requests");
  resp.headers.emplace_back("Retry-After", r.retry_after_http_date
                                               ? httpDate(retry_after_seconds)
                                               : std::to_string(retry_after_seconds));
  // When the budget refills, in epoch seconds: a header value, never an
  // input to a decision.
  const auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     retry_after_seconds;
  for (auto& header : dialect.rateLimitHeaders(limit, 0, reset))
    resp.headers.push_back(std::move(header));
  return resp;
}

MockResponse serverError(const Dialect& dialect, const FaultRule& r) {
  if (r.body == "json")
    return dialect.error(ErrorMeaning::ServerError, r.status, "Internal failure");
  MockResponse resp;
  resp.status = r.status;
  if (r.body == "html") {
    // What a proxy in front of any API sends when the API behind it fails.
    resp.content_type = "text/html";
    resp.body = "<html><head><title>" + std::to_string(r.status) +
                "</title></head><body><h1>Service Unavailable</h1><p>upstream proxy "
                "error</p></body></html>";
  }
  return resp;
}

// A service account that silently lost read permission: either told so or,
// worse, shown an empty directory.
MockResponse lostScope(const Dialect& dialect, const FaultRule& r) {
  if (!r.silent) {
    return dialect.error(ErrorMeaning::InsufficientScope, 403,
                         "The token lacks the scope to read this resource");
  }
  MockResponse resp;
  resp.content_type = dialect.contentType();
  resp.body = dialect.emptyList();
  return resp;
}

// The request's kind as its dialect classified it; a request it could not
// classify is still a read or a write.
unsigned kindOf(const FaultRequest& q) {
  if (q.kind != 0) return q.kind;
  if (q.resource == "token") return scenarios::kToken;
  if (q.method != "GET") return kWrite;
  return q.id.empty() ? scenarios::kList : kRead;
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

void recordFault(std::string& note, std::vector<FaultRecord>& faults, const FaultRule& rule,
                 const std::string& effect,
                 std::vector<std::pair<std::string, std::int64_t>> figures) {
  note += (note.empty() ? "" : "; ") + describe(rule) + ": " + effect;
  faults.push_back({rule.id, scenarios::faultKindName(rule.kind), effect, std::move(figures)});
}

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
    : seed_(seed),
      plan_(std::make_shared<const Plan>(std::move(rules))),
      enabled_(plan_->size(), 1),
      versions_(plan_->size(), 1),
      fired_(plan_->size(), 0),
      fired_total_(plan_->size(), 0),
      passed_(plan_->size(), 0) {
  noteIdChanges();
}

bool FaultEngine::matches(const FaultRule& rule, const FaultRequest& q,
                          std::int64_t attempt) const {
  const auto& m = rule.match;
  // What kinds of request a fault can act on is its row's business.
  if ((scenarios::faultKindInfo(rule.kind).requests & kindOf(q)) == 0) return false;
  // Only a request that presents a cursor can have it refused.
  if (rule.kind == FaultKind::CursorError && !q.cursor) return false;
  if (rule.kind == FaultKind::AddAttribute && kindOf(q) == kWrite) {
    // Writes are refused only when they lack the attribute the schema now requires.
    if (q.method != "PUT" && q.method != "POST") return false;
    const auto body = scenarios::parseUntrustedJson(q.body).value;
    if (body.is_object() && body.contains(rule.to)) return false;
  }
  if (kindOf(q) == kDiscovery && isDrift(rule.kind)) {
    // Announced drift shows in the schema documents while the rule is active.
    if (!rule.announce) return false;
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
  d.plan = plan_;
  const Plan& rules = *d.plan;
  const std::int64_t attempt = ++attempts_[q.method + " " + q.path + "?" + q.query];
  const std::string client = q.client.empty() ? "(anonymous)" : q.client;
  if (auto it = retry_at_ms_.find(client); it != retry_at_ms_.end() && q.t_ms < it->second) {
    ++retry_after_violations_;
    d.retry_after_early_ms = it->second - q.t_ms;
    d.note = "retry-after violation: " + std::to_string(*d.retry_after_early_ms) + " ms early";
  }
  // A revoked token decides the answer (401) before any other rule: a fault
  // the connector never saw must not count, nor set a Retry-After deadline.
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const FaultRule& r = rules[i];
    if (r.kind != FaultKind::RevokeToken || enabled_[i] == 0 ||
        (r.max_fires >= 0 && fired_[i] >= r.max_fires) || !matches(r, q, attempt))
      continue;
    countFiring(i);
    d.fired.push_back(&r);
    return d;
  }
  bool pre_taken = false;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const FaultRule& r = rules[i];
    if (r.kind == FaultKind::RevokeToken) continue;  // did not match above
    if (enabled_[i] == 0) continue;
    if (r.max_fires >= 0 && fired_[i] >= r.max_fires) continue;
    // A write refused for lacking an added attribute decides the answer too.
    const bool decides = isPre(r.kind) || isWrite(r.kind) ||
                         (r.kind == FaultKind::AddAttribute && kindOf(q) == kWrite);
    // One rule decides a request's answer: a pre-response or a write fault.
    if (decides && pre_taken) continue;
    if (!matches(r, q, attempt)) continue;
    if (r.kind == FaultKind::Throttle && !throttle(r, client, q.t_ms, d)) continue;
    // A process death lets `after_matches` matching requests through first.
    if (r.kind == FaultKind::KillConnector && passed_[i]++ < r.after_matches) continue;
    // Post-response rules count when rewrite() changes something; announced
    // drift in a schema description is evidence, never a firing.
    if ((!isRewrite(r.kind) || decides) && !(isDrift(r.kind) && kindOf(q) == kDiscovery))
      countFiring(i);
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
  if (b.tokens > 0) {
    --b.tokens;
    d.budget = FaultDecision::Budget{r.capacity, b.tokens};
    return false;
  }
  d.budget.reset();  // the refusal carries its own rate-limit headers
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

std::optional<MockResponse> FaultEngine::preResponse(const FaultDecision& d, const FaultRequest& q,
                                                     const Dialect& dialect) const {
  for (const FaultRule* r : d.fired) {
    std::optional<MockResponse> resp;
    if (r->kind == FaultKind::GarbageBody) {
      // Seeded bytes, so a replay sends the same garbage.
      resp.emplace();
      resp->content_type = dialect.contentType();
      SeededRng rng(seed_ ^ hashString(r->id) ^ mix64(q.ordinal));
      for (int i = 0; i < 512; ++i) resp->body.push_back(static_cast<char>(rng.next() & 0xff));
    }
    if (r->kind == FaultKind::DropConnection) {
      resp.emplace();
      resp->content_type = dialect.contentType();
      resp->body = std::string(1024, ' ');
      resp->drop_before_body = true;
    }
    if (r->kind == FaultKind::RateLimit)
      resp = rateLimited(dialect, *r, r->retry_after_seconds, 600);
    if (r->kind == FaultKind::Throttle)
      resp = rateLimited(dialect, *r, d.throttle_retry_after_s, r->capacity);
    if (r->kind == FaultKind::AddAttribute && kindOf(q) == kWrite) {
      resp = dialect.error(ErrorMeaning::InvalidValue, 400,
                           "Required attribute '" + r->to + "' is missing");
    }
    if (r->kind == FaultKind::ServerError) resp = serverError(dialect, *r);
    if (r->kind == FaultKind::TokenEndpointError)
      resp = dialect.error(ErrorMeaning::TokenRefused, r->status, r->error);
    if (r->kind == FaultKind::LostScope) resp = lostScope(dialect, *r);
    if (r->kind == FaultKind::CursorError) {
      const bool expired = r->error == "expired";
      resp = dialect.error(expired ? ErrorMeaning::ExpiredCursor : ErrorMeaning::InvalidCursor, 400,
                           std::string("The cursor is ") + (expired ? "expired" : "not valid"));
    }
    if (resp) {
      std::vector<std::pair<std::string, std::int64_t>> figures = {{"status", resp->status}};
      if (r->kind == FaultKind::RateLimit)
        figures.emplace_back("retry_after_s", r->retry_after_seconds);
      if (r->kind == FaultKind::Throttle)
        figures.emplace_back("retry_after_s", d.throttle_retry_after_s);
      recordFault(resp->note, resp->faults, *r, std::to_string(resp->status), std::move(figures));
      return resp;
    }
  }
  return std::nullopt;
}

std::string FaultEngine::rewrite(const FaultDecision& d, MockResponse& response,
                                 const Dialect& dialect) {
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
    nlohmann::ordered_json* page = dialect.listItems(*body);
    const bool list = page != nullptr;
    if (dialect.isSchemaDescription(*body)) {
      // Announced drift: evidence in the journal, not a firing.
      if (r->announce &&
          dialect.announceDrift(r->kind, r->from, r->to, r->value_json, r->match.resource, *body)) {
        recordFault(what, response.faults, *r, "announced in the schema description");
        touched = true;
      }
      continue;
    }
    nlohmann::ordered_json empty = nlohmann::ordered_json::array();
    auto& items = list ? *page : empty;
    // A rule that would change nothing is not applied, so it is not counted.
    if (r->kind == FaultKind::ShortPage && list && !items.empty()) {
      const std::size_t drop =
          std::min<std::size_t>(static_cast<std::size_t>(r->drop), items.size());
      items.erase(items.end() - static_cast<std::ptrdiff_t>(drop), items.end());
      dialect.itemsChanged(*body);
      recordFault(what, response.faults, *r, "dropped " + std::to_string(drop) + " item(s)",
                  {{"dropped", static_cast<std::int64_t>(drop)}});
      applied.push_back(r);
    } else if (r->kind == FaultKind::EmptyPage && list && !items.empty()) {
      const std::size_t dropped = items.size();
      items = nlohmann::ordered_json::array();
      dialect.itemsChanged(*body);
      recordFault(what, response.faults, *r, "emptied the page",
                  {{"dropped", static_cast<std::int64_t>(dropped)}});
      applied.push_back(r);
    } else if (r->kind == FaultKind::TotalResultsLie && list &&
               dialect.listTotal(*body) != std::optional<long long>(r->total_results)) {
      const auto told = dialect.listTotal(*body);
      if (!dialect.setListTotal(*body, r->total_results)) continue;
      recordFault(what, response.faults, *r,
                  "total " + (told ? std::to_string(*told) : "none") + " -> " +
                      std::to_string(r->total_results),
                  {{"total", r->total_results}});
      applied.push_back(r);
    } else if (r->kind == FaultKind::RenameAttribute) {
      bool renamed = false;
      if (list) {
        for (auto& item : items) renamed = renameIn(item, r->from, r->to) || renamed;
      } else {
        renamed = renameIn(*body, r->from, r->to);
      }
      if (!renamed) continue;
      recordFault(what, response.faults, *r, "renamed " + r->from + " -> " + r->to);
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
      recordFault(what, response.faults, *r,
                  r->kind == FaultKind::RemoveAttribute ? "removed " + r->from
                                                        : "moved " + r->from + " to " + r->to);
      applied.push_back(r);
    } else if (r->kind == FaultKind::ChangeIdFormat) {
      const std::size_t changed = reformatIds(*body, r->style);
      if (changed == 0) continue;
      recordFault(what, response.faults, *r,
                  std::to_string(changed) + " id(s) sent " +
                      (r->style == "uppercase" ? "in uppercase" : "as compact ids"),
                  {{"ids", static_cast<std::int64_t>(changed)}});
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
      recordFault(what, response.faults, *r, "added " + r->to);
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
      recordFault(what, response.faults, *r, r->from + " sent as a string");
      applied.push_back(r);
    }
  }
  if (!applied.empty() || touched)  // untouched bodies keep their exact bytes
    response.body = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (const FaultRule* r : d.fired) {
    if (r->kind != FaultKind::TruncateBody) continue;
    response.body.resize(response.body.size() / 2);
    recordFault(what, response.faults, *r,
                "body cut to " + std::to_string(response.body.size()) + " bytes",
                {{"bytes", static_cast<std::int64_t>(response.body.size())}});
    applied.push_back(r);
  }
  std::lock_guard lock(mutex_);
  // Rules are never removed, so an index in the decision's plan is the
  // same rule's index in the plan now.
  for (const FaultRule* r : applied) countFiring(static_cast<std::size_t>(r - d.plan->data()));
  return what;
}

std::map<std::string, int> FaultEngine::firings() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, int> out;
  for (std::size_t i = 0; i < plan_->size(); ++i) out[(*plan_)[i].id] = fired_total_[i];
  return out;
}

void FaultEngine::countFiring(std::size_t index) {
  ++fired_[index];
  ++fired_total_[index];
}

std::shared_ptr<const std::vector<FaultRule>> FaultEngine::rules() const {
  std::lock_guard lock(mutex_);
  return plan_;
}

void FaultEngine::noteIdChanges() {
  changes_ids_.store(std::any_of(plan_->begin(), plan_->end(), [](const FaultRule& r) {
    return r.kind == FaultKind::ChangeIdFormat;
  }));
}

std::ptrdiff_t FaultEngine::indexOf(const std::string& id) const {
  for (std::size_t i = 0; i < plan_->size(); ++i) {
    if ((*plan_)[i].id == id) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

std::vector<FaultRuleState> FaultEngine::ruleStates() const {
  std::lock_guard lock(mutex_);
  std::vector<FaultRuleState> out;
  for (std::size_t i = 0; i < plan_->size(); ++i)
    out.push_back({(*plan_)[i], enabled_[i] != 0, versions_[i], fired_total_[i], fired_[i]});
  return out;
}

bool FaultEngine::setEnabled(const std::string& id, bool enabled) {
  std::lock_guard lock(mutex_);
  const std::ptrdiff_t i = indexOf(id);
  if (i < 0) return false;
  enabled_[static_cast<std::size_t>(i)] = enabled ? 1 : 0;
  return true;
}

bool FaultEngine::replaceRule(FaultRule rule) {
  std::lock_guard lock(mutex_);
  const std::ptrdiff_t found = indexOf(rule.id);
  if (found < 0) return false;
  const auto i = static_cast<std::size_t>(found);
  const std::string prefix = rule.id + "\n";
  // Requests in flight keep the plan they were decided with.
  auto plan = std::make_shared<Plan>(*plan_);
  (*plan)[i] = std::move(rule);
  plan_ = std::move(plan);
  ++versions_[i];
  std::erase_if(buckets_, [&prefix](const auto& b) { return b.first.rfind(prefix, 0) == 0; });
  noteIdChanges();
  return true;
}

bool FaultEngine::addRule(FaultRule rule) {
  std::lock_guard lock(mutex_);
  if (indexOf(rule.id) >= 0) return false;
  auto plan = std::make_shared<Plan>(*plan_);
  plan->push_back(std::move(rule));
  plan_ = std::move(plan);
  enabled_.push_back(1);
  versions_.push_back(1);
  fired_.push_back(0);
  fired_total_.push_back(0);
  passed_.push_back(0);
  noteIdChanges();
  return true;
}

void FaultEngine::resetRequestState() {
  std::lock_guard lock(mutex_);
  attempts_.clear();
  retry_at_ms_.clear();
  buckets_.clear();
  std::fill(fired_.begin(), fired_.end(), 0);
  std::fill(passed_.begin(), passed_.end(), 0);
}

std::size_t FaultEngine::retryAfterViolations() const {
  std::lock_guard lock(mutex_);
  return retry_after_violations_;
}

}  // namespace faultline::mocks
