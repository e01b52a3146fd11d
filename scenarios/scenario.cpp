#include "scenarios/scenario.h"

#include <cctype>

#include "scenarios/dialects.h"
#include "scenarios/json_reader.h"

namespace faultline::scenarios {
namespace {

using nlohmann::json;

TenantSpec readTenant(const json& node, const std::string& pointer,
                      std::vector<ConfigIssue>& issues) {
  TenantSpec spec;
  ObjectReader r(node, pointer, issues);
  spec.accounts = static_cast<int>(r.integer("accounts", spec.accounts, 1, 1'000'000));
  spec.groups = static_cast<int>(r.integer("groups", spec.groups, 1, 100'000));
  spec.entitlements = static_cast<int>(r.integer("entitlements", spec.entitlements, 1, 100'000));
  spec.nesting_depth = static_cast<int>(r.integer("nesting_depth", spec.nesting_depth, 1, 16));
  spec.nhi_share = r.number("nhi_share", spec.nhi_share, 0.0, 1.0);
  spec.privileged_share = r.number("privileged_share", spec.privileged_share, 0.0, 1.0);
  spec.inactive_share = r.number("inactive_share", spec.inactive_share, 0.0, 1.0);
  spec.api_keys_per_nhi =
      static_cast<int>(r.integer("api_keys_per_nhi", spec.api_keys_per_nhi, 0, 16));
  spec.max_groups_per_account =
      static_cast<int>(r.integer("max_groups_per_account", spec.max_groups_per_account, 0, 64));
  r.finish();
  if (r.valid() && spec.nesting_depth > spec.groups) {
    issues.push_back({pointer + "/nesting_depth", "must be <= groups (" +
                                                      std::to_string(spec.groups) + "), got " +
                                                      std::to_string(spec.nesting_depth)});
  }
  return spec;
}

TargetSpec readTarget(const json& node, const std::string& pointer,
                      std::vector<ConfigIssue>& issues) {
  TargetSpec spec;
  ObjectReader r(node, pointer, issues);
  spec.dialect = r.string("dialect", spec.dialect);
  if (r.has("dialect") && findDialect(spec.dialect) == nullptr)
    r.fail("dialect", "must be one of: " + knownDialectNames() + ", got \"" + spec.dialect + "\"");
  spec.default_page_size =
      static_cast<int>(r.integer("default_page_size", spec.default_page_size, 1, 10'000));
  spec.max_page_size = static_cast<int>(r.integer("max_page_size", spec.max_page_size, 1, 10'000));
  spec.token_ttl_seconds =
      static_cast<int>(r.integer("token_ttl_seconds", spec.token_ttl_seconds, 1, 86'400));
  r.finish();
  if (r.valid() && spec.default_page_size > spec.max_page_size) {
    issues.push_back({pointer + "/default_page_size",
                      "must be <= max_page_size (" + std::to_string(spec.max_page_size) +
                          "), got " + std::to_string(spec.default_page_size)});
  }
  return spec;
}

// `counts` numbers the default labels per kind: sync-1, revoke-1, sync-2.
Operation readOperation(const json& node, const std::string& pointer,
                        std::vector<ConfigIssue>& issues, int (&counts)[2]) {
  Operation op;
  ObjectReader r(node, pointer, issues);
  const auto kind = r.string("op", true);
  if (kind && *kind == "revoke") {
    op.kind = OperationKind::Revoke;
    op.revoke.remove_memberships = static_cast<int>(r.integer("remove_memberships", 0, 0, 10'000));
    op.revoke.remove_entitlements =
        static_cast<int>(r.integer("remove_entitlements", 0, 0, 10'000));
    op.revoke.deprovision = static_cast<int>(r.integer("deprovision", 0, 0, 10'000));
    op.revoke.inherited_entitlements =
        static_cast<int>(r.integer("inherited_entitlements", 0, 0, 10'000));
    if (r.valid() && op.revoke.remove_memberships + op.revoke.remove_entitlements +
                             op.revoke.deprovision + op.revoke.inherited_entitlements ==
                         0) {
      issues.push_back({pointer, "a revoke operation must ask for at least one action"});
    }
  } else if (kind && *kind != "sync") {
    r.fail("op", "must be one of: sync, revoke, got \"" + *kind + "\"");
  } else {
    op.rounds = static_cast<int>(r.integer("rounds", 1, 1, 100));
  }
  const int ordinal = ++counts[op.kind == OperationKind::Revoke ? 1 : 0];
  op.label =
      r.string("label", std::string(operationKindName(op.kind)) + "-" + std::to_string(ordinal));
  r.finish();
  return op;
}

}  // namespace

bool isSafeScenarioName(std::string_view name) {
  // ASCII only, whatever the locale: the name becomes part of file names.
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (name.empty() || name.size() > kMaxScenarioNameLength || !alnum(name[0])) return false;
  for (const char c : name) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

const char* operationKindName(OperationKind kind) {
  return kind == OperationKind::Sync ? "sync" : "revoke";
}

Scenario parseScenario(std::string_view text, const std::string& file) {
  const json doc = parseJsonDocument(text, file);
  std::vector<ConfigIssue> issues;
  Scenario s;
  s.file = file;
  ObjectReader r(doc, "", issues);
  r.formatVersion("faultline_scenario", kScenarioFormatVersion, "scenario format version");
  // The schema editors validate against (docs/schemas); typed, otherwise unread.
  r.string("$schema", false);
  s.name = r.string("name", true).value_or("");
  s.description = r.string("description", std::string());
  s.seed = r.unsignedInteger("seed", false).value_or(s.seed);
  if (const auto* t = r.child("tenant", json::value_t::object, false))
    s.tenant = readTenant(*t, "/tenant", issues);
  if (const auto* t = r.child("target", json::value_t::object, false))
    s.target = readTarget(*t, "/target", issues);
  if (const auto* ops = r.child("operations", json::value_t::array, true)) {
    if (ops->empty()) issues.push_back({"/operations", "must hold at least one operation"});
    int counts[2] = {0, 0};
    for (std::size_t i = 0; i < ops->size(); ++i)
      s.operations.push_back(
          readOperation((*ops)[i], "/operations/" + std::to_string(i), issues, counts));
  }
  if (const auto* a = r.child("acceptance", json::value_t::object, false))
    s.acceptance = readAcceptance(*a, "/acceptance", issues);
  if (const auto* faults = r.child("faults", json::value_t::array, false)) {
    s.faults = readFaultPlan(*faults, "/faults", issues);
    for (std::size_t i = 0; i < s.faults.size(); ++i) {
      const auto& op = s.faults[i].match.operation;
      if (op && !s.operations.empty() &&
          op->from > static_cast<std::int64_t>(s.operations.size())) {
        issues.push_back({"/faults/" + std::to_string(i) + "/match/operation/from",
                          "the scenario has " + std::to_string(s.operations.size()) +
                              " operation(s), got " + std::to_string(op->from)});
      }
    }
  }
  // A scenario that names its dialect is checked against it now; one that
  // leaves it to the connector is checked when the two are paired.
  if (const DialectTraits* dialect = findDialect(s.target.dialect);
      dialect != nullptr && issues.empty()) {
    for (auto& issue : checkExpressible(s.faults, *dialect)) issues.push_back(std::move(issue));
  }
  if (const auto* events = r.child("timeline", json::value_t::array, false))
    s.timeline = readTimeline(*events, "/timeline", s.operations.size(), issues);
  for (const auto& e : s.timeline) {
    const auto op = static_cast<std::size_t>(e.race_operation);
    if (op > 0 && op <= s.operations.size() && s.operations[op - 1].kind != OperationKind::Revoke) {
      issues.push_back({"/timeline/" + std::to_string(e.index - 1) + "/race_operation",
                        "operation " + std::to_string(op) + " is not a revoke"});
    }
  }
  r.finish();
  if (r.has("name") && doc["name"].is_string() && !isSafeScenarioName(s.name)) {
    // Quoted as JSON, ASCII-escaped, so a control character shows as such.
    const std::string shown = json(s.name).dump(-1, ' ', true, json::error_handler_t::replace);
    issues.push_back({"/name", "must be 1 to " + std::to_string(kMaxScenarioNameLength) +
                                   " letters, digits, '-', '_' or '.', starting with a letter "
                                   "or digit, got " +
                                   shown});
  }
  if (!issues.empty()) throw ConfigError(file, std::move(issues));
  return s;
}

Scenario loadScenario(const std::string& path) {
  return parseScenario(readFileOrThrow(path), path);
}

std::string nameKey(std::string_view name) {
  std::string key;
  for (char c : name)
    key += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace faultline::scenarios
