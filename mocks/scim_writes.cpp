// The write half of the SCIM dialect: POST, PUT, PATCH, DELETE. Every write
// goes through Tenant::update*/create*/delete*, which log the change.
#include "mocks/scim_attributes.h"
#include "mocks/scim_dialect.h"
#include "mocks/scim_patch.h"
#include "mocks/scim_request_body.h"
#include "mocks/scim_resources.h"

namespace faultline::mocks {
namespace {

using nlohmann::json;

// `If-Match: *` or no header means "any version"; a malformed tag can never
// match, which RFC 7232 answers with 412 as well.
std::optional<std::uint64_t> ifMatch(const MockRequest& request, bool& malformed) {
  const std::string header = request.header("If-Match");
  malformed = false;
  if (header.empty() || header == "*") return std::nullopt;
  auto v = parseEtag(header);
  if (!v) {
    malformed = true;
    return 0;
  }
  return v;
}

// Request bodies come from the connector under test: parsed with a depth
// limit and repeated keys refused, never by a call that can throw.
bool parseBody(const MockRequest& request, json& out, MockResponse& error) {
  RequestBody body = parseRequestBody(request.body);
  if (body.error) {
    error = scimError(400, body.error->scim_type, body.error->detail);
    return false;
  }
  out = std::move(body.value);
  return true;
}

}  // namespace

MockResponse ScimDialect::writeOutcome(const MockRequest& request, const std::string& resource,
                                       const std::string& id, const WriteResult& result) const {
  switch (result.status) {
    case WriteStatus::Ok:
      return resourceResponse(request, resource, id, request.method == "POST" ? 201 : 200);
    case WriteStatus::NotFound:
      return scimError(404, "", resourceSingular(resource) + " " + id + " not found");
    case WriteStatus::VersionMismatch:
      return scimError(412, "", result.message);
    case WriteStatus::Conflict:
      return scimError(409, "uniqueness", result.message);
    case WriteStatus::Invalid:
      return scimError(400, "invalidValue", result.message);
  }
  return scimError(500, "", "unhandled write status");
}

MockResponse ScimDialect::create(const MockRequest& request, const std::string& resource) const {
  json body;
  MockResponse error;
  if (!parseBody(request, body, error)) return error;
  std::string id;
  WriteResult result;
  if (resource == "Users") {
    Account account;
    if (auto e = readUser(body, account); !e.empty()) return scimError(400, "invalidValue", e);
    result = tenant_.createAccount(std::move(account), request.cause(), &id);
  } else {
    Group group;
    if (auto e = readGroup(body, group); !e.empty()) return scimError(400, "invalidValue", e);
    result = tenant_.createGroup(std::move(group), request.cause(), &id);
  }
  return writeOutcome(request, resource, id, result);
}

MockResponse ScimDialect::replace(const MockRequest& request, const std::string& resource) const {
  const std::string& id = request.captures.at(0);
  json body;
  MockResponse error;
  if (!parseBody(request, body, error)) return error;
  bool malformed = false;
  const auto version = ifMatch(request, malformed);
  std::string detail;
  WriteResult result;
  if (resource == "Users") {
    result = tenant_.updateAccount(
        id,
        [&](Account& a) {
          Account fresh;
          fresh.type = a.type;
          fresh.credentials = a.credentials;
          fresh.privileged = a.privileged;
          fresh.created = a.created;
          detail = readUser(body, fresh);
          if (!detail.empty()) return WriteResult{WriteStatus::Invalid, detail, 0};
          a = std::move(fresh);
          return WriteResult{};
        },
        version, request.cause());
  } else {
    result = tenant_.updateGroup(
        id,
        [&](Group& g) {
          Group fresh;
          fresh.created = g.created;
          fresh.entitlements = g.entitlements;
          detail = readGroup(body, fresh);
          if (!detail.empty()) return WriteResult{WriteStatus::Invalid, detail, 0};
          g = std::move(fresh);
          return WriteResult{};
        },
        version, request.cause());
  }
  return writeOutcome(request, resource, id, result);
}

MockResponse ScimDialect::patch(const MockRequest& request, const std::string& resource) const {
  const std::string& id = request.captures.at(0);
  json body;
  MockResponse error;
  if (!parseBody(request, body, error)) return error;
  bool malformed = false;
  const auto version = ifMatch(request, malformed);
  PatchError patch_error;
  auto reject = [&](const PatchError& e) {
    patch_error = e;
    return WriteResult{WriteStatus::Invalid, e.detail, 0};
  };
  const WriteResult result = resource == "Users" ? tenant_.updateAccount(
                                                       id,
                                                       [&](Account& a) {
                                                         auto e = applyUserPatch(body, a);
                                                         return e.ok() ? WriteResult{} : reject(e);
                                                       },
                                                       version, request.cause())
                                                 : tenant_.updateGroup(
                                                       id,
                                                       [&](Group& g) {
                                                         auto e = applyGroupPatch(body, g);
                                                         return e.ok() ? WriteResult{} : reject(e);
                                                       },
                                                       version, request.cause());
  if (!patch_error.ok()) return scimError(400, patch_error.scim_type, patch_error.detail);
  return writeOutcome(request, resource, id, result);
}

MockResponse ScimDialect::remove(const MockRequest& request, const std::string& resource) const {
  const std::string& id = request.captures.at(0);
  bool malformed = false;
  const auto version = ifMatch(request, malformed);
  const WriteResult result = resource == "Users"
                                 ? tenant_.deleteAccount(id, version, request.cause())
                                 : tenant_.deleteGroup(id, version, request.cause());
  if (result.status != WriteStatus::Ok) return writeOutcome(request, resource, id, result);
  MockResponse r;
  r.status = 204;
  return r;
}

}  // namespace faultline::mocks
