#include "harness/mock_command.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <ostream>

#include "harness/cli.h"
#include "mocks/clock.h"
#include "mocks/journal_stream.h"
#include "mocks/mock_admin.h"
#include "mocks/mock_target.h"
#include "reports/wording.h"
#include "scenarios/config_error.h"
#include "scenarios/json_reader.h"
#include "scenarios/scenario.h"

using faultline::reports::counted;

namespace faultline::harness {
namespace {

using nlohmann::json;

constexpr const char* kMockHelp = R"(usage:
  faultline mock [--scenario FILE|NAME] [--seed N] [--port P]
                 [--fault KIND[:NAME=VALUE,...]]... [--journal FILE]
                 [--log FILE] [--quiet]
      Serve a scenario's tenant on 127.0.0.1 until SIGINT or SIGTERM, for
      developing a connector by hand. Prints the API base URL, the token URL,
      the client credentials, the admin URL and its token, then one line per
      request as it is served:
        #7 GET /scim/v2/Users?count=2 -> 429 (0.31 ms) users-429 (rate_limit): 429
      (to --log FILE instead; --quiet prints none). The journal is streamed
      to --journal FILE as requests are answered (default
      faultline-mock-<scenario>-seed<N>.journal.jsonl, emptied at start); on
      exit it is complete, and a fault summary is printed: each rule's
      firings and effects.
      --scenario defaults to the shipped baseline when --fault is given.
      --seed defaults to the scenario's. --port 0 (the default) picks a free
      port; one already in use is an error.
      --fault adds a fault rule without writing a scenario, e.g.
        --fault rate_limit:retry_after_seconds=2,max_fires=3
        --fault server_error:status=502,resource=Groups,probability=0.5
      NAME is one of the kind's parameters (docs/scenario-format.md) or id,
      min_fires, max_fires, probability, resource, methods (GET|PUT), page,
      ordinal, attempt (N or N-M). Repeatable.
      Admin API under /__faultline/ on the same port, with its own token
      (Authorization: Bearer <admin token>): read the journal (filter by
      path, status, kind, rule, since, limit), list rules, enable or disable
      one, change its parameters, add one, reset the tenant to its seed.
      Admin requests are not journaled and meet no fault.
      The journal keeps the last 10000 requests in memory for the admin API;
      the file gets every one. Up to 512 connections are served at once; one
      that stalls for 5 s is closed. docs/mock.md tells the rest.

exit codes:
  0  stopped by SIGINT or SIGTERM
  2  usage error, invalid scenario or --fault, a port or journal file in use
)";

// The mock's limits as kMockHelp states them.
static_assert(mocks::Journal::kStandaloneLimit == 10'000 && mocks::MockServer::kMaxWorkers == 512 &&
              mocks::MockServer::kReadTimeoutSeconds == 5);

struct MockOptions {
  std::optional<std::string> scenario;
  std::optional<std::uint64_t> seed;
  int port = 0;
  std::vector<std::string> faults;
  std::string journal;
  std::string log;
  bool quiet = false;
};

std::uint64_t parseSeed(const std::string& v) {
  std::uint64_t seed = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), seed);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty())
    throw MockUsageError("--seed must be an integer in [0, 2^64), got \"" + v + "\"");
  return seed;
}

int parsePort(const std::string& v) {
  int port = -1;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), port);
  if (ec != std::errc() || p != v.data() + v.size() || port < 0 || port > 65535)
    throw MockUsageError("--port must be 0..65535, got \"" + v + "\"");
  return port;
}

MockOptions parseOptions(const std::vector<std::string>& args) {
  using Setter = std::function<void(MockOptions&, const std::string&)>;
  static const std::map<std::string, Setter> kWithValue = {
      {"--scenario", [](MockOptions& o, const std::string& v) { o.scenario = v; }},
      {"--seed", [](MockOptions& o, const std::string& v) { o.seed = parseSeed(v); }},
      {"--port", [](MockOptions& o, const std::string& v) { o.port = parsePort(v); }},
      {"--fault", [](MockOptions& o, const std::string& v) { o.faults.push_back(v); }},
      {"--journal", [](MockOptions& o, const std::string& v) { o.journal = v; }},
      {"--log", [](MockOptions& o, const std::string& v) { o.log = v; }},
  };
  MockOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--quiet") {
      o.quiet = true;
      continue;
    }
    const auto setter = kWithValue.find(args[i]);
    if (setter == kWithValue.end()) {
      throw MockUsageError(args[i].rfind("--", 0) == 0 ? "unknown option " + args[i]
                                                       : "unexpected argument \"" + args[i] + "\"");
    }
    if (i + 1 >= args.size()) throw MockUsageError(args[i] + " needs a value");
    setter->second(o, args[++i]);
  }
  if (!o.scenario && o.faults.empty())
    throw MockUsageError(
        "--scenario is required, unless --fault is given (then the tenant is "
        "the baseline scenario's)");
  return o;
}

// --fault's rule-level names, beside the kind's own parameters: where each
// goes in the rule.
enum class FlagSlot { Id, Fires, Probability, Resource, Methods, Range };
const std::map<std::string, FlagSlot>& ruleNames() {
  static const std::map<std::string, FlagSlot> kNames = {{"id", FlagSlot::Id},
                                                         {"min_fires", FlagSlot::Fires},
                                                         {"max_fires", FlagSlot::Fires},
                                                         {"probability", FlagSlot::Probability},
                                                         {"resource", FlagSlot::Resource},
                                                         {"methods", FlagSlot::Methods},
                                                         {"page", FlagSlot::Range},
                                                         {"ordinal", FlagSlot::Range},
                                                         {"attempt", FlagSlot::Range}};
  return kNames;
}

std::optional<std::int64_t> parseInteger(const std::string& v) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty()) return std::nullopt;
  return n;
}

// A kind parameter's value, typed as the fault kinds table says.
json kindValue(const scenarios::FaultParam& param, const std::string& value,
               const std::string& flag) {
  using Type = scenarios::FaultParam::Type;
  const std::string name(param.name);
  switch (param.type) {
    case Type::Integer:
      if (auto n = parseInteger(value)) return *n;
      throw MockUsageError(flag + ": " + name + " must be an integer, got \"" + value + "\"");
    case Type::Boolean:
      if (value == "true" || value == "false") return value == "true";
      throw MockUsageError(flag + ": " + name + " must be true or false, got \"" + value + "\"");
    case Type::Json: {
      // JSON when it reads as JSON, else the text itself: value=abc means "abc".
      scenarios::ParsedJson parsed = scenarios::parseUntrustedJson(value);
      return parsed.issues.empty() ? parsed.value : json(value);
    }
    default:
      return value;
  }
}

// A rule-level name's value, and the JSON pointer it lands at.
std::string placeRuleName(const std::string& name, const std::string& value,
                          const std::string& flag, json& rule) {
  switch (ruleNames().at(name)) {
    case FlagSlot::Id:
      rule["id"] = value;
      return "/id";
    case FlagSlot::Fires:
      if (auto n = parseInteger(value)) {
        rule[name] = *n;
        return "/" + name;
      }
      throw MockUsageError(flag + ": " + name + " must be an integer, got \"" + value + "\"");
    case FlagSlot::Probability: {
      char* end = nullptr;
      const double p = std::strtod(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size())
        throw MockUsageError(flag + ": probability must be a number, got \"" + value + "\"");
      rule["match"]["probability"] = p;
      return "/match/probability";
    }
    case FlagSlot::Resource:
      rule["match"]["resource"] = value;
      return "/match/resource";
    case FlagSlot::Methods: {
      json methods = json::array();
      for (std::size_t start = 0;;) {
        const auto bar = value.find('|', start);
        methods.push_back(value.substr(start, bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
      rule["match"]["methods"] = methods;
      return "/match/methods";
    }
    case FlagSlot::Range: {
      const auto dash = value.find('-', 1);
      const auto from = parseInteger(value.substr(0, dash));
      const auto to = dash == std::string::npos ? from : parseInteger(value.substr(dash + 1));
      if (!from || !to)
        throw MockUsageError(flag + ": " + name + " must be N or N-M, got \"" + value + "\"");
      rule["match"][name] = {{"from", *from}, {"to", *to}};
      return "/match/" + name;
    }
  }
  return "";
}

std::string allowedNames(const scenarios::FaultKindInfo& info) {
  std::vector<std::string> names;
  for (const auto& p : info.params) names.emplace_back(p.name);
  for (const auto& [name, slot] : ruleNames()) names.push_back(name);
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

const scenarios::FaultKindInfo& findKind(const std::string& kind, const std::string& flag) {
  if (const auto* info = scenarios::findFaultKind(kind)) return *info;
  std::vector<std::string> names;
  for (const auto& k : scenarios::faultKinds()) names.emplace_back(k.name);
  std::sort(names.begin(), names.end());
  const std::string guess = scenarios::closestName(kind, names);
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw MockUsageError(flag + ": unknown fault kind \"" + kind + "\"" +
                       (guess.empty() ? "" : " (did you mean \"" + guess + "\"?)") +
                       "; known: " + known);
}

}  // namespace

FaultFlag parseFaultFlag(const std::string& spec, const scenarios::DialectTraits& dialect,
                         const std::set<std::string>& taken) {
  const std::string flag = "--fault " + spec;
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const scenarios::FaultKindInfo& info = findKind(kind, flag);
  json rule = {{"kind", kind}};
  std::map<std::string, std::string> names_at;  // JSON pointer -> the NAME that put it there
  if (colon != std::string::npos) {
    const std::string list = spec.substr(colon + 1);
    for (std::size_t start = 0; start <= list.size();) {
      auto comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      const std::string pair = list.substr(start, comma - start);
      start = comma + 1;
      const auto eq = pair.find('=');
      if (eq == std::string::npos || eq == 0)
        throw MockUsageError(flag + ": \"" + pair + "\" is not NAME=VALUE");
      const std::string name = pair.substr(0, eq);
      const std::string value = pair.substr(eq + 1);
      const auto param = std::find_if(info.params.begin(), info.params.end(),
                                      [&](const auto& p) { return p.name == name; });
      std::string pointer;
      if (param != info.params.end()) {
        rule[name] = kindValue(*param, value, flag);
        pointer = "/" + name;
      } else if (ruleNames().count(name) != 0) {
        pointer = placeRuleName(name, value, flag, rule);
      } else {
        throw MockUsageError(flag + ": unknown parameter \"" + name + "\" for " + kind +
                             "; allowed: " + allowedNames(info));
      }
      if (names_at.count(pointer) != 0) throw MockUsageError(flag + ": " + name + " given twice");
      names_at[pointer] = name;
    }
  }
  if (!rule.contains("id")) {
    std::string id = kind;
    for (int n = 2; taken.count(id) != 0; ++n) id = kind + "-" + std::to_string(n);
    rule["id"] = id;
  } else if (taken.count(rule["id"].get<std::string>()) != 0) {
    throw MockUsageError(flag + ": id: duplicate rule id \"" + rule["id"].get<std::string>() +
                         "\"");
  }
  std::vector<scenarios::ConfigIssue> issues;
  FaultFlag out{rule, mocks::readRuntimeRule(rule, dialect, issues)};
  if (issues.empty()) return out;
  std::string message;
  for (const auto& issue : issues) {
    // Said in the flag's own names: "/match/page/to" was given as page.
    std::string name;
    for (const auto& [pointer, given] : names_at) {
      if (issue.pointer.rfind(pointer, 0) == 0) name = given;
    }
    if (name.empty() && issue.pointer.size() > 1 && issue.pointer != "/kind")
      name = issue.pointer.substr(issue.pointer.rfind('/') + 1);
    message += (message.empty() ? "" : "; ") + (name.empty() ? "" : name + ": ") + issue.message;
  }
  throw MockUsageError(flag + ": " + message);
}

std::string formatServedRequest(const mocks::JournalEntry& e) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2f", static_cast<double>(e.duration_us) / 1000.0);
  std::string line = "#" + std::to_string(e.seq) + " " + e.method + " " + e.path;
  if (!e.query.empty()) line += "?" + e.query;
  line += " -> " + std::to_string(e.status) + " (" + duration + " ms)";
  std::string faults;
  for (const auto& f : e.faults)
    faults += (faults.empty() ? "" : "; ") + f.rule + " (" + f.kind + "): " + f.effect;
  if (e.retry_after_early_ms) {
    faults += (faults.empty() ? "" : "; ") + std::string("retry-after violation: ") +
              std::to_string(*e.retry_after_early_ms) + " ms early";
  }
  if (!faults.empty()) line += " " + faults;
  // A path is whatever bytes a client sent; one request stays one line.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

void tallyEffects(const mocks::JournalEntry& entry, EffectTally& tally) {
  for (const auto& f : entry.faults) ++tally[f.rule][f.effect];
}

std::string formatFaultSummary(const std::vector<mocks::FaultRuleState>& rules,
                               const EffectTally& tally) {
  int total = 0;
  for (const auto& r : rules) total += r.fires;
  std::string out = "fault summary: " + std::to_string(rules.size()) +
                    (rules.size() == 1 ? " rule, " : " rules, ") + std::to_string(total) +
                    (total == 1 ? " firing" : " firings") + "\n";
  constexpr std::size_t kShown = 3;
  for (const auto& r : rules) {
    out += "  " + r.rule.id + " (" + scenarios::faultKindName(r.rule.kind) + ")" +
           (r.enabled ? "" : ", disabled") + ": ";
    const auto effects = tally.find(r.rule.id);
    if (r.fires == 0 && effects == tally.end()) {
      out += "never fired\n";
      continue;
    }
    out += std::to_string(r.fires) + (r.fires == 1 ? " firing" : " firings");
    if (effects == tally.end()) {
      out += "\n";
      continue;
    }
    std::vector<std::pair<std::string, int>> sorted(effects->second.begin(), effects->second.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (std::size_t i = 0; i < sorted.size() && i < kShown; ++i)
      out += (i == 0 ? "; " : ", ") + sorted[i].first + " x" + std::to_string(sorted[i].second);
    if (sorted.size() > kShown) out += ", and " + counted(sorted.size() - kShown, "other effect");
    out += "\n";
  }
  return out;
}

std::string mockHelp() {
  return kMockHelp;
}

namespace {

// The scenario's rules as its file writes them, by id, for the admin API.
std::map<std::string, mocks::MockAdmin::RuleSource> scenarioSources(const std::string& file) {
  const json doc = scenarios::parseJsonDocument(scenarios::readFileOrThrow(file), file);
  std::map<std::string, mocks::MockAdmin::RuleSource> out;
  if (!doc.contains("faults")) return out;
  for (const auto& rule : doc["faults"]) out[rule.value("id", "")] = {rule, "scenario"};
  return out;
}

// Blocks SIGINT and SIGTERM before any thread starts, so every thread
// inherits the mask and only sigwait sees them.
sigset_t blockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::string journalName(const scenarios::Scenario& s, std::uint64_t seed) {
  std::string name;
  for (char c : s.name)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return "faultline-mock-" + name + "-seed" + std::to_string(seed) + ".journal.jsonl";
}

int serve(const MockOptions& o, std::ostream& out, const ScenarioResolver& resolve) {
  const std::string file = resolve(o.scenario.value_or("baseline"));
  scenarios::Scenario scenario = scenarios::loadScenario(file);
  const std::uint64_t seed = o.seed.value_or(scenario.seed);
  const auto* dialect = scenarios::findDialect(
      scenario.target.dialect.empty() ? scenarios::defaultDialect() : scenario.target.dialect);
  auto sources = scenarioSources(file);
  std::set<std::string> taken;
  for (const auto& rule : scenario.faults) taken.insert(rule.id);
  for (const auto& spec : o.faults) {
    FaultFlag flag = parseFaultFlag(spec, *dialect, taken);
    taken.insert(flag.parsed.id);
    sources[flag.parsed.id] = {flag.rule, "flag"};
    scenario.faults.push_back(std::move(flag.parsed));
  }
  std::ofstream log_file;
  if (!o.log.empty()) {
    log_file.open(o.log, std::ios::trunc);
    if (!log_file) throw MockUsageError("--log " + o.log + ": cannot write the file");
  }
  const std::string journal_file = o.journal.empty() ? journalName(scenario, seed) : o.journal;

  sigset_t stop_signals = blockStopSignals();
  std::mutex out_mutex;  // the banner, the request lines and the summary never interleave
  std::ostream& lines = o.log.empty() ? out : log_file;
  EffectTally tally;  // written by the stream's writer thread, read after close()
  mocks::JournalStream stream(journal_file, {[&](const mocks::JournalEntry& e) {
                                               tallyEffects(e, tally);
                                               if (o.quiet) return;
                                               std::lock_guard lock(out_mutex);
                                               lines << formatServedRequest(e) << std::endl;
                                             },
                                             [&](const std::string& note) {
                                               if (o.quiet) return;
                                               std::lock_guard lock(out_mutex);
                                               lines << "-- admin: " << note << std::endl;
                                             }});
  mocks::SteadyClock clock;
  mocks::MockServerOptions server;
  server.port = o.port;
  mocks::MockTarget target(scenario, seed, clock, server);
  // It may serve for days: memory keeps the newest entries, the file all.
  target.journal().keepLast(mocks::Journal::kStandaloneLimit);
  target.journal().setObserver([&stream](const mocks::JournalEntry& e) { stream.push(e); });
  target.attachFaultEngine();
  mocks::MockAdmin admin(target,
                         {mocks::MockAdmin::newToken(), dialect, scenario.name, seed,
                          [&stream](const std::string& what) { stream.note(what); }},
                         std::move(sources));
  admin.install();
  target.start();
  {
    std::lock_guard lock(out_mutex);
    const auto state = target.tenant().snapshot();
    std::string rules;
    for (const auto& r : *target.faults().rules())
      rules += (rules.empty() ? "" : ", ") + r.id + " (" + scenarios::faultKindName(r.kind) + ")";
    out << "faultline mock: scenario " << scenario.name << ", seed " << seed << ", "
        << state.accounts.size() << " accounts, " << state.groups.size() << " groups, "
        << state.entitlements.size() << " entitlements\n"
        << "  API base URL   " << target.apiBaseUrl() << "  (" << target.dialectName() << ")\n"
        << "  token URL      " << target.tokenUrl() << "  (client_credentials, HTTP Basic)\n"
        << "  client_id      " << target.client().client_id << "\n"
        << "  client_secret  " << target.client().client_secret << "\n"
        << "  admin URL      " << target.url(std::string(mocks::MockAdmin::kPrefix) + "/")
        << "  (docs/mock.md)\n"
        << "  admin token    " << admin.token() << "\n"
        << "  journal        " << journal_file << "\n"
        << "  fault rules    " << (rules.empty() ? "none" : rules) << "\n"
        << "Ctrl-C to stop." << std::endl;
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  // Stopping joins every handler, so every request served is in the stream.
  target.stop();
  stream.close();
  std::lock_guard lock(out_mutex);
  out << "faultline mock: stopped by " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
      << " after " << target.journal().lastSeq() << " requests; journal " << journal_file << " ("
      << stream.written() << " entries)" << std::endl;
  if (!stream.error().empty())
    out << "faultline mock: the journal file is incomplete: " << stream.error() << "\n";
  out << formatFaultSummary(target.faults().ruleStates(), tally) << std::flush;
  return kExitPassed;
}

}  // namespace

int commandMock(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                const ScenarioResolver& resolve) {
  try {
    return serve(parseOptions(args), out, resolve);
  } catch (const MockUsageError& e) {
    err << "faultline mock: " << e.what() << "; see faultline mock --help\n";
    return kExitUsage;
  }
}

}  // namespace faultline::harness
