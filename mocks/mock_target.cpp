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
      timeline_(scenario.timeline, seed, tenant_, clock),
      server_(journal_, issuer_, clock, std::move(server_options)) {
  for (const auto& e : scenario.timeline) {
    if (e.at_request == 0) continue;
    server_.scheduleBeforeRequest(e.at_request, [this, index = e.index](std::uint64_t position) {
      return timeline_.apply(index, position);
    });
  }
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

void MockTarget::applyBeforeOperation(int index) {
  for (const auto& e : timeline_.events()) {
    if (e.before_operation == index) timeline_.apply(e.index, journal_.lastSeq());
  }
}

std::string MockTarget::apiBaseUrl() const {
  return server_.url(api_base_path_);
}
std::string MockTarget::tokenUrl() const {
  return server_.url(token_path_);
}

}  // namespace faultline::mocks
