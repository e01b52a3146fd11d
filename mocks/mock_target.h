#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "mocks/clock.h"
#include "mocks/fault_engine.h"
#include "mocks/journal.h"
#include "mocks/mock_server.h"
#include "mocks/tenant.h"
#include "mocks/timeline.h"
#include "mocks/token_issuer.h"
#include "scenarios/scenario.h"

namespace faultline::mocks {

// Everything a drill's fake world is: the generated tenant, the token issuer,
// the journal and the HTTP server with the scenario's dialect. Start() binds
// 127.0.0.1 on an ephemeral port unless told otherwise.
class MockTarget {
 public:
  MockTarget(const scenarios::Scenario& scenario, std::uint64_t seed, const Clock& clock,
             MockServerOptions server_options = {});
  ~MockTarget();

  void start();
  void stop();
  // Lets deferred write faults land now (MockServer::settle); returns how many.
  std::size_t settle() { return server_.settle(); }

  std::string apiBaseUrl() const;
  // The target API's dialect, e.g. "scim".
  std::string dialectName() const { return api_->name(); }
  std::string tokenUrl() const;
  const ClientCredentials& client() const { return issuer_.client(); }

  Tenant& tenant() { return tenant_; }
  const Tenant& tenant() const { return tenant_; }
  Journal& journal() { return journal_; }
  TokenIssuer& issuer() { return issuer_; }
  const FaultEngine& faults() const { return faults_; }
  FaultEngine& faults() { return faults_; }
  // Routes every request through the fault engine even when the plan is
  // empty, so rules added while serving take effect. Call before start().
  void attachFaultEngine() { server_.setFaultEngine(&faults_); }
  // Serves `prefix` outside the journal and the faults (MockServer::setAdmin).
  // Call before start().
  void setAdmin(std::string prefix, std::function<MockResponse(const MockRequest&)> handler) {
    server_.setAdmin(std::move(prefix), std::move(handler));
  }
  std::string url(std::string_view path) const { return server_.url(path); }
  // Puts the tenant back as the seed made it, forgets every token issued and
  // every write fault not yet landed, and lets the same requests meet the
  // same faults again (FaultEngine::resetRequestState). The client
  // credentials stay. Timeline events that already landed are not replayed.
  // A request in flight sees the tenant wholly before or after the reset.
  void reset();
  // The scenario operation now running (1-based), for faults matched by operation.
  void setOperation(int index) { faults_.setOperation(index); }
  const TokenIssuer& issuer() const { return issuer_; }
  // Lands the timeline events placed before operation `index` (1-based);
  // `at_request` events land by themselves as requests arrive.
  void applyBeforeOperation(int index);
  const Timeline& timeline() const { return timeline_; }
  // The groups the remove-membership actions of revoke operation `index`
  // name: race_operation events wait for the connector's first read of one.
  // Call before the operation's connector starts.
  void setRaceGroups(int index, std::set<std::string> groups);
  // What a kill_connector fault calls (MockServer::setConnectorKiller).
  void setConnectorKiller(std::function<std::string()> killer) {
    server_.setConnectorKiller(std::move(killer));
  }

 private:
  std::string landRace(const MockRequest& request, const MockResponse& response);

  const scenarios::TenantSpec tenant_spec_;
  const std::uint64_t seed_;
  Tenant tenant_;
  Journal journal_;
  TokenIssuer issuer_;
  FaultEngine faults_;
  Timeline timeline_;
  MockServer server_;
  const Dialect* api_ = nullptr;  // the target API's dialect, owned by server_
  std::string api_base_path_;
  std::string token_path_;
  std::mutex race_mutex_;
  int race_operation_ = 0;             // guarded by race_mutex_
  std::set<std::string> race_groups_;  // guarded by race_mutex_
  std::vector<int> races_left_;        // guarded by race_mutex_; event indexes not landed
};

}  // namespace faultline::mocks
