#include "mocks/mock_admin.h"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>

#include "mocks/token_issuer.h"
#include "scenarios/json_reader.h"

namespace faultline::mocks {
namespace {

using nlohmann::json;
using scenarios::ConfigIssue;

std::string dumped(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

MockResponse answer(int status, const json& body) {
  MockResponse r;
  r.status = status;
  r.body = dumped(body);
  return r;
}

MockResponse problem(int status, const std::string& error,
                     const std::vector<ConfigIssue>& issues = {}) {
  json body = {{"error", error}};
  if (!issues.empty()) {
    json list = json::array();
    for (const auto& i : issues) list.push_back({{"pointer", i.pointer}, {"message", i.message}});
    body["issues"] = std::move(list);
  }
  return answer(status, body);
}

MockResponse notAllowed(const std::string& allow) {
  MockResponse r = problem(405, "method not allowed here; allowed: " + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

// Constant-time, as the token issuer compares its secret.
bool sameToken(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string presentedToken(const MockRequest& request) {
  const std::string value = request.header("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size()) return "";
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return "";
  }
  return value.substr(kScheme.size());
}

// A request body that must be a JSON object; "" reads as {} when `empty_ok`.
std::optional<json> bodyObject(const MockRequest& request, bool empty_ok,
                               std::vector<ConfigIssue>& issues) {
  if (request.body.empty() && empty_ok) return json::object();
  scenarios::ParsedJson parsed = scenarios::parseUntrustedJson(request.body);
  if (!parsed.issues.empty()) {
    issues = std::move(parsed.issues);
    return std::nullopt;
  }
  if (!parsed.value.is_object()) {
    issues.push_back({"", "must be an object, got " + scenarios::describeJsonType(parsed.value)});
    return std::nullopt;
  }
  return std::move(parsed.value);
}

// What the journal endpoint keeps; a parameter it cannot read is an issue
// naming the parameter.
struct JournalFilter {
  std::string path;
  int status = 0;        // exact, or
  int status_class = 0;  // 4 for "4xx"
  std::string kind, rule;
  std::uint64_t since = 0;
  std::size_t limit = 100;

  bool keeps(const JournalEntry& e) const {
    if (!path.empty() && e.path.find(path) == std::string::npos) return false;
    if (status != 0 && e.status != status) return false;
    if (status_class != 0 && e.status / 100 != status_class) return false;
    if (kind.empty() && rule.empty()) return true;
    for (const auto& f : e.faults) {
      if ((kind.empty() || f.kind == kind) && (rule.empty() || f.rule == rule)) return true;
    }
    return false;
  }
};

bool parseUnsigned(const std::string& text, std::uint64_t& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}

std::optional<JournalFilter> readFilter(const MockRequest& request, std::string& error) {
  JournalFilter f;
  for (const auto& [name, value] : request.params) {
    std::uint64_t n = 0;
    if (name == "path") {
      f.path = value;
    } else if (name == "status") {
      if (value.size() == 3 && value[0] >= '1' && value[0] <= '5' && value.substr(1) == "xx") {
        f.status_class = value[0] - '0';
      } else if (parseUnsigned(value, n) && n >= 100 && n <= 599) {
        f.status = static_cast<int>(n);
      } else {
        error = "status: must be an HTTP status (100 to 599) or a class such as 4xx, got \"" +
                value + "\"";
        return std::nullopt;
      }
    } else if (name == "kind") {
      if (scenarios::findFaultKind(value) == nullptr) {
        error = "kind: unknown fault kind \"" + value + "\"";
        return std::nullopt;
      }
      f.kind = value;
    } else if (name == "rule") {
      f.rule = value;
    } else if (name == "since") {
      if (!parseUnsigned(value, f.since)) {
        error = "since: must be a sequence number (0 or more), got \"" + value + "\"";
        return std::nullopt;
      }
    } else if (name == "limit") {
      if (!parseUnsigned(value, n) || n < 1 || n > MockAdmin::kMaxJournalLimit) {
        error = "limit: must be 1 to " + std::to_string(MockAdmin::kMaxJournalLimit) + ", got \"" +
                value + "\"";
        return std::nullopt;
      }
      f.limit = static_cast<std::size_t>(n);
    } else {
      error = "unknown parameter \"" + name + "\"; allowed: path, status, kind, rule, since, limit";
      return std::nullopt;
    }
  }
  return f;
}

}  // namespace

scenarios::FaultRule readRuntimeRule(const json& rule, const scenarios::DialectTraits& dialect,
                                     std::vector<ConfigIssue>& issues) {
  const std::size_t before = issues.size();
  scenarios::FaultRule f = scenarios::readFaultRule(rule, "", issues);
  if (issues.size() != before) return f;
  if (const std::string why = scenarios::inexpressible(f, dialect); !why.empty()) {
    issues.push_back({"/kind", std::string(scenarios::faultKindName(f.kind)) +
                                   " cannot be expressed in the " + std::string(dialect.name) +
                                   " dialect: " + why});
  }
  if (f.match.operation) {
    issues.push_back(
        {"/match/operation", "never matches in faultline mock, which runs no scenario operations"});
  }
  return f;
}

MockAdmin::MockAdmin(MockTarget& target, Options options, std::map<std::string, RuleSource> sources)
    : target_(target), options_(std::move(options)), sources_(std::move(sources)) {
  if (options_.dialect == nullptr) throw std::invalid_argument("MockAdmin needs a dialect");
}

std::string MockAdmin::newToken() {
  // The system's random source, not the seed: the token guards the mock.
  std::random_device random;
  std::string token = "fla_";
  for (int i = 0; i < 8; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(random()));
    token += part;
  }
  return token;
}

void MockAdmin::install() {
  target_.setAdmin(std::string(kPrefix), [this](const MockRequest& r) { return handle(r); });
}

MockResponse MockAdmin::handle(const MockRequest& request) {
  if (!sameToken(presentedToken(request), options_.token)) {
    MockResponse r = problem(401,
                             "the admin API needs the admin token faultline mock printed "
                             "at start, as Authorization: Bearer <token>");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"faultline-mock-admin\"");
    return r;
  }
  return route(request);
}

MockResponse MockAdmin::route(const MockRequest& request) {
  const std::string rest = request.path.substr(kPrefix.size());
  const std::string& method = request.method;
  if (rest.empty() || rest == "/") return method == "GET" ? index() : notAllowed("GET");
  if (rest == "/journal") return method == "GET" ? readJournal(request) : notAllowed("GET");
  if (rest == "/reset") return method == "POST" ? reset(request) : notAllowed("POST");
  if (rest == "/rules") {
    if (method == "GET") return listRules();
    return method == "POST" ? addRule(request) : notAllowed("GET, POST");
  }
  constexpr std::string_view kRules = "/rules/";
  if (rest.rfind(kRules, 0) == 0 && rest.size() > kRules.size()) {
    std::string id = rest.substr(kRules.size());
    for (const auto& [suffix, enabled] : {std::pair{"/enable", true}, {"/disable", false}}) {
      const std::string_view s(suffix);
      if (id.size() > s.size() && id.compare(id.size() - s.size(), s.size(), s) == 0) {
        id.resize(id.size() - s.size());
        return method == "POST" ? switchRule(id, enabled) : notAllowed("POST");
      }
    }
    if (method == "GET") return showRule(id);
    return method == "PATCH" ? changeRule(id, request) : notAllowed("GET, PATCH");
  }
  return problem(
      404, "no admin endpoint " + request.path + "; GET " + std::string(kPrefix) + "/ lists them");
}

MockResponse MockAdmin::index() const {
  const std::string p(kPrefix);
  return answer(200, {{"scenario", options_.scenario},
                      {"seed", options_.seed},
                      {"dialect", std::string(options_.dialect->name)},
                      {"last_seq", target_.journal().lastSeq()},
                      {"endpoints",
                       {"GET " + p + "/journal", "GET " + p + "/rules", "GET " + p + "/rules/{id}",
                        "POST " + p + "/rules", "PATCH " + p + "/rules/{id}",
                        "POST " + p + "/rules/{id}/enable", "POST " + p + "/rules/{id}/disable",
                        "POST " + p + "/reset"}}});
}

MockResponse MockAdmin::readJournal(const MockRequest& request) const {
  std::string error;
  const auto filter = readFilter(request, error);
  if (!filter) return problem(400, error);
  // Entries are already JSON lines; splice them rather than parse them back.
  std::string entries;
  std::size_t count = 0;
  std::uint64_t next_since = filter->since;
  bool more = false;
  for (const auto& e : target_.journal().entriesSince(filter->since)) {
    if (!filter->keeps(e)) continue;
    if (count == filter->limit) {
      more = true;
      break;
    }
    entries += (count++ == 0 ? "" : ",") + journalLine(e);
    next_since = e.seq;
  }
  const json meta = {{"count", count},
                     {"more", more},
                     {"next_since", next_since},
                     {"last_seq", target_.journal().lastSeq()},
                     {"kept", target_.journal().size()},
                     {"dropped", target_.journal().dropped()}};
  MockResponse r;
  r.body = "{\"entries\":[" + entries + "]," + dumped(meta).substr(1);
  return r;
}

json MockAdmin::ruleState(const FaultRuleState& state) const {
  const auto source = sources_.find(state.rule.id);
  return {{"id", state.rule.id},
          {"kind", scenarios::faultKindName(state.rule.kind)},
          {"enabled", state.enabled},
          {"version", state.version},
          {"fires", state.fires},
          {"fires_since_reset", state.fires_since_reset},
          {"origin", source == sources_.end() ? "" : source->second.origin},
          {"rule", source == sources_.end() ? json::object() : source->second.rule}};
}

MockResponse MockAdmin::listRules() const {
  std::lock_guard lock(mutex_);
  json rules = json::array();
  for (const auto& state : target_.faults().ruleStates()) rules.push_back(ruleState(state));
  return answer(200, {{"rules", rules}});
}

MockResponse MockAdmin::showRule(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return showRuleLocked(id);
}

MockResponse MockAdmin::showRuleLocked(const std::string& id) const {
  for (const auto& state : target_.faults().ruleStates()) {
    if (state.rule.id == id) return answer(200, ruleState(state));
  }
  return problem(404, "no fault rule \"" + id + "\"");
}

MockResponse MockAdmin::addRule(const MockRequest& request) {
  std::vector<ConfigIssue> issues;
  const auto body = bodyObject(request, false, issues);
  if (!body) return problem(400, "the request body must be a fault rule object", issues);
  std::lock_guard lock(mutex_);
  scenarios::FaultRule rule = readRuntimeRule(*body, *options_.dialect, issues);
  if (issues.empty() && sources_.count(rule.id) != 0)
    issues.push_back({"/id", "duplicate rule id \"" + rule.id + "\""});
  if (!issues.empty()) return problem(400, "the rule is not valid", issues);
  const std::string id = rule.id;
  const char* kind = scenarios::faultKindName(rule.kind);
  if (!target_.faults().addRule(std::move(rule)))
    return problem(400, "the rule is not valid", {{"/id", "duplicate rule id \"" + id + "\""}});
  sources_[id] = {*body, "admin"};
  changed("rule " + id + " (" + kind + ") added");
  MockResponse r = showRuleLocked(id);
  r.status = 201;
  return r;
}

MockResponse MockAdmin::changeRule(const std::string& id, const MockRequest& request) {
  std::vector<ConfigIssue> issues;
  const auto patch = bodyObject(request, false, issues);
  if (!patch) return problem(400, "the request body must be a JSON merge patch object", issues);
  std::lock_guard lock(mutex_);
  const auto source = sources_.find(id);
  if (source == sources_.end()) return problem(404, "no fault rule \"" + id + "\"");
  json merged = source->second.rule;
  merged.merge_patch(*patch);
  if (merged.value("id", json()) != source->second.rule.value("id", json()))
    issues.push_back({"/id", "a rule's id cannot change"});
  if (merged.value("kind", json()) != source->second.rule.value("kind", json()))
    issues.push_back({"/kind", "a rule's kind cannot change; add a rule of the new kind"});
  scenarios::FaultRule rule;
  if (issues.empty()) rule = readRuntimeRule(merged, *options_.dialect, issues);
  if (!issues.empty()) return problem(400, "the changed rule is not valid", issues);
  target_.faults().replaceRule(std::move(rule));
  source->second.rule = std::move(merged);
  changed("rule " + id + " changed: " + dumped(*patch));
  return showRuleLocked(id);
}

MockResponse MockAdmin::switchRule(const std::string& id, bool enabled) {
  std::lock_guard lock(mutex_);
  if (!target_.faults().setEnabled(id, enabled))
    return problem(404, "no fault rule \"" + id + "\"");
  changed("rule " + id + (enabled ? " enabled" : " disabled"));
  return showRuleLocked(id);
}

MockResponse MockAdmin::reset(const MockRequest& request) {
  std::vector<ConfigIssue> issues;
  const auto body = bodyObject(request, true, issues);
  bool journal = false;
  if (body) {
    scenarios::ObjectReader r(*body, "", issues);
    journal = r.boolean("journal", false);
    r.finish();
  }
  if (!issues.empty()) return problem(400, "the request body is not valid", issues);
  std::lock_guard lock(mutex_);
  target_.reset();
  if (journal) target_.journal().clear();
  changed(std::string("tenant reset to its seed") + (journal ? ", journal cleared" : ""));
  return answer(200, {{"tenant", "seeded"},
                      {"tokens", "forgotten"},
                      {"journal", journal ? "cleared" : "kept"},
                      {"last_seq", target_.journal().lastSeq()}});
}

void MockAdmin::changed(const std::string& what) const {
  if (options_.on_change) options_.on_change(what);
}

}  // namespace faultline::mocks
