#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/mock_server.h"
#include "mocks/scim_resource_cache.h"
#include "mocks/tenant.h"

namespace faultline::mocks {

struct ScimOptions {
  std::string base_path = "/scim/v2";
  int default_page_size = 100;
  int max_page_size = 500;
};

// SCIM 2.0 (RFC 7643/7644) over the tenant: discovery, Users, Groups and a
// read-only Entitlements resource type. Handlers are stateless apart from the
// tenant, so they are safe on any number of server threads.
class ScimDialect final : public Dialect {
 public:
  ScimDialect(Tenant& tenant, ScimOptions options);

  std::string name() const override { return "scim"; }
  std::vector<Route> routes() override;
  std::string basePath() const override { return options_.base_path; }
  MockResponse unauthorized(const std::string& description, bool token_presented) const override;
  MockResponse notFound(const std::string& path) const override;
  RequestTarget classify(const MockRequest& request) const override;
  MockResponse internalError(const std::string& detail) const override;
  MockResponse refused(int status, const std::string& detail) const override;
  // How faults are spelt in SCIM (scim_wire.cpp).
  MockResponse error(ErrorMeaning meaning, int status, const std::string& detail) const override;
  std::string contentType() const override { return "application/scim+json"; }
  std::string emptyList() const override;
  nlohmann::ordered_json* listItems(nlohmann::ordered_json& body) const override;
  void itemsChanged(nlohmann::ordered_json& body) const override;
  std::optional<long long> listTotal(const nlohmann::ordered_json& body) const override;
  bool setListTotal(nlohmann::ordered_json& body, long long total) const override;
  std::optional<ShiftedPosition> shiftPage(MockRequest& request, int shift) const override;
  void restorePage(MockResponse& response, const std::string& asked) const override;
  bool isSchemaDescription(const nlohmann::ordered_json& body) const override;
  bool announceDrift(scenarios::FaultKind kind, const std::string& from, const std::string& to,
                     const std::string& value_json, const std::string& resource,
                     nlohmann::ordered_json& body) const override;

  // Exposed for tests: the handlers without the HTTP layer.
  MockResponse list(const MockRequest& request, const std::string& resource) const;
  MockResponse get(const MockRequest& request, const std::string& resource) const;
  MockResponse create(const MockRequest& request, const std::string& resource) const;
  MockResponse replace(const MockRequest& request, const std::string& resource) const;
  MockResponse patch(const MockRequest& request, const std::string& resource) const;
  MockResponse remove(const MockRequest& request, const std::string& resource) const;

 private:
  std::string baseUrl(const MockRequest& request) const;
  // Reads the request's stale view when a fault set one, else the tenant.
  template <typename F>
  auto readFor(const MockRequest& request, F&& f) const {
    if (request.view) return f(*request.view);
    return tenant_.read(std::forward<F>(f));
  }
  MockResponse resourceResponse(const MockRequest& request, const std::string& resource,
                                const std::string& id, int status) const;
  MockResponse writeOutcome(const MockRequest& request, const std::string& resource,
                            const std::string& id, const WriteResult& result) const;

  Tenant& tenant_;
  const ScimOptions options_;
  const std::string service_provider_config_;
  const std::string resource_types_;
  const std::string schemas_;
  std::map<std::string, std::string> schema_by_id_;  // /Schemas/{id}
  mutable ResourceCache cache_;
};

// Opaque cursors for cursor pagination: encode an offset; decode checks it
// ("" is the first page, offset 0); nullopt for an invalid cursor.
std::string encodeCursor(long long offset);
std::optional<long long> decodeCursor(const std::string& cursor);

// A SCIM error response (RFC 7644 §3.12); scim_type may be empty.
MockResponse scimError(int status, const std::string& scim_type, const std::string& detail);

}  // namespace faultline::mocks
