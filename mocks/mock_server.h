#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "mocks/clock.h"
#include "mocks/dialect.h"
#include "mocks/journal.h"
#include "mocks/tenant.h"
#include "mocks/token_issuer.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace faultline::mocks {

class FaultEngine;
struct FaultDecision;

struct MockServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  // Workers started with the server; more start while every one is busy, up
  // to MockServer::kMaxWorkers, so stalled connections cannot queue the rest.
  int threads = 8;
};

// Serves dialects over HTTP on loopback. Owns its listener thread and joins it
// in stop() or the destructor. Handlers run on cpp-httplib's pool, so
// everything they touch (tenant, journal, issuer) is thread-safe.
//
// Limits that keep it serving under abuse: up to kMaxWorkers connections are
// served at once (more wait in a listen queue of kListenBacklog); a
// connection is closed when a request stops arriving for kReadTimeoutSeconds
// or sits idle between requests as long. Every request gets an answer in the
// dialect's error format and a journal entry, even one cpp-httplib refuses
// before routing or one whose handler throws.
class MockServer {
 public:
  static constexpr int kMaxWorkers = 512;
  static constexpr int kListenBacklog = 1024;
  static constexpr int kReadTimeoutSeconds = 5;

  MockServer(Journal& journal, TokenIssuer& issuer, const Clock& clock,
             MockServerOptions options = {});
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  void addDialect(std::unique_ptr<Dialect> dialect);
  // Faults to inject (not owned; must outlive the server). Set before start().
  void setFaultEngine(FaultEngine* engine) { faults_ = engine; }
  // The tenant write and stale-read faults act on (not owned). Set before start().
  void setTenant(Tenant* tenant) { tenant_ = tenant; }
  // Runs `action` just before request `seq` is served (before the first
  // request numbered `seq` or higher), once; it gets the number of the last
  // request before it and returns a note for that request's journal entry.
  // Timeline events land this way: a pure function of the request sequence.
  // Call before start().
  void scheduleBeforeRequest(std::uint64_t seq, std::function<std::string(std::uint64_t)> action);
  // Kills the connector's process group; returns what it did for the journal
  // ("" when no connector was running). A kill_connector fault calls it after
  // the request was served and before the answer is sent, on the handler
  // thread, so the connector sends nothing more. Call before start().
  void setConnectorKiller(std::function<std::string()> killer) { killer_ = std::move(killer); }
  // Runs after each request is served and before its answer is sent; its
  // note joins the request's journal entry. Timeline events that race a
  // connector's read-modify-write land this way. Call before start().
  void setAfterServe(std::function<std::string(const MockRequest&, const MockResponse&)> hook) {
    after_serve_ = std::move(hook);
  }
  // Answers every path no dialect serves with `dialect`'s 404, journaled like
  // any other request, so a connector calling a wrong URL leaves evidence.
  // Call after every addDialect.
  void addFallback(const Dialect& dialect);
  // Serves every request under `prefix` (e.g. "/__faultline") with
  // `handler`, whatever the method: outside the journal, the sequence and
  // the faults, with no bearer check (the handler does its own). A handler
  // that throws answers 500. Call before start().
  void setAdmin(std::string prefix, std::function<MockResponse(const MockRequest&)> handler);
  // Forgets the deferred write faults not yet landed (a tenant reset undoes
  // what they would act on).
  void dropDeferred();
  // Binds and starts serving; returns the bound port. Throws
  // std::runtime_error when the address cannot be bound, e.g.
  // "port 8080 on 127.0.0.1 is already in use": a port is never shared.
  int start();
  void stop();
  // Lets every deferred write fault land now (delayed applies, reverts), as
  // if enough further requests had arrived: the settle period after an
  // operation. Returns how many ran.
  std::size_t settle() const;
  int port() const { return port_; }
  std::string url(std::string_view path = "") const;

 private:
  void install(const Dialect& dialect, const Route& route);
  // Answers and journals a request no route answered: refused by the HTTP
  // layer, or thrown out of by something around a handler.
  void answerUnrouted(const httplib::Request& req, httplib::Response& res,
                      const MockResponse& response) const;
  // The dialect whose routes cover `path`, else the fallback; null if none.
  const Dialect* dialectFor(const std::string& path) const;
  MockResponse serve(const Dialect& dialect, const Route& route, MockRequest& request) const;
  MockResponse serveWithFaults(const Dialect& dialect, const Route& route,
                               MockRequest& request) const;
  MockResponse authFailure(const Dialect& dialect, const std::string& token,
                           const TokenVerdict& verdict) const;

  Journal& journal_;
  TokenIssuer& issuer_;
  const Clock& clock_;
  MockServerOptions options_;
  // Write faults that land later (delayed applies, reverts), in due order.
  struct Deferred {
    std::uint64_t due_seq;
    std::function<void()> action;
  };
  void runDue(std::uint64_t seq) const;
  std::optional<MockResponse> applyWriteFaults(const FaultDecision& decision, const Route& route,
                                               MockRequest& request, std::string& note,
                                               std::vector<FaultRecord>& fired) const;

  // Runs the scheduled actions due at `seq`; returns their notes.
  std::string runScheduled(std::uint64_t seq) const;

  FaultEngine* faults_ = nullptr;
  Tenant* tenant_ = nullptr;
  std::function<std::string()> killer_;
  std::function<std::string(const MockRequest&, const MockResponse&)> after_serve_;
  struct Scheduled {
    std::uint64_t due_seq;
    std::function<std::string(std::uint64_t)> action;
  };
  mutable std::mutex scheduled_mutex_;
  mutable std::vector<Scheduled> scheduled_;  // guarded by scheduled_mutex_
  // How many scheduled actions remain, so requests skip the lock when none do.
  mutable std::atomic<std::size_t> scheduled_left_{0};
  mutable std::mutex deferred_mutex_;
  mutable std::vector<Deferred> deferred_;  // guarded by deferred_mutex_
  std::unique_ptr<httplib::Server> server_;
  std::vector<std::unique_ptr<Dialect>> dialects_;
  // Route patterns and their dialects, set up before start(), read-only after.
  std::vector<std::pair<std::regex, const Dialect*>> owners_;
  const Dialect* fallback_ = nullptr;
  bool fallback_installed_ = false;
  std::string admin_prefix_;  // set before start(), read-only after
  std::function<MockResponse(const MockRequest&)> admin_;
  bool isAdminPath(const std::string& path) const;
  void installAdmin();
  std::atomic<int> listen_fd_{-1};  // the socket bind() last set options on
  std::thread listener_;
  int port_ = 0;
};

}  // namespace faultline::mocks
