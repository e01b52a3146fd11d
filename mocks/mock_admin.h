#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/dialect.h"
#include "mocks/mock_target.h"
#include "scenarios/config_error.h"
#include "scenarios/dialects.h"
#include "scenarios/fault_plan.h"

namespace faultline::mocks {

// Reads a fault rule to add to, or change in, a running mock: the scenario
// loader's reader for one rule (parameters, reachability), then whether
// `dialect` can express it, and a rule that can never fire in a mock (one
// matched by scenario operation: a hand-run mock runs none). Issues carry
// JSON pointers into `rule`. The rule's id is not checked against others.
scenarios::FaultRule readRuntimeRule(const nlohmann::json& rule,
                                     const scenarios::DialectTraits& dialect,
                                     std::vector<scenarios::ConfigIssue>& issues);

// The admin API of `faultline mock` (docs/mock.md): reads the journal,
// lists, switches, changes and adds fault rules, and resets the tenant, over
// HTTP on the target's own port under kPrefix. Every request must carry the
// admin token, and nothing else opens it; the target API never accepts the
// admin token, as its issuer never issued it. Admin requests are not
// journaled, take no sequence number and meet no fault.
//
// Thread-safe: handlers run on the server's pool. Changes are serialised by
// the admin's mutex and land in the fault engine as a whole new plan, so a
// request in flight is decided by the plan before or after a change.
class MockAdmin {
 public:
  static constexpr std::string_view kPrefix = "/__faultline";
  // The most journal entries one read returns.
  static constexpr std::size_t kMaxJournalLimit = 10'000;

  // Where a rule came from, as the rule list says.
  struct RuleSource {
    nlohmann::json rule;  // the rule as written: scenario text, --fault, or the admin
    std::string origin;   // "scenario", "flag", "admin"
  };

  struct Options {
    std::string token;  // the bearer token admin requests must carry
    const scenarios::DialectTraits* dialect = nullptr;
    std::string scenario;  // for the index
    std::uint64_t seed = 0;
    // Told every change in words ("rule users-429 disabled"), for the log.
    std::function<void(const std::string&)> on_change;
  };

  // `sources` holds each rule of the target's plan by id, as written.
  MockAdmin(MockTarget& target, Options options, std::map<std::string, RuleSource> sources);

  const std::string& token() const { return options_.token; }
  // Installs the admin routes on the target. Call before the target starts.
  void install();
  MockResponse handle(const MockRequest& request);

  // A random token: 32 bytes from the system's random source, hex, prefixed
  // "fla_". Never derived from the seed: it guards the mock, it is not part
  // of what a drill replays.
  static std::string newToken();

 private:
  MockResponse route(const MockRequest& request);
  MockResponse index() const;
  MockResponse readJournal(const MockRequest& request) const;
  MockResponse listRules() const;
  MockResponse showRule(const std::string& id) const;
  MockResponse showRuleLocked(const std::string& id) const;  // caller holds mutex_
  MockResponse addRule(const MockRequest& request);
  MockResponse changeRule(const std::string& id, const MockRequest& request);
  MockResponse switchRule(const std::string& id, bool enabled);
  MockResponse reset(const MockRequest& request);
  nlohmann::json ruleState(const FaultRuleState& state) const;  // caller holds mutex_
  void changed(const std::string& what) const;

  MockTarget& target_;
  const Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, RuleSource> sources_;  // guarded by mutex_; by rule id
};

}  // namespace faultline::mocks
