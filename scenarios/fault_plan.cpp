#include "scenarios/fault_plan.h"

#include <functional>
#include <map>

#include "scenarios/json_reader.h"

namespace faultline::scenarios {
namespace {

using nlohmann::json;

// Reads one kind's parameters; a table row per kind keeps the loader flat.
using ParamReader = std::function<void(ObjectReader&, FaultRule&)>;

struct KindInfo {
  FaultKind kind;
  ParamReader read;
  bool list_only;  // rewrites a list page, so the rule must be able to hit one
};

void readStatus(ObjectReader& r, FaultRule& f, std::initializer_list<int> allowed, int fallback) {
  f.status = static_cast<int>(r.integer("status", fallback, 100, 599));
  for (int a : allowed) {
    if (a == f.status) return;
  }
  std::string list;
  for (int a : allowed) list += (list.empty() ? "" : ", ") + std::to_string(a);
  r.fail("status", "must be one of " + list + ", got " + std::to_string(f.status));
}

const std::map<std::string, KindInfo>& kinds() {
  static const std::map<std::string, KindInfo> kKinds = {
      {"rate_limit",
       {FaultKind::RateLimit,
        [](ObjectReader& r, FaultRule& f) {
          readStatus(r, f, {429, 503}, 429);
          f.retry_after_seconds = static_cast<int>(r.integer("retry_after_seconds", 1, 0, 3600));
          const std::string format = r.string("retry_after_format", std::string("seconds"));
          if (format != "seconds" && format != "http-date") {
            r.fail("retry_after_format",
                   "must be \"seconds\" or \"http-date\", got \"" + format + "\"");
          }
          f.retry_after_http_date = format == "http-date";
        },
        false}},
      {"server_error",
       {FaultKind::ServerError,
        [](ObjectReader& r, FaultRule& f) {
          readStatus(r, f, {500, 502, 503, 504}, 503);
          f.body = r.string("body", std::string("json"));
          if (f.body != "json" && f.body != "html" && f.body != "empty") {
            r.fail("body", "must be \"json\", \"html\" or \"empty\", got \"" + f.body + "\"");
          }
        },
        false}},
      {"revoke_token", {FaultKind::RevokeToken, [](ObjectReader&, FaultRule&) {}, false}},
      {"token_endpoint_error",
       {FaultKind::TokenEndpointError,
        [](ObjectReader& r, FaultRule& f) {
          readStatus(r, f, {400, 401, 500, 503}, 401);
          f.error = r.string("error", std::string("invalid_client"));
        },
        false}},
      {"short_page",
       {FaultKind::ShortPage,
        [](ObjectReader& r, FaultRule& f) {
          f.drop = static_cast<int>(r.integer("drop", 1, 1, 10'000));
        },
        true}},
      {"empty_page", {FaultKind::EmptyPage, [](ObjectReader&, FaultRule&) {}, true}},
      {"total_results_lie",
       {FaultKind::TotalResultsLie,
        [](ObjectReader& r, FaultRule& f) {
          f.total_results = r.integer("total_results", 0, 0, 1'000'000'000, true);
        },
        true}},
      {"truncate_body", {FaultKind::TruncateBody, [](ObjectReader&, FaultRule&) {}, false}},
      {"write_not_applied", {FaultKind::WriteNotApplied, [](ObjectReader&, FaultRule&) {}, false}},
      {"write_delayed",
       {FaultKind::WriteDelayed,
        [](ObjectReader& r, FaultRule& f) {
          f.after_requests = static_cast<int>(r.integer("after_requests", 1, 1, 100'000));
        },
        false}},
      {"write_reverted",
       {FaultKind::WriteReverted,
        [](ObjectReader& r, FaultRule& f) {
          f.after_requests = static_cast<int>(r.integer("after_requests", 1, 1, 100'000));
        },
        false}},
      {"partial_apply", {FaultKind::PartialApply, [](ObjectReader&, FaultRule&) {}, false}},
      {"latency",
       {FaultKind::Latency,
        [](ObjectReader& r, FaultRule& f) {
          f.delay_ms = static_cast<int>(r.integer("delay_ms", 0, 0, 60'000));
          f.jitter_ms = static_cast<int>(r.integer("jitter_ms", 0, 0, 60'000));
          if (r.valid() && f.delay_ms + f.jitter_ms == 0)
            r.fail("delay_ms", "delay_ms or jitter_ms must be above 0");
        },
        false}},
      {"garbage_body", {FaultKind::GarbageBody, [](ObjectReader&, FaultRule&) {}, false}},
      {"cursor_error",
       {FaultKind::CursorError,
        [](ObjectReader& r, FaultRule& f) {
          const std::string mode = r.string("mode", std::string("expired"));
          if (mode != "expired" && mode != "invalid") {
            r.fail("mode", "must be \"expired\" or \"invalid\", got \"" + mode + "\"");
          }
          f.error = mode == "expired" ? "expiredCursor" : "invalidCursor";
        },
        true}},
      {"shifted_page",
       {FaultKind::ShiftedPage,
        [](ObjectReader& r, FaultRule& f) {
          f.shift = static_cast<int>(r.integer("shift", 0, -10'000, 10'000, true));
          if (r.has("shift") && f.shift == 0) r.fail("shift", "must not be 0");
        },
        true}},
      {"drop_connection", {FaultKind::DropConnection, [](ObjectReader&, FaultRule&) {}, false}},
      {"lost_response", {FaultKind::LostResponse, [](ObjectReader&, FaultRule&) {}, false}},
      {"lost_scope",
       {FaultKind::LostScope,
        [](ObjectReader& r, FaultRule& f) {
          const std::string mode = r.string("mode", std::string("forbidden"));
          if (mode != "forbidden" && mode != "empty") {
            r.fail("mode", "must be \"forbidden\" or \"empty\", got \"" + mode + "\"");
          }
          f.silent = mode == "empty";
        },
        false}},
      {"stale_read",
       {FaultKind::StaleRead,
        [](ObjectReader& r, FaultRule& f) {
          f.lag_writes = static_cast<int>(r.integer("lag_writes", 1, 1, 100'000));
        },
        false}},
      {"remove_attribute",
       {FaultKind::RemoveAttribute,
        [](ObjectReader& r, FaultRule& f) {
          f.from = r.string("from", true).value_or("");
          f.announce = r.boolean("announce", false);
        },
        false}},
      {"move_attribute",
       {FaultKind::MoveAttribute,
        [](ObjectReader& r, FaultRule& f) {
          f.from = r.string("from", true).value_or("");
          f.to = r.string("to", true).value_or("");
          bool pointer_ok = f.to.size() >= 2 && f.to[0] == '/';
          try {
            if (pointer_ok) nlohmann::json::json_pointer parsed(f.to);
          } catch (const nlohmann::json::exception&) {
            pointer_ok = false;
          }
          if (r.has("to") && !pointer_ok) {
            r.fail("to", "must be a JSON pointer such as \"/urn:example:ext:User/login\", got \"" +
                             f.to + "\"");
          }
          f.announce = r.boolean("announce", false);
        },
        false}},
      {"retype_attribute",
       {FaultKind::RetypeAttribute,
        [](ObjectReader& r, FaultRule& f) {
          f.from = r.string("from", true).value_or("");
          f.announce = r.boolean("announce", false);
        },
        false}},
      {"add_attribute",
       {FaultKind::AddAttribute,
        [](ObjectReader& r, FaultRule& f) {
          f.to = r.string("to", true).value_or("");
          if (r.has("to") && (f.to.empty() || f.to.find_first_of("/.[]\"") != std::string::npos))
            r.fail("to", "must be a plain attribute name, got \"" + f.to + "\"");
          if (const json* value = r.anyValue("value")) f.value_json = value->dump();
          f.announce = r.boolean("announce", false);
        },
        false}},
      {"throttle",
       {FaultKind::Throttle,
        [](ObjectReader& r, FaultRule& f) {
          readStatus(r, f, {429, 503}, 429);
          f.capacity = static_cast<int>(r.integer("capacity", 0, 1, 1'000'000, true));
          f.retry_after_seconds = static_cast<int>(r.integer("retry_after_seconds", 1, 1, 3600));
        },
        false}},
      {"change_id_format",
       {FaultKind::ChangeIdFormat,
        [](ObjectReader& r, FaultRule& f) {
          f.style = r.string("style", std::string("compact"));
          if (f.style != "compact" && f.style != "uppercase") {
            r.fail("style", "must be \"compact\" or \"uppercase\", got \"" + f.style + "\"");
          }
        },
        false}},
      {"kill_connector",
       {FaultKind::KillConnector,
        [](ObjectReader& r, FaultRule& f) {
          f.after_matches = static_cast<int>(r.integer("after_matches", 0, 0, 1'000'000));
          // One death per rule unless the plan asks for more: a rule that
          // matched every restart would kill the connector for good.
          if (!r.has("max_fires")) f.max_fires = 1;
        },
        false}},
      {"slow_body",
       {FaultKind::SlowBody,
        [](ObjectReader& r, FaultRule& f) {
          f.chunk_bytes = static_cast<int>(r.integer("chunk_bytes", 1024, 1, 1 << 20));
          f.delay_ms = static_cast<int>(r.integer("delay_ms", 100, 1, 60'000));
        },
        false}},
      {"rename_attribute",
       {FaultKind::RenameAttribute,
        [](ObjectReader& r, FaultRule& f) {
          f.from = r.string("from", true).value_or("");
          f.to = r.string("to", true).value_or("");
          if (r.has("from") && r.has("to") && f.from == f.to)
            r.fail("to", "must differ from \"from\"");
          f.announce = r.boolean("announce", false);
        },
        false}},
  };
  return kKinds;
}

std::optional<Range> readRange(ObjectReader& parent, const std::string& key, std::int64_t min,
                               std::vector<ConfigIssue>& issues) {
  const json* node = parent.child(key, json::value_t::object, false);
  if (node == nullptr) return std::nullopt;
  ObjectReader r(*node, parent.pointerTo(key), issues);
  Range range;
  range.from = r.integer("from", min, min, INT64_MAX / 2);
  range.to = r.integer("to", INT64_MAX / 2, min, INT64_MAX / 2);
  r.finish();
  if (range.to < range.from) {
    issues.push_back(
        {parent.pointerTo(key) + "/to",
         "must be >= from (" + std::to_string(range.from) + "), got " + std::to_string(range.to)});
  }
  return range;
}

FaultMatch readMatch(const json& node, const std::string& pointer,
                     std::vector<ConfigIssue>& issues) {
  FaultMatch m;
  ObjectReader r(node, pointer, issues);
  if (const json* methods = r.child("methods", json::value_t::array, false)) {
    for (std::size_t i = 0; i < methods->size(); ++i) {
      const auto& v = (*methods)[i];
      static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
      if (!v.is_string() || kMethods.count(v.get<std::string>()) == 0) {
        issues.push_back(
            {pointer + "/methods/" + std::to_string(i),
             "must be one of GET, POST, PUT, PATCH, DELETE, got " +
                 (v.is_string() ? "\"" + v.get<std::string>() + "\"" : describeJsonType(v))});
        continue;
      }
      m.methods.insert(v.get<std::string>());
    }
  }
  m.resource = r.string("resource", std::string());
  static const std::set<std::string> kResources = {"", "Users", "Groups", "Entitlements", "token"};
  if (kResources.count(m.resource) == 0) {
    r.fail("resource",
           "must be one of Users, Groups, Entitlements, token, got \"" + m.resource + "\"");
  }
  m.id = r.string("id", std::string());
  m.page = readRange(r, "page", 1, issues);
  m.ordinal = readRange(r, "ordinal", 1, issues);
  m.attempt = readRange(r, "attempt", 1, issues);
  m.window_ms = readRange(r, "window_ms", 0, issues);
  m.operation = readRange(r, "operation", 1, issues);
  m.probability = r.number("probability", 1.0, 0.0, 1.0);
  r.finish();
  return m;
}

// Rules that can never hit are rejected here rather than found inconclusive
// after a drill has been run for nothing.
void checkReachable(const FaultRule& f, const KindInfo& info, const std::string& pointer,
                    std::vector<ConfigIssue>& issues) {
  const bool token = f.match.resource == "token";
  if (f.kind == FaultKind::TokenEndpointError && !f.match.resource.empty() && !token) {
    issues.push_back(
        {pointer + "/match/resource",
         "token_endpoint_error only hits the token endpoint, not \"" + f.match.resource + "\""});
  }
  // FaultEngine::matches keeps every kind but token_endpoint_error off the token endpoint.
  if ((info.list_only || f.kind == FaultKind::RevokeToken || f.kind == FaultKind::RenameAttribute ||
       f.kind == FaultKind::RetypeAttribute || f.kind == FaultKind::RemoveAttribute ||
       f.kind == FaultKind::MoveAttribute || f.kind == FaultKind::RateLimit ||
       f.kind == FaultKind::ServerError || f.kind == FaultKind::TruncateBody ||
       f.kind == FaultKind::AddAttribute || f.kind == FaultKind::Throttle ||
       f.kind == FaultKind::SlowBody || f.kind == FaultKind::ChangeIdFormat ||
       f.kind == FaultKind::KillConnector) &&
      token) {
    issues.push_back({pointer + "/match/resource",
                      std::string(faultKindName(f.kind)) + " cannot hit the token endpoint"});
  }
  if (info.list_only && !f.match.methods.empty() && f.match.methods.count("GET") == 0) {
    issues.push_back({pointer + "/match/methods",
                      std::string(faultKindName(f.kind)) + " only rewrites GET list pages"});
  }
  if (f.match.page && (token || !f.match.id.empty())) {
    issues.push_back({pointer + "/match/page",
                      "a page can only be matched on a list (no id, not the token endpoint)"});
  }
  const bool write_kind = f.kind == FaultKind::LostResponse ||
                          f.kind == FaultKind::WriteNotApplied ||
                          f.kind == FaultKind::WriteDelayed || f.kind == FaultKind::WriteReverted ||
                          f.kind == FaultKind::PartialApply;
  if ((write_kind || f.kind == FaultKind::StaleRead || f.kind == FaultKind::LostScope) && token) {
    issues.push_back({pointer + "/match/resource",
                      std::string(faultKindName(f.kind)) + " cannot hit the token endpoint"});
  }
  if (write_kind && !f.match.methods.empty() && f.match.methods.count("GET") != 0) {
    issues.push_back({pointer + "/match/methods",
                      std::string(faultKindName(f.kind)) + " only hits writes, not GET"});
  }
  if (f.kind == FaultKind::StaleRead && !f.match.methods.empty() &&
      f.match.methods != std::set<std::string>{"GET"}) {
    issues.push_back({pointer + "/match/methods", "stale_read only hits GET"});
  }
  if (f.kind == FaultKind::AddAttribute && !f.match.methods.empty() &&
      f.match.methods.count("GET") + f.match.methods.count("PUT") + f.match.methods.count("POST") ==
          0) {
    issues.push_back({pointer + "/match/methods",
                      "add_attribute only hits GET (adds it) and PUT or POST (requires it)"});
  }
  if (f.max_fires >= 0 && f.min_fires > f.max_fires) {
    issues.push_back({pointer + "/min_fires", "must be <= max_fires (" +
                                                  std::to_string(f.max_fires) + "), got " +
                                                  std::to_string(f.min_fires)});
  }
}

FaultRule readRule(const json& node, const std::string& pointer, std::vector<ConfigIssue>& issues) {
  FaultRule f;
  ObjectReader r(node, pointer, issues);
  f.id = r.string("id", true).value_or("");
  const std::string kind = r.string("kind", true).value_or("");
  const auto info = kinds().find(kind);
  const bool unknown_kind = r.has("kind") && info == kinds().end();
  if (unknown_kind) {
    std::vector<std::string> names;
    for (const auto& [name, unused] : kinds()) names.push_back(name);
    const std::string guess = closestName(kind, names);
    std::string known;
    for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
    r.fail("kind", "unknown fault kind \"" + kind + "\"" +
                       (guess.empty() ? "" : " (did you mean \"" + guess + "\"?)") +
                       "; known: " + known);
  }
  if (const json* match = r.child("match", json::value_t::object, false)) {
    f.match = readMatch(*match, pointer + "/match", issues);
  }
  f.min_fires = static_cast<int>(r.integer("min_fires", 0, 0, 1'000'000));
  f.max_fires = static_cast<int>(r.integer("max_fires", -1, -1, 1'000'000));
  if (info != kinds().end()) {
    f.kind = info->second.kind;
    info->second.read(r, f);
  }
  // Which keys a rule may have depends on its kind: with the kind misspelt,
  // its parameters would all be called unknown, burying the one real mistake.
  if (!unknown_kind) r.finish();
  if (info != kinds().end() && r.valid()) checkReachable(f, info->second, pointer, issues);
  return f;
}

}  // namespace

const char* faultKindName(FaultKind kind) {
  for (const auto& [name, info] : kinds()) {
    if (info.kind == kind) return name.c_str();
  }
  return "unknown";
}

std::vector<FaultRule> readFaultPlan(const json& node, const std::string& pointer,
                                     std::vector<ConfigIssue>& issues) {
  std::vector<FaultRule> rules;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string p = pointer + "/" + std::to_string(i);
    rules.push_back(readRule(node[i], p, issues));
    if (!rules.back().id.empty() && !ids.insert(rules.back().id).second) {
      issues.push_back({p + "/id", "duplicate rule id \"" + rules.back().id + "\""});
    }
  }
  return rules;
}

}  // namespace faultline::scenarios
