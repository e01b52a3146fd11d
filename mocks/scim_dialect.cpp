#include "mocks/scim_dialect.h"

#include <charconv>
#include <set>

#include "mocks/json_writer.h"
#include "mocks/scim_attributes.h"
#include "mocks/scim_discovery.h"
#include "mocks/scim_filter.h"
#include "mocks/scim_resources.h"
#include "mocks/seeded_rng.h"

namespace faultline::mocks {
namespace {

constexpr const char* kScimJson = "application/scim+json";

MockResponse scimJson(int status, std::string body) {
  MockResponse r;
  r.status = status;
  r.content_type = kScimJson;
  r.body = std::move(body);
  return r;
}

// RFC 7644 §3.4.2.4 leaves malformed numbers to the server; answering 400
// tells a connector author at once that the request was wrong.
bool parseIndexParam(const std::string* text, long long fallback, long long& out) {
  if (text == nullptr || text->empty()) {
    out = fallback;
    return true;
  }
  const char* first = text->data();
  const char* last = first + text->size();
  auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && ptr == last;
}

// Cursors (the SCIM cursor-pagination draft) are opaque to clients: an
// offset with a check value, so a made-up or mangled cursor is invalid.
constexpr std::uint64_t kCursorSalt = 0x637572736f72ULL;

std::string checkOf(long long offset) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04llx",
                static_cast<unsigned long long>(
                    mix64(static_cast<std::uint64_t>(offset) ^ kCursorSalt) & 0xffff));
  return buf;
}

}  // namespace

std::string encodeCursor(long long offset) {
  return "c" + std::to_string(offset) + "." + checkOf(offset);
}

std::optional<long long> decodeCursor(const std::string& cursor) {
  if (cursor.empty()) return 0;
  const auto dot = cursor.find('.');
  if (cursor[0] != 'c' || dot == std::string::npos) return std::nullopt;
  long long offset = 0;
  const char* first = cursor.data() + 1;
  const char* last = cursor.data() + dot;
  auto [ptr, ec] = std::from_chars(first, last, offset);
  // No tenant comes near 2^40 records; a larger offset, even correctly
  // signed, could only overflow the arithmetic that pages with it.
  constexpr long long kMaxCursorOffset = 1LL << 40;
  if (ec != std::errc() || ptr != last || offset < 0 || offset > kMaxCursorOffset)
    return std::nullopt;
  if (cursor.substr(dot + 1) != checkOf(offset)) return std::nullopt;
  return offset;
}

MockResponse scimError(int status, const std::string& scim_type, const std::string& detail) {
  std::string body;
  JsonWriter w(body);
  w.beginObject();
  w.key("schemas").beginArray().value(kErrorSchema).endArray();
  w.field("status", std::to_string(status));
  if (!scim_type.empty()) w.field("scimType", scim_type);
  w.field("detail", detail);
  w.endObject();
  return scimJson(status, std::move(body));
}

ScimDialect::ScimDialect(Tenant& tenant, ScimOptions options)
    : tenant_(tenant),
      options_(std::move(options)),
      service_provider_config_(scimServiceProviderConfig(options_)),
      resource_types_(scimResourceTypes(options_)),
      schemas_(scimSchemas(options_)) {
  const auto all = nlohmann::json::parse(schemas_);
  for (const auto& schema : all["Resources"])
    schema_by_id_[schema["id"].get<std::string>()] = schema.dump();
}

std::vector<Route> ScimDialect::routes() {
  const std::string b = options_.base_path;
  auto fixed = [](std::string body) {
    return [body = std::move(body)](const MockRequest&) { return scimJson(200, body); };
  };
  std::vector<Route> out = {
      {"GET", b + "/ServiceProviderConfig", AuthMode::Bearer, fixed(service_provider_config_)},
      {"GET", b + "/ResourceTypes", AuthMode::Bearer, fixed(resource_types_)},
      {"GET", b + "/Schemas", AuthMode::Bearer, fixed(schemas_)},
      {"GET", b + "/Schemas/([^/]+)", AuthMode::Bearer,
       [this](const MockRequest& r) {
         const auto it = schema_by_id_.find(r.captures.at(0));
         return it == schema_by_id_.end() ? scimError(404, "", "no schema " + r.captures.at(0))
                                          : scimJson(200, it->second);
       }},
  };
  // One table row per resource type and verb: the handlers are shared.
  for (const std::string resource : {"Users", "Groups", "Entitlements"}) {
    const std::string collection = b + "/" + resource;
    const std::string item = collection + "/([^/]+)";
    out.push_back({"GET", collection, AuthMode::Bearer,
                   [this, resource](const MockRequest& r) { return list(r, resource); }});
    out.push_back({"GET", item, AuthMode::Bearer,
                   [this, resource](const MockRequest& r) { return get(r, resource); }});
    if (resource == "Entitlements") continue;
    out.push_back({"POST", collection, AuthMode::Bearer,
                   [this, resource](const MockRequest& r) { return create(r, resource); }});
    out.push_back({"PUT", item, AuthMode::Bearer,
                   [this, resource](const MockRequest& r) { return replace(r, resource); }});
    out.push_back({"PATCH", item, AuthMode::Bearer,
                   [this, resource](const MockRequest& r) { return patch(r, resource); }});
    out.push_back({"DELETE", item, AuthMode::Bearer,
                   [this, resource](const MockRequest& r) { return remove(r, resource); }});
  }
  return out;
}

MockResponse ScimDialect::unauthorized(const std::string& description, bool token_presented) const {
  MockResponse r = scimError(401, "", description);
  r.headers.emplace_back(
      "WWW-Authenticate",
      token_presented
          ? "Bearer realm=\"faultline\", error=\"invalid_token\", error_description=\"" +
                description + "\""
          : std::string("Bearer realm=\"faultline\""));
  return r;
}

RequestTarget ScimDialect::classify(const MockRequest& request) const {
  RequestTarget target;
  const std::string& base = options_.base_path;
  if (request.path.compare(0, base.size(), base) != 0 || request.path.size() <= base.size() + 1)
    return target;
  const std::string rest = request.path.substr(base.size() + 1);
  const auto slash = rest.find('/');
  target.resource = rest.substr(0, slash);
  static const std::set<std::string> kDiscovery = {"Schemas", "ServiceProviderConfig",
                                                   "ResourceTypes"};
  if (kDiscovery.count(target.resource) != 0) {
    target.kind = scenarios::kDiscovery;
  } else if (request.method != "GET") {
    target.kind = scenarios::kWrite;
  } else {
    target.kind = slash == std::string::npos ? scenarios::kList : scenarios::kRead;
  }
  if (slash != std::string::npos) {
    target.id = rest.substr(slash + 1);
  } else if (target.kind == scenarios::kList) {
    long long start = 1;
    long long count = options_.default_page_size;
    // Malformed values are the handler's to reject; here they mean page 1.
    if (!parseIndexParam(request.param("startIndex"), 1, start)) start = 1;
    if (const std::string* cursor = request.param("cursor"); cursor != nullptr) {
      target.cursor = !cursor->empty();
      start = decodeCursor(*cursor).value_or(0) + 1;
    }
    if (!parseIndexParam(request.param("count"), options_.default_page_size, count))
      count = options_.default_page_size;
    count = std::clamp(count, 1LL, static_cast<long long>(options_.max_page_size));
    target.page = (std::max(1LL, start) - 1) / count + 1;
    target.offset = std::max(1LL, start) - 1;
  }
  return target;
}

MockResponse ScimDialect::notFound(const std::string& path) const {
  return scimError(404, "", "no such endpoint: " + path);
}

MockResponse ScimDialect::refused(int status, const std::string& detail) const {
  return scimError(status, status == 400 ? "invalidSyntax" : "", detail);
}

MockResponse ScimDialect::internalError(const std::string& detail) const {
  return scimError(500, "", "faultline harness bug: " + detail);
}

std::string ScimDialect::baseUrl(const MockRequest& request) const {
  const std::string host = request.header("Host");
  return (host.empty() ? std::string() : "http://" + host) + options_.base_path;
}

MockResponse ScimDialect::list(const MockRequest& request, const std::string& resource) const {
  long long start = 1;
  long long count = options_.default_page_size;
  if (!parseIndexParam(request.param("startIndex"), 1, start)) {
    return scimError(400, "invalidValue",
                     "startIndex must be an integer, got \"" + *request.param("startIndex") + "\"");
  }
  if (!parseIndexParam(request.param("count"), options_.default_page_size, count)) {
    return scimError(400, "invalidValue",
                     "count must be an integer, got \"" + *request.param("count") + "\"");
  }
  const std::string* cursor = request.param("cursor");
  if (cursor != nullptr) {
    if (request.param("startIndex") != nullptr) {
      return scimError(400, "invalidValue", "startIndex and cursor cannot be used together");
    }
    const auto offset = decodeCursor(*cursor);
    if (!offset)
      return scimError(400, "invalidCursor",
                       "cursor \"" + cursor->substr(0, 40) + "\" is not valid");
    start = *offset + 1;
  }
  // RFC 7644 §3.4.2.4: below 1 is 1, negative count is 0; the server may
  // return fewer than asked, and caps at its maximum page size.
  start = std::max(1LL, start);
  count = std::clamp(count, 0LL, static_cast<long long>(options_.max_page_size));
  std::unique_ptr<Filter> filter;
  if (const std::string* text = request.param("filter"); text != nullptr) {
    FilterParse parsed = parseFilter(*text);
    if (!parsed.filter) return scimError(400, "invalidFilter", parsed.error);
    if (auto unknown = unknownFilterAttribute(resource, *parsed.filter); !unknown.empty()) {
      return scimError(400, "invalidFilter",
                       "attribute \"" + unknown + "\" is not filterable on " + resource);
    }
    filter = std::move(parsed.filter);
  }
  const std::string base = baseUrl(request);
  std::string body;
  // An unfiltered page of the live tenant is the same bytes until the next write.
  const bool cacheable = !filter && !request.view;
  std::string page_key;
  if (cacheable) {
    page_key = resource + '\n' + std::to_string(start) + '\n' + std::to_string(count) + '\n' +
               (cursor != nullptr ? "c" : "i") + '\n' + base;
  }
  readFor(request, [&](const TenantState& state) {
    if (cacheable && cache_.findPage(page_key, state, body)) return;
    // Without a filter every resource matches: index them directly rather
    // than materialise 100,000 positions for every page.
    const std::vector<std::size_t> hits =
        filter ? matchingIndexes(state, resource, filter.get()) : std::vector<std::size_t>{};
    const auto total =
        static_cast<long long>(filter ? hits.size() : resourceCount(state, resource));
    const long long first = std::min(start - 1, total);
    const long long last = std::min(first + count, total);
    body.reserve(static_cast<std::size_t>(last - first) * 1200 + 160);
    JsonWriter w(body);
    w.beginObject();
    w.key("schemas").beginArray().value(kListResponseSchema).endArray();
    w.field("totalResults", static_cast<std::int64_t>(total));
    if (cursor == nullptr) w.field("startIndex", static_cast<std::int64_t>(start));
    w.field("itemsPerPage", static_cast<std::int64_t>(last - first));
    // The draft: nextCursor is absent on the last page.
    if (cursor != nullptr && last < total) w.field("nextCursor", encodeCursor(last));
    w.key("Resources").beginArray();
    for (long long i = first; i < last; ++i) {
      if (i != first) body.push_back(',');
      const auto at = static_cast<std::size_t>(i);
      const std::size_t index = filter ? hits[at] : at;
      // A stale view is an older generation: serialise it afresh.
      if (request.view) {
        writeResource(body, state, resource, index, base);
      } else {
        cache_.append(body, state, resource, index, base);
      }
    }
    w.endArray();
    w.endObject();
    if (cacheable) cache_.storePage(page_key, state, body);
  });
  return scimJson(200, std::move(body));
}

MockResponse ScimDialect::get(const MockRequest& request, const std::string& resource) const {
  const std::string& id = request.captures.at(0);
  auto version = readFor(
      request, [&](const TenantState& state) { return resourceVersion(state, resource, id); });
  if (!version) return scimError(404, "", resourceSingular(resource) + " " + id + " not found");
  const std::string if_none_match = request.header("If-None-Match");
  if (!if_none_match.empty() && parseEtag(if_none_match) == version) {
    MockResponse r;
    r.status = 304;
    r.headers.emplace_back("ETag", weakEtag(*version));
    return r;
  }
  return resourceResponse(request, resource, id, 200);
}

MockResponse ScimDialect::resourceResponse(const MockRequest& request, const std::string& resource,
                                           const std::string& id, int status) const {
  const std::string base = baseUrl(request);
  std::string body;
  std::optional<std::uint64_t> version;
  readFor(request, [&](const TenantState& state) {
    version = resourceVersion(state, resource, id);
    if (version) writeResourceById(body, state, resource, id, base);
  });
  if (!version) return scimError(404, "", resourceSingular(resource) + " " + id + " not found");
  MockResponse r = scimJson(status, std::move(body));
  r.headers.emplace_back("ETag", weakEtag(*version));
  r.headers.emplace_back("Location", base + "/" + resource + "/" + id);
  return r;
}

}  // namespace faultline::mocks
