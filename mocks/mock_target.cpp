#include "mocks/mock_target.h"

#include "mocks/generator.h"
#include "mocks/oauth_dialect.h"
#include "mocks/scim_dialect.h"

namespace faultline::mocks {

MockTarget::MockTarget(const scenarios::Scenario& scenario, std::uint64_t seed, const Clock& clock,
                       MockServerOptions server_options)
    : tenant_(generateTenant(scenario.tenant, seed), clock),
      issuer_(seed, clock, scenario.target.token_ttl_seconds),
      faults_(scenario.faults, seed),
      server_(journal_, issuer_, clock, std::move(server_options)) {
  if (!scenario.faults.empty()) {
    server_.setFaultEngine(&faults_);
    server_.setTenant(&tenant_);
  }
  ScimOptions scim;
  scim.default_page_size = scenario.target.default_page_size;
  scim.max_page_size = scenario.target.max_page_size;
  api_base_path_ = scim.base_path;
  auto oauth = std::make_unique<OAuthDialect>(issuer_);
  token_path_ = oauth->tokenPath();
  server_.addDialect(std::move(oauth));
  auto scim_dialect = std::make_unique<ScimDialect>(tenant_, scim);
  const Dialect& primary = *scim_dialect;
  server_.addDialect(std::move(scim_dialect));
  server_.addFallback(primary);
}

MockTarget::~MockTarget() {
  stop();
}

void MockTarget::start() {
  server_.start();
}
void MockTarget::stop() {
  server_.stop();
}

std::string MockTarget::apiBaseUrl() const {
  return server_.url(api_base_path_);
}
std::string MockTarget::tokenUrl() const {
  return server_.url(token_path_);
}

}  // namespace faultline::mocks
