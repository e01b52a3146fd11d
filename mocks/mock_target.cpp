#include "mocks/mock_target.h"

#include <stdexcept>

#include "mocks/dialects.h"
#include "mocks/generator.h"
#include "mocks/oauth_dialect.h"
#include "scenarios/dialects.h"

namespace faultline::mocks {

MockTarget::MockTarget(const scenarios::Scenario& scenario, std::uint64_t seed, const Clock& clock,
                       MockServerOptions server_options)
    : tenant_spec_(scenario.tenant),
      seed_(seed),
      tenant_(generateTenant(scenario.tenant, seed), clock),
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
  for (const auto& e : scenario.timeline) {
    if (e.race_operation > 0) races_left_.push_back(e.index);
  }
  if (!races_left_.empty()) {
    server_.setAfterServe([this](const MockRequest& request, const MockResponse& response) {
      return landRace(request, response);
    });
  }
  // The journal records what each write changed, faults or not.
  server_.setTenant(&tenant_);
  if (!scenario.faults.empty()) server_.setFaultEngine(&faults_);
  auto oauth = std::make_unique<OAuthDialect>(issuer_);
  token_path_ = oauth->tokenPath();
  server_.addDialect(std::move(oauth));
  const std::string name = scenario.target.dialect.empty()
                               ? std::string(scenarios::defaultDialect())
                               : scenario.target.dialect;
  auto api = makeApiDialect(name, tenant_,
                            {scenario.target.default_page_size, scenario.target.max_page_size});
  if (api == nullptr) throw std::invalid_argument("no mock speaks the dialect \"" + name + "\"");
  api_ = api.get();
  api_base_path_ = api->basePath();
  server_.addDialect(std::move(api));
  server_.addFallback(*api_);
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

void MockTarget::reset() {
  // Deferred faults name change numbers of the tenant being replaced.
  server_.dropDeferred();
  tenant_.reset(generateTenant(tenant_spec_, seed_));
  issuer_.reset();
  faults_.resetRequestState();
}

void MockTarget::applyBeforeOperation(int index) {
  for (const auto& e : timeline_.events()) {
    if (e.before_operation == index) timeline_.apply(e.index, journal_.lastSeq());
  }
}

void MockTarget::setRaceGroups(int index, std::set<std::string> groups) {
  std::lock_guard lock(race_mutex_);
  race_operation_ = index;
  race_groups_ = std::move(groups);
}

std::string MockTarget::landRace(const MockRequest& request, const MockResponse& response) {
  if (response.status != 200) return "";
  const RequestTarget read = api_->classify(request);
  if (read.kind != scenarios::kRead || read.resource != "Groups") return "";
  const std::string& group = read.id;
  std::lock_guard lock(race_mutex_);
  if (race_groups_.count(group) == 0) return "";
  std::string notes;
  for (auto it = races_left_.begin(); it != races_left_.end();) {
    const auto& event = timeline_.events().at(static_cast<std::size_t>(*it - 1));
    if (event.race_operation != race_operation_) {
      ++it;
      continue;
    }
    const std::string note = timeline_.apply(*it, request.seq, group);
    if (!note.empty()) notes += (notes.empty() ? "" : "; ") + note;
    it = races_left_.erase(it);
  }
  return notes;
}

std::string MockTarget::apiBaseUrl() const {
  return server_.url(api_base_path_);
}
std::string MockTarget::tokenUrl() const {
  return server_.url(token_path_);
}

}  // namespace faultline::mocks
