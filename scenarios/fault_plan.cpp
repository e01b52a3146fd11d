#include "scenarios/fault_plan.h"

#include <algorithm>

#include "scenarios/json_reader.h"

namespace faultline::scenarios {
namespace {

using nlohmann::json;

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
// after a drill has been run for nothing. What a kind can hit comes from its
// row in the fault kinds table.
void checkReachable(const FaultRule& f, const FaultKindInfo& info, const std::string& pointer,
                    std::vector<ConfigIssue>& issues) {
  const std::string kind(info.name);
  const bool token = f.match.resource == "token";
  const auto& methods = f.match.methods;
  if (info.requests == kToken && !f.match.resource.empty() && !token) {
    issues.push_back({pointer + "/match/resource",
                      kind + " only hits the token endpoint, not \"" + f.match.resource + "\""});
  }
  if ((info.requests & kToken) == 0 && token) {
    issues.push_back({pointer + "/match/resource", kind + " cannot hit the token endpoint"});
  }
  if (info.requests == kList && !methods.empty() && methods.count("GET") == 0) {
    issues.push_back({pointer + "/match/methods", kind + " only rewrites GET list pages"});
  }
  if (f.match.page && (token || !f.match.id.empty())) {
    issues.push_back({pointer + "/match/page",
                      "a page can only be matched on a list (no id, not the token endpoint)"});
  }
  if (info.requests == kWrite && !methods.empty() && methods.count("GET") != 0) {
    issues.push_back({pointer + "/match/methods", kind + " only hits writes, not GET"});
  }
  if (info.requests != kList && (info.requests & (kWrite | kToken)) == 0 && !methods.empty() &&
      methods != std::set<std::string>{"GET"}) {
    issues.push_back({pointer + "/match/methods", kind + " only hits GET"});
  }
  // The one kind whose reach depends on the method within writes: it adds an
  // attribute to what GET returns and refuses PUT or POST without it.
  if (f.kind == FaultKind::AddAttribute && !methods.empty() &&
      methods.count("GET") + methods.count("PUT") + methods.count("POST") == 0) {
    issues.push_back({pointer + "/match/methods",
                      "add_attribute only hits GET (adds it) and PUT or POST (requires it)"});
  }
  if (f.max_fires >= 0 && f.min_fires > f.max_fires) {
    issues.push_back({pointer + "/min_fires", "must be <= max_fires (" +
                                                  std::to_string(f.max_fires) + "), got " +
                                                  std::to_string(f.min_fires)});
  }
}

}  // namespace

FaultRule readFaultRule(const json& node, const std::string& pointer,
                        std::vector<ConfigIssue>& issues) {
  FaultRule f;
  ObjectReader r(node, pointer, issues);
  f.id = r.string("id", true).value_or("");
  const std::string kind = r.string("kind", true).value_or("");
  const FaultKindInfo* info = findFaultKind(kind);
  const bool unknown_kind = r.has("kind") && info == nullptr;
  if (unknown_kind) {
    std::vector<std::string> names;
    for (const auto& k : faultKinds()) names.emplace_back(k.name);
    std::sort(names.begin(), names.end());
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
  if (info != nullptr) {
    f.kind = info->kind;
    FaultParamReader params(r, *info);
    info->read(params, f);
  }
  // Which keys a rule may have depends on its kind: with the kind misspelt,
  // its parameters would all be called unknown, burying the one real mistake.
  if (!unknown_kind) r.finish();
  if (info != nullptr && r.valid()) checkReachable(f, *info, pointer, issues);
  return f;
}

std::vector<FaultRule> readFaultPlan(const json& node, const std::string& pointer,
                                     std::vector<ConfigIssue>& issues) {
  std::vector<FaultRule> rules;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string p = pointer + "/" + std::to_string(i);
    rules.push_back(readFaultRule(node[i], p, issues));
    if (!rules.back().id.empty() && !ids.insert(rules.back().id).second) {
      issues.push_back({p + "/id", "duplicate rule id \"" + rules.back().id + "\""});
    }
  }
  return rules;
}

}  // namespace faultline::scenarios
