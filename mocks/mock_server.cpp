#include "mocks/mock_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <stdexcept>
#include <system_error>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "mocks/fault_engine.h"
#include "mocks/id_format.h"
#include "mocks/seeded_rng.h"

namespace faultline::mocks {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

MockRequest toMockRequest(const httplib::Request& req) {
  MockRequest r;
  r.method = req.method;
  r.path = req.path;
  if (auto q = req.target.find('?'); q != std::string::npos) r.query = req.target.substr(q + 1);
  for (const auto& [k, v] : req.params) r.params.emplace_back(k, v);
  for (const auto& [k, v] : req.headers) r.headers.emplace_back(k, v);
  for (std::size_t i = 1; i < req.matches.size(); ++i) r.captures.push_back(req.matches[i].str());
  r.body = req.body;
  return r;
}

std::string bearerToken(const MockRequest& request) {
  const std::string value = request.header("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || !equalsIgnoreCase(value.substr(0, kScheme.size()), kScheme))
    return "";
  return value.substr(kScheme.size());
}

// Scorers recognise a repeated write by this; a token request is left out
// because its body may carry the client secret.
std::string writeBodyHash(const Route& route, const httplib::Request& req) {
  if (route.auth != AuthMode::Bearer || req.method == "GET") return "";
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hashString(req.body)));
  return buf;
}

// Journals are written out as replay artefacts and must never hold a
// credential; RFC 6750 §2.3 lets a client put its token in the query.
std::string redactQuery(const std::string& query) {
  std::string out;
  for (std::size_t start = 0; start <= query.size();) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string_view pair(query.data() + start, end - start);
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    if (start != 0) out.push_back('&');
    if (eq != std::string_view::npos && (name == "access_token" || name == "client_secret")) {
      out.append(name).append("=REDACTED");
    } else {
      out.append(pair);
    }
    start = end + 1;
  }
  return out;
}

// cpp-httplib's fixed pool gives each connection a worker for as long as it
// stays open, so a few connections that trickle a request (or send nothing)
// starve everyone else. This pool starts another worker whenever every one
// is busy, up to `max`; the read timeouts free the stalled ones.
class ElasticPool final : public httplib::TaskQueue {
 public:
  ElasticPool(std::size_t base, std::size_t max) : max_(std::max(base, max)) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < base; ++i) workers_.emplace_back([this] { work(); });
  }
  ~ElasticPool() override = default;

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(fn));
      if (idle_ < jobs_.size() && workers_.size() < max_ && !shutdown_) {
        try {
          workers_.emplace_back([this] { work(); });
        } catch (const std::system_error&) {
          // Out of threads (a ulimit, memory): the running workers take the
          // job later; a throw here would end cpp-httplib's accept loop.
        }
      }
    }
    cond_.notify_one();
  }

  void shutdown() override {
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
      workers.swap(workers_);
    }
    cond_.notify_all();
    for (auto& t : workers) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        ++idle_;
        cond_.wait(lock, [this] { return shutdown_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) return;  // shut down with nothing left to run
        fn = std::move(jobs_.front());
        jobs_.pop_front();
      }
      fn();
    }
  }

  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable cond_;
  std::vector<std::thread> workers_;        // guarded by mutex_
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  std::size_t idle_ = 0;                    // guarded by mutex_; workers waiting for a job
  bool shutdown_ = false;                   // guarded by mutex_
};

bool expectsBody(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// cpp-httplib answers false and leaves errno to its own close(); ask the
// kernel why with a probe socket bound the same way.
std::string bindFailure(const std::string& host, int port) {
  const std::string fallback = "cannot bind " + host + ":" + std::to_string(port);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return fallback;
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  if (probe < 0) return fallback;
  int yes = 1;
  ::setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  const bool bound = ::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  const int error = errno;
  ::close(probe);
  if (!bound && error == EADDRINUSE)
    return "port " + std::to_string(port) + " on " + host + " is already in use";
  return bound ? fallback : fallback + ": " + std::strerror(error);
}

constexpr std::size_t kMaxBodyBytes = 16u << 20;

// The status and detail for a request cpp-httplib refused before routing,
// from the status it chose.
std::pair<int, std::string> refusal(int status, const std::string& method) {
  switch (status) {
    case 404:
      // Every path has a route for GET, POST, PUT, PATCH and DELETE, so what
      // found none is another method: RFC 7644 §3.12 answers 501.
      return {501, method + " is not supported"};
    case 413:
      return {413,
              "the request body is larger than " + std::to_string(kMaxBodyBytes >> 20) + " MiB"};
    case 414:
      return {414, "the request target is too long"};
    default:
      return {status, "the request could not be read as HTTP (" + std::to_string(status) + ")"};
  }
}

std::string queryOf(const httplib::Request& req) {
  const auto q = req.target.find('?');
  return q == std::string::npos ? "" : req.target.substr(q + 1);
}

}  // namespace

MockServer::MockServer(Journal& journal, TokenIssuer& issuer, const Clock& clock,
                       MockServerOptions options)
    : journal_(journal),
      issuer_(issuer),
      clock_(clock),
      options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()) {
  // Debian's cpp-httplib defaults cost two orders of magnitude: Nagle on,
  // 5 requests per connection, a pool smaller than our connection count.
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(1'000'000);
  const auto threads = static_cast<std::size_t>(std::max(1, options_.threads));
  server_->new_task_queue = [threads] { return new ElasticPool(threads, kMaxWorkers); };
  server_->set_read_timeout(kReadTimeoutSeconds, 0);
  server_->set_keep_alive_timeout(kReadTimeoutSeconds);
  server_->set_payload_max_length(kMaxBodyBytes);
  // cpp-httplib's default options add SO_REUSEPORT, which lets a second
  // server bind a port this one listens on and take half its connections.
  // SO_REUSEADDR alone still lets a restarted mock rebind through TIME_WAIT.
  server_->set_socket_options([this](int fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = fd;
  });
  // RFC 9112 §6.3: without Content-Length or Transfer-Encoding a request's
  // body is empty. cpp-httplib 0.11 waits for the connection to close
  // instead, holding the client until the read timeout and answering an
  // empty 400. The Request is cpp-httplib's own non-const object.
  server_->set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    if (expectsBody(req.method) && !req.has_header("Content-Length") &&
        !req.has_header("Transfer-Encoding")) {
      const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Every route answers its own errors with a body, and a routed request has
  // its path match set; what is left was refused before routing.
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!req.matches.empty() || !res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        const auto [status, detail] = refusal(res.status, req.method);
        if (isAdminPath(req.path)) {
          // Not connector traffic: answered, never journaled.
          res.status = status;
          res.set_content(nlohmann::json{{"error", detail}}.dump(
                              -1, ' ', false, nlohmann::json::error_handler_t::replace),
                          "application/json");
          return httplib::Server::HandlerResponse::Handled;
        }
        const Dialect* dialect = dialectFor(req.path);
        MockResponse response;
        if (dialect != nullptr) {
          response = dialect->refused(status, detail);
        } else {
          response.status = status;
          response.body = "{\"error\":\"" + detail + "\"}";
        }
        response.note = "refused before routing: " + detail;
        answerUnrouted(req, res, response);
        return httplib::Server::HandlerResponse::Handled;
      }));
  // serve() catches everything a handler throws; this is the net for
  // anything thrown around it, by cpp-httplib or the route glue.
  server_->set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr thrown) {
        std::string what = "unknown exception";
        try {
          if (thrown) std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
          // `what` already says it is not a std::exception.
        }
        const Dialect* dialect = dialectFor(req.path);
        MockResponse response;
        if (dialect != nullptr) {
          response = dialect->internalError(what);
        } else {
          response.status = 500;
          response.body = "{\"error\":\"faultline harness bug\"}";
        }
        response.note = "harness bug: " + what;
        answerUnrouted(req, res, response);
      });
}

const Dialect* MockServer::dialectFor(const std::string& path) const {
  for (const auto& [pattern, dialect] : owners_) {
    if (std::regex_match(path, pattern)) return dialect;
  }
  return fallback_ != nullptr ? fallback_ : dialects_.empty() ? nullptr : dialects_.front().get();
}

void MockServer::answerUnrouted(const httplib::Request& req, httplib::Response& res,
                                const MockResponse& response) const {
  // Runs inside cpp-httplib's error and exception handlers, where a throw
  // would end the process: anything going wrong here still answers.
  try {
    res.status = response.status;
    for (const auto& [k, v] : response.headers) res.set_header(k, v);
    res.set_content(response.body, response.content_type);
    JournalEntry entry;
    entry.seq = journal_.reserve();
    entry.t_ms = clock_.nowMs();
    entry.dialect = dialectFor(req.path) != nullptr ? dialectFor(req.path)->name() : "";
    entry.method = req.method;
    entry.path = req.path;
    entry.query = redactQuery(queryOf(req));
    entry.status = response.status;
    entry.bytes_in = req.body.size();
    entry.bytes_out = res.body.size();
    entry.note = response.note;
    journal_.record(std::move(entry));
  } catch (...) {
    res.status = 500;
    res.set_content("{\"error\":\"faultline harness bug\"}", "application/json");
  }
}

MockServer::~MockServer() {
  stop();
}

void MockServer::addDialect(std::unique_ptr<Dialect> dialect) {
  for (const auto& route : dialect->routes()) {
    install(*dialect, route);
    owners_.emplace_back(std::regex(route.pattern), dialect.get());
  }
  dialects_.push_back(std::move(dialect));
}

void MockServer::addFallback(const Dialect& dialect) {
  // Installed by start(), after the admin routes: cpp-httplib tries routes
  // in the order given, and this one matches every path.
  fallback_ = &dialect;
}

void MockServer::setAdmin(std::string prefix,
                          std::function<MockResponse(const MockRequest&)> handler) {
  admin_prefix_ = std::move(prefix);
  admin_ = std::move(handler);
}

bool MockServer::isAdminPath(const std::string& path) const {
  return !admin_prefix_.empty() && path.rfind(admin_prefix_, 0) == 0 &&
         (path.size() == admin_prefix_.size() || path[admin_prefix_.size()] == '/');
}

void MockServer::installAdmin() {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    MockResponse response;
    try {
      response = admin_(toMockRequest(req));
    } catch (const std::exception& e) {
      response = MockResponse{};
      response.status = 500;
      response.body = nlohmann::json{{"error", std::string("harness bug: ") + e.what()}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (...) {
      response = MockResponse{};
      response.status = 500;
      response.body = R"({"error":"harness bug: unknown exception"})";
    }
    res.status = response.status;
    for (const auto& [k, v] : response.headers) res.set_header(k, v);
    res.set_content(response.body, response.content_type);
  };
  // Every escape is literal text in the prefix, so it is matched as written.
  std::string pattern;
  for (char c : admin_prefix_) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '/' && c != '_' && c != '-')
      pattern += '\\';
    pattern += c;
  }
  pattern += "(/.*)?";
  server_->Get(pattern, handler);
  server_->Post(pattern, handler);
  server_->Put(pattern, handler);
  server_->Patch(pattern, handler);
  server_->Delete(pattern, handler);
}

void MockServer::dropDeferred() {
  std::lock_guard lock(deferred_mutex_);
  deferred_.clear();
}

void MockServer::install(const Dialect& dialect, const Route& route) {
  auto handler = [this, &dialect, route](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    MockRequest request = toMockRequest(req);
    request.seq = journal_.reserve();
    JournalEntry entry;
    entry.seq = request.seq;
    entry.t_ms = clock_.nowMs();
    const std::string landed = runScheduled(request.seq);
    const std::uint64_t changes_before = tenant_ != nullptr ? tenant_->lastChangeSeq() : 0;
    MockResponse response = serve(dialect, route, request);
    std::size_t entry_bytes_out = 0;  // a streamed body is not in res.body
    res.status = response.status;
    for (const auto& [k, v] : response.headers) res.set_header(k, v);
    if (response.drop_before_body) {
      // A provider that fails makes cpp-httplib close the connection after
      // the headers: the client sees a reset where it expected a body.
      res.set_content_provider(std::max<std::size_t>(response.body.size(), 1),
                               response.content_type,
                               [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
    } else if (response.slow_chunk_bytes > 0 && !response.body.empty()) {
      // The fault is the wait: the pool thread trickles the body out.
      const std::size_t size = response.body.size();
      res.set_content_provider(
          size, response.content_type,
          [body = std::move(response.body), chunk = std::size_t(response.slow_chunk_bytes),
           delay = std::chrono::milliseconds(response.slow_delay_ms)](
              std::size_t offset, std::size_t, httplib::DataSink& sink) {
            if (offset > 0) std::this_thread::sleep_for(delay);
            const std::size_t n = std::min(chunk, body.size() - offset);
            return sink.write(body.data() + offset, n);
          });
      entry_bytes_out = size;
    } else if (!response.body.empty() || response.status != 204) {
      res.set_content(std::move(response.body), response.content_type);
    }
    entry.dialect = dialect.name();
    const RequestTarget target = dialect.classify(request);
    entry.request_kind = std::string(scenarios::requestKindName(target.kind));
    entry.resource = target.resource;
    entry.resource_id = target.id;
    entry.page = target.page;
    entry.offset = target.offset;
    entry.cursor = target.cursor;
    entry.faults = std::move(response.faults);
    entry.retry_after_early_ms = response.retry_after_early_ms;
    if (tenant_ != nullptr) {
      for (auto& c : tenant_->changesSince(changes_before, request.cause()))
        entry.changes.push_back({std::move(c.kind), std::move(c.object), std::move(c.detail)});
    }
    entry.method = request.method;
    entry.path = request.path;
    entry.query = redactQuery(request.query);
    entry.status = response.status;
    entry.bytes_in = request.body.size();
    entry.bytes_out = entry_bytes_out != 0 ? entry_bytes_out : res.body.size();
    entry.token_id = request.token_id;
    entry.body_hash = writeBodyHash(route, req);
    entry.note = landed.empty() || response.note.empty() ? landed + response.note
                                                         : landed + "; " + response.note;
    entry.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    journal_.record(std::move(entry));
  };
  if (route.method == "GET") {
    server_->Get(route.pattern, handler);
  } else if (route.method == "POST") {
    server_->Post(route.pattern, handler);
  } else if (route.method == "PUT") {
    server_->Put(route.pattern, handler);
  } else if (route.method == "PATCH") {
    server_->Patch(route.pattern, handler);
  } else if (route.method == "DELETE") {
    server_->Delete(route.pattern, handler);
  } else {
    throw std::logic_error("route with unsupported method " + route.method);
  }
}

MockResponse MockServer::serve(const Dialect& dialect, const Route& route,
                               MockRequest& request) const {
  try {
    MockResponse response = serveWithFaults(dialect, route, request);
    if (after_serve_) {
      const std::string note = after_serve_(request, response);
      if (!note.empty()) response.note += (response.note.empty() ? "" : "; ") + note;
    }
    return response;
  } catch (const std::exception& e) {
    MockResponse response = dialect.internalError(e.what());
    response.note = std::string("harness bug: ") + e.what();
    return response;
  } catch (...) {
    MockResponse response = dialect.internalError("unknown exception");
    response.note = "harness bug: unknown exception";
    return response;
  }
}

MockResponse MockServer::serveWithFaults(const Dialect& dialect, const Route& route,
                                         MockRequest& request) const {
  const bool bearer = route.auth == AuthMode::Bearer;
  const std::string token = bearer ? bearerToken(request) : "";
  TokenVerdict verdict = bearer ? issuer_.check(token) : TokenVerdict{TokenCheck::Valid, ""};
  request.token_id = verdict.id;
  FaultDecision decision;
  FaultRequest fault_request;
  std::string note;                // the faults in words, for the journal's note
  std::vector<FaultRecord> fired;  // and as records
  if (faults_ != nullptr) runDue(request.seq);
  if (faults_ != nullptr && faults_->changesIds()) {
    // Ids the mock sent in another format come back in that format: map
    // them to the tenant's own before anything reads the request.
    request.path = canonicalIds(request.path);
    request.query = canonicalIds(request.query);
    request.body = canonicalIds(request.body);
    for (auto& [k, v] : request.params) v = canonicalIds(v);
    for (auto& c : request.captures) c = canonicalIds(c);
  }
  // A request refused for its token never meets a fault: counting one would
  // call a drill conclusive for a fault the connector never saw.
  if (faults_ != nullptr && verdict.check == TokenCheck::Valid) {
    const RequestTarget target = dialect.classify(request);
    // Rate limits and Retry-After deadlines belong to the client, not the
    // token: a fresh token does not reset them.
    fault_request.method = request.method;
    fault_request.path = request.path;
    fault_request.query = request.query;
    fault_request.kind = target.kind;
    fault_request.resource = target.resource;
    fault_request.id = target.id;
    fault_request.page = target.page;
    fault_request.ordinal = request.seq;
    fault_request.t_ms = clock_.nowMs();
    fault_request.client = bearer ? issuer_.client().client_id : "";
    fault_request.cursor = target.cursor;
    fault_request.body = request.body;
    decision = faults_->decide(fault_request);
    note = decision.note;
    if (decision.firedKind(scenarios::FaultKind::RevokeToken) && !request.token_id.empty()) {
      issuer_.revoke(request.token_id);
      verdict = issuer_.check(token);
      // Evidence names the rule, as every other fault's note does.
      recordFault(note, fired, *decision.rule(scenarios::FaultKind::RevokeToken),
                  "revoked " + request.token_id);
    }
  }
  auto noted = [this, &note, &fired, &decision, &dialect](MockResponse r) {
    if (const auto* kill = decision.rule(scenarios::FaultKind::KillConnector)) {
      // The request was served (a write applied); the connector dies before
      // it hears the answer, as in a deploy, an OOM kill or a drained node.
      const std::string killed = killer_ ? killer_() : "";
      recordFault(note, fired, *kill, killed.empty() ? "no connector running" : killed);
      r.drop_before_body = true;
    }
    if (!note.empty()) r.note = note + (r.note.empty() ? "" : "; " + r.note);
    r.faults.insert(r.faults.begin(), fired.begin(), fired.end());
    r.retry_after_early_ms = decision.retry_after_early_ms;
    if (decision.budget) {
      for (auto& header : dialect.rateLimitHeaders(decision.budget->limit,
                                                   decision.budget->remaining, std::nullopt))
        r.headers.push_back(std::move(header));
    }
    return r;
  };
  if (bearer && verdict.check != TokenCheck::Valid)
    return noted(authFailure(dialect, token, verdict));
  if (faults_ == nullptr) return route.handler(request);
  if (const std::int64_t delay = faults_->latencyMs(decision, fault_request); delay > 0) {
    // The fault itself is the wait: the handler thread holds the answer.
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    recordFault(note, fired, *decision.rule(scenarios::FaultKind::Latency),
                "held " + std::to_string(delay) + " ms", {{"held_ms", delay}});
  }
  if (auto pre = faults_->preResponse(decision, fault_request, dialect))
    return noted(std::move(*pre));
  if (auto written = applyWriteFaults(decision, route, request, note, fired))
    return noted(std::move(*written));
  std::optional<ShiftedPosition> shifted;
  if (const auto* r = decision.rule(scenarios::FaultKind::ShiftedPage)) {
    shifted = dialect.shiftPage(request, r->shift);
    if (shifted) {
      recordFault(note, fired, *r, "served " + shifted->served + " for " + shifted->asked,
                  {{"shift", r->shift}});
    }
  }
  MockResponse response = route.handler(request);
  if (shifted) dialect.restorePage(response, shifted->asked);
  const std::string rewritten = faults_->rewrite(decision, response, dialect);
  if (!rewritten.empty())
    response.note = rewritten + (response.note.empty() ? "" : "; " + response.note);
  if (const auto* slow = decision.rule(scenarios::FaultKind::SlowBody)) {
    response.slow_chunk_bytes = slow->chunk_bytes;
    response.slow_delay_ms = slow->delay_ms;
    recordFault(note, fired, *slow,
                std::to_string(slow->chunk_bytes) + "-byte pieces " +
                    std::to_string(slow->delay_ms) + " ms apart",
                {{"chunk_bytes", slow->chunk_bytes}, {"delay_ms", slow->delay_ms}});
  }
  return noted(std::move(response));
}

void MockServer::scheduleBeforeRequest(std::uint64_t seq,
                                       std::function<std::string(std::uint64_t)> action) {
  std::lock_guard lock(scheduled_mutex_);
  scheduled_.push_back({seq, std::move(action)});
  scheduled_left_ = scheduled_.size();
  std::stable_sort(scheduled_.begin(), scheduled_.end(),
                   [](const Scheduled& a, const Scheduled& b) { return a.due_seq < b.due_seq; });
}

std::string MockServer::runScheduled(std::uint64_t seq) const {
  if (scheduled_left_.load() == 0) return "";
  std::lock_guard lock(scheduled_mutex_);
  std::string notes;
  // In due order, then in the order scheduled. Requests overlap: whichever
  // request numbered `due_seq` or higher gets here first runs the action,
  // under the lock, before it is served.
  while (!scheduled_.empty() && scheduled_.front().due_seq <= seq) {
    const std::string note = scheduled_.front().action(seq - 1);
    scheduled_.erase(scheduled_.begin());
    scheduled_left_ = scheduled_.size();
    if (!note.empty()) notes += (notes.empty() ? "" : "; ") + note;
  }
  return notes;
}

std::size_t MockServer::settle() const {
  std::size_t pending = 0;
  {
    std::lock_guard lock(deferred_mutex_);
    pending = deferred_.size();
  }
  runDue(std::numeric_limits<std::uint64_t>::max());
  return pending;
}

void MockServer::runDue(std::uint64_t seq) const {
  std::lock_guard lock(deferred_mutex_);
  // Due actions run in the order they were deferred, before the request that
  // makes them due: a pure function of the request sequence.
  for (auto it = deferred_.begin(); it != deferred_.end();) {
    if (it->due_seq > seq) {
      ++it;
      continue;
    }
    it->action();
    it = deferred_.erase(it);
  }
}

std::optional<MockResponse> MockServer::applyWriteFaults(const FaultDecision& decision,
                                                         const Route& route, MockRequest& request,
                                                         std::string& note,
                                                         std::vector<FaultRecord>& fired) const {
  using scenarios::FaultKind;
  auto add = [&note, &fired](const scenarios::FaultRule& r, const std::string& what) {
    recordFault(note, fired, r, what);
  };

  auto accepted = [] {
    MockResponse r;
    r.status = 204;
    return r;
  };
  if (const auto* r = decision.rule(FaultKind::StaleRead); r != nullptr && tenant_ != nullptr) {
    const std::uint64_t now = tenant_->lastChangeSeq();
    const std::uint64_t as_of =
        now > static_cast<std::uint64_t>(r->lag_writes) ? now - r->lag_writes : 0;
    request.view = std::make_shared<const TenantState>(tenant_->viewAsOf(as_of));
    add(*r, "served as of change #" + std::to_string(as_of) + " of " + std::to_string(now));
  }
  if (const auto* r = decision.rule(FaultKind::LostResponse)) {
    MockResponse response = route.handler(request);
    add(*r, "applied (" + std::to_string(response.status) +
                "), then the connection dropped before the answer");
    response.drop_before_body = true;
    return response;
  }
  if (const auto* r = decision.rule(FaultKind::WriteNotApplied)) {
    add(*r, "answered 204, not applied");
    return accepted();
  }
  if (const auto* r = decision.rule(FaultKind::WriteDelayed)) {
    const std::uint64_t due = request.seq + static_cast<std::uint64_t>(r->after_requests);
    add(*r, "answered 204, applies before request #" + std::to_string(due));
    std::lock_guard lock(deferred_mutex_);
    deferred_.push_back({due, [handler = route.handler, delayed = request] { handler(delayed); }});
    return accepted();
  }
  const auto* partial = decision.rule(FaultKind::PartialApply);
  const auto* revert = decision.rule(FaultKind::WriteReverted);
  if ((partial == nullptr && revert == nullptr) || tenant_ == nullptr) return std::nullopt;
  const std::uint64_t before = tenant_->lastChangeSeq();
  MockResponse response = route.handler(request);
  const std::uint64_t after = tenant_->lastChangeSeq();
  if (after == before) return response;
  if (partial != nullptr) {
    tenant_->undoWrites(before, after, UndoScope::CredentialsOnly,
                        "fault " + partial->id + " on " + request.cause(), true);
    add(*partial, "applied, but API keys left live");
  }
  if (revert != nullptr) {
    const std::uint64_t due = request.seq + static_cast<std::uint64_t>(revert->after_requests);
    add(*revert, "applied; undone before request #" + std::to_string(due));
    Tenant* tenant = tenant_;
    const std::string cause = "fault " + revert->id + " reverting " + request.cause();
    std::lock_guard lock(deferred_mutex_);
    deferred_.push_back({due, [tenant, before, after, cause] {
                           tenant->undoWrites(before, after, UndoScope::Everything, cause);
                         }});
  }
  return response;
}

MockResponse MockServer::authFailure(const Dialect& dialect, const std::string& token,
                                     const TokenVerdict& verdict) const {
  switch (verdict.check) {
    case TokenCheck::Expired:
      return dialect.unauthorized("The access token expired", true);
    case TokenCheck::Revoked:
      return dialect.unauthorized("The access token was revoked", true);
    default:
      return token.empty() ? dialect.unauthorized("No bearer token", false)
                           : dialect.unauthorized("The access token is not recognised", true);
  }
}

int MockServer::start() {
  if (admin_) installAdmin();
  if (fallback_ != nullptr && !fallback_installed_) {
    fallback_installed_ = true;
    const Dialect& dialect = *fallback_;
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      install(dialect, {method, ".*", AuthMode::None,
                        [&dialect](const MockRequest& r) { return dialect.notFound(r.path); }});
    }
  }
  port_ = options_.port == 0
              ? server_->bind_to_any_port(options_.host)
              : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port_ <= 0) throw std::runtime_error(bindFailure(options_.host, options_.port));
  // The packaged cpp-httplib listens with a backlog of 5, compiled in; calling
  // listen() again on the listening socket raises it (Linux, POSIX allows it).
  ::listen(listen_fd_.load(), kListenBacklog);
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  // The socket already listens (connections queue in its backlog); wait only
  // until the accept loop runs, so stop() cannot race ahead of it.
  while (!server_->is_running()) std::this_thread::yield();
  return port_;
}

void MockServer::stop() {
  if (listener_.joinable()) {
    server_->stop();
    listener_.join();
  }
}

std::string MockServer::url(std::string_view path) const {
  return "http://" + options_.host + ":" + std::to_string(port_) + std::string(path);
}

}  // namespace faultline::mocks
