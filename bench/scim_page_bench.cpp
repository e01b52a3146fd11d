// Benchmarks for the mock's hot path. Targets (issue #3) are recorded in the
// closing notes; this program holds the measurements.
#include <benchmark/benchmark.h>

#include <httplib.h>

#include <string>

#include "mocks/clock.h"
#include "mocks/generator.h"
#include "mocks/mock_target.h"
#include "mocks/scim_dialect.h"

namespace {

using namespace faultline;

scenarios::Scenario benchScenario(int accounts) {
  scenarios::Scenario s;
  s.name = "bench";
  s.tenant.accounts = accounts;
  s.tenant.groups = 50;
  s.tenant.entitlements = 30;
  s.target.default_page_size = 100;
  s.target.max_page_size = 100;
  s.operations.push_back({});
  return s;
}

// Building one 100-user ListResponse body, no HTTP.
void BM_BuildUserPage(benchmark::State& state) {
  const auto scenario = benchScenario(static_cast<int>(state.range(0)));
  mocks::ManualClock clock;
  mocks::Tenant tenant(mocks::generateTenant(scenario.tenant, 7), clock);
  mocks::ScimDialect dialect(tenant, {});
  mocks::MockRequest request;
  request.method = "GET";
  request.path = "/scim/v2/Users";
  request.params = {{"startIndex", "101"}, {"count", "100"}};
  request.headers = {{"Host", "127.0.0.1:1"}};
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto response = dialect.list(request, "Users");
    bytes += response.body.size();
    benchmark::DoNotOptimize(response);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_BuildUserPage)->Arg(1000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// One keep-alive client fetching a 100-user page over loopback.
void BM_ServeUserPage(benchmark::State& state) {
  const auto scenario = benchScenario(1000);
  mocks::SteadyClock clock;
  mocks::MockTarget target(scenario, 7, clock);
  target.start();
  const auto token = target.issuer().issue().token;
  const std::string base = target.apiBaseUrl();
  const auto host_end = base.find('/', 7);
  httplib::Client client(base.substr(0, host_end));
  client.set_keep_alive(true);
  const httplib::Headers headers = {{"Authorization", "Bearer " + token}};
  const std::string path = base.substr(host_end) + "/Users?startIndex=1&count=100";
  for (auto _ : state) {
    auto res = client.Get(path.c_str(), headers);
    if (!res || res->status != 200) {
      state.SkipWithError("request failed");
      break;
    }
    benchmark::DoNotOptimize(res->body.size());
  }
  target.stop();
}
BENCHMARK(BM_ServeUserPage)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
