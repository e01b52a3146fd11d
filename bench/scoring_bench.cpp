// Scoring at enterprise size (issue #4): a 100,000-account tenant holding
// 1,000,000 grants, scored against a connector output of the same size.
// Target: under 2 s per scoring and under 1 GiB peak memory.
// BM_ParseAndScoreCompleteness adds parsing the connector's stdout first, as
// a drill does: the end-to-end cost of judging one sync.
//
// The inputs are built once, outside the timed loops. Memory is reported as
// counters, in MiB:
//   inputs_heap    heap held by the inputs of this benchmark (tenants, output)
//   inputs_rss     process RSS with the inputs built, before the timed loop
//   peak_rss       process peak RSS during the timed loop (inputs included)
//   scorer_heap    the scorer's own peak heap: the most it held at once
//                  above what was live when it was called (for the parse
//                  benchmarks, the parser's, and the parser's and scorer's)
// Heap figures come from counting every operator new of this program; RSS
// figures from /proc/self/status, with the peak reset (clear_refs) before
// each timed loop so that building the inputs does not count.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <unordered_set>
#include <vector>

#include "harness/protocol.h"
#include "harness/scorers/completeness.h"
#include "harness/scorers/revocation.h"
#include "mocks/seeded_rng.h"
#include "mocks/tenant.h"

namespace {

std::atomic<std::size_t> g_heap_live{0};
std::atomic<std::size_t> g_heap_peak{0};

void* countedAlloc(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  const std::size_t size = malloc_usable_size(p);
  const std::size_t live = g_heap_live.fetch_add(size, std::memory_order_relaxed) + size;
  std::size_t peak = g_heap_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_heap_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  return p;
}

void countedFree(void* p) {
  if (p == nullptr) return;
  g_heap_live.fetch_sub(malloc_usable_size(p), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

// Every allocation of the program goes through these, so the scorer's heap
// can be told apart from its inputs'. Aligned forms keep their defaults.
void* operator new(std::size_t n) {
  return countedAlloc(n);
}
void* operator new[](std::size_t n) {
  return countedAlloc(n);
}
void operator delete(void* p) noexcept {
  countedFree(p);
}
void operator delete[](void* p) noexcept {
  countedFree(p);
}
void operator delete(void* p, std::size_t) noexcept {
  countedFree(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  countedFree(p);
}

namespace {

using namespace faultline;

constexpr std::size_t kAccounts = 100'000;
constexpr std::size_t kGroups = 2'000;
constexpr std::size_t kTopGroups = 50;  // groups not nested in another
constexpr std::size_t kEntitlements = 1'000;
constexpr std::size_t kGrants = 1'000'000;
constexpr std::size_t kLeavers = 100;  // deleted while the sync runs
constexpr std::size_t kJoiners = 100;  // created while the sync runs
constexpr double kMiB = 1024.0 * 1024.0;

double procStatusMiB(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

// Starts a fresh peak: VmHWM falls to the current RSS, the heap peak to the live heap.
void resetPeaks() {
  std::ofstream("/proc/self/clear_refs") << "5";
  g_heap_peak.store(g_heap_live.load());
}

std::string uuid(std::uint64_t stream, std::uint64_t n) {
  return mocks::formatUuid(mocks::mix64(stream ^ n), mocks::mix64(n * 31 + stream));
}

mocks::Account makeAccount(std::size_t i, const std::string& id) {
  mocks::Account a;
  a.id = id;
  a.type = i % 5 == 0 ? mocks::AccountType::Service : mocks::AccountType::Human;
  const bool service = a.type == mocks::AccountType::Service;
  a.external_id = "ext-" + std::to_string(i);
  a.user_name = (service ? "svc-" : "user") + std::to_string(i) + "@corp.example.com";
  a.display_name = (service ? "Service " : "Person ") + std::to_string(i);
  a.given_name = "Given" + std::to_string(i % 977);
  a.family_name = "Family" + std::to_string(i % 1013);
  a.emails = {{a.user_name, "work", true}};
  a.privileged = i % 20 == 0;
  a.created = a.last_modified = "2025-06-01T09:00:00Z";
  if (service) {
    const std::size_t keys = i % 3 == 0 ? 2 : 1;
    for (std::size_t k = 0; k < keys; ++k)
      a.credentials.push_back({uuid(5, i * 4 + k), "api_key", "2027-01-01T00:00:00Z", k == 0});
  }
  return a;
}

// Deterministic spread of an account's groups and direct entitlements:
// distinct by construction (97 and 13 step through their ranges without
// repeating for the counts used here).
void assignAccess(std::size_t i, std::size_t memberships, mocks::TenantState& s) {
  const std::uint64_t h = mocks::mix64(i);
  for (std::size_t k = 0; k < memberships; ++k)
    s.groups[(h % kGroups + k * 97) % kGroups].members.push_back({s.accounts[i].id, false});
  auto& ents = s.accounts[i].entitlements;
  for (std::size_t k = 0; k < i % 5; ++k)
    ents.push_back(s.entitlements[((h >> 20) % kEntitlements + k * 13) % kEntitlements].id);
  std::sort(ents.begin(), ents.end());
}

std::size_t grantCount(const mocks::TenantState& s) {
  std::size_t n = 0;
  for (const auto& a : s.accounts) n += a.entitlements.size();
  for (const auto& g : s.groups) n += g.members.size() + g.entitlements.size();
  return n;
}

// Groups reach four levels of nesting; group entitlements top the grants up
// to exactly kGrants.
mocks::TenantState enterpriseTenant() {
  mocks::TenantState s;
  for (std::size_t e = 0; e < kEntitlements; ++e) {
    s.entitlements.push_back({.id = uuid(3, e),
                              .display_name = "Entitlement " + std::to_string(e),
                              .description = "Grants area " + std::to_string(e),
                              .privileged = e % 10 == 0});
  }
  for (std::size_t g = 0; g < kGroups; ++g) {
    s.groups.push_back({.id = uuid(2, g), .display_name = "Group " + std::to_string(g)});
  }
  for (std::size_t g = kTopGroups; g < kGroups; ++g)
    s.groups[(g - kTopGroups) / 4].members.push_back({s.groups[g].id, true});
  for (std::size_t i = 0; i < kAccounts; ++i) {
    s.accounts.push_back(makeAccount(i, uuid(1, i)));
    assignAccess(i, 5 + i % 5, s);
  }
  const std::size_t rest = kGrants - grantCount(s);
  for (std::size_t g = 0; g < kGroups; ++g) {
    const std::size_t n = rest / kGroups + (g < rest % kGroups ? 1 : 0);
    for (std::size_t k = 0; k < n; ++k)
      s.groups[g].entitlements.push_back(s.entitlements[(g * 7 + k * 7) % kEntitlements].id);
    std::sort(s.groups[g].entitlements.begin(), s.groups[g].entitlements.end());
  }
  for (auto& g : s.groups) std::sort(g.members.begin(), g.members.end());
  s.reindex();
  return s;
}

// The tenant at the sync's end: the last kLeavers accounts deleted, kJoiners
// created, and some display names changed (either value is right).
mocks::TenantState afterSync(mocks::TenantState s) {
  std::unordered_set<std::string> leavers;
  for (std::size_t i = kAccounts - kLeavers; i < kAccounts; ++i) leavers.insert(s.accounts[i].id);
  s.accounts.resize(kAccounts - kLeavers);
  for (auto& g : s.groups) {
    std::erase_if(g.members, [&](const mocks::Member& m) { return leavers.count(m.id) != 0; });
  }
  for (std::size_t j = 0; j < kJoiners; ++j) {
    s.accounts.push_back(makeAccount(kAccounts + j, uuid(9, j)));
    assignAccess(s.accounts.size() - 1, 6, s);
  }
  for (auto& g : s.groups) std::sort(g.members.begin(), g.members.end());
  for (std::size_t i = 3; i < s.accounts.size(); i += 1000)
    s.accounts[i].display_name += " (moved)";
  s.reindex();
  return s;
}

struct Tenants {
  mocks::TenantState before, after;
  std::size_t expected_accounts = 0, expected_grants = 0;
};

const Tenants& tenants() {
  static const Tenants t = [] {
    Tenants t;
    t.before = enterpriseTenant();
    t.after = afterSync(t.before);
    t.expected_accounts = kAccounts - kLeavers;
    t.expected_grants = kGrants;
    for (std::size_t i = kAccounts - kLeavers; i < kAccounts; ++i) {
      t.expected_grants -= t.before.accounts[i].entitlements.size();
      t.expected_grants -= t.before.member_of.at(t.before.accounts[i].id).size();
    }
    return t;
  }();
  return t;
}

void renumber(harness::ConnectorOutput& o) {
  std::size_t line = 0;
  for (auto& r : o.accounts) r.line = ++line;
  for (auto& r : o.groups) r.line = ++line;
  for (auto& r : o.entitlements) r.line = ++line;
  for (auto& r : o.grants) r.line = ++line;
  for (auto& r : o.credentials) r.line = ++line;
}

// What a correct connector prints for `s`, in the order it would page.
harness::ConnectorOutput mirror(const mocks::TenantState& s) {
  harness::ConnectorOutput o;
  o.accounts.reserve(s.accounts.size());
  o.grants.reserve(kGrants + kGrants / 10);
  for (const auto& a : s.accounts) {
    o.accounts.push_back({a.id, a.user_name, a.display_name,
                          a.type == mocks::AccountType::Service ? "service" : "human", a.active,
                          a.privileged});
    for (const auto& e : a.entitlements) o.grants.push_back({"entitlement", "account", a.id, e});
    for (const auto& c : a.credentials)
      o.credentials.push_back({c.id, a.id, c.kind, c.expires, c.active});
  }
  for (const auto& g : s.groups) {
    o.groups.push_back({g.id, g.display_name});
    for (const auto& m : g.members)
      o.grants.push_back({"membership", m.is_group ? "group" : "account", m.id, g.id});
    for (const auto& e : g.entitlements) o.grants.push_back({"entitlement", "group", g.id, e});
  }
  for (const auto& e : s.entitlements)
    o.entitlements.push_back({e.id, e.display_name, e.privileged});
  o.status = harness::StatusRecord{.status = "complete"};
  renumber(o);
  return o;
}

// The counts a scoring of the flawed output must report.
struct Planted {
  std::size_t missing_accounts = 0, phantom_accounts = 0, account_mismatches = 0;
  std::size_t missing_grants = 0, phantom_grants = 0, duplicate_grants = 0;
  std::size_t credential_mismatches = 0, dangling = 0;
};

// ~4% of surviving accounts and ~3% of grants dropped, phantom accounts and
// grants added, wrong display names and key states, repeated grant lines.
void plantAccountErrors(harness::ConnectorOutput& o, std::unordered_set<std::string>& dropped,
                        Planted& p) {
  std::vector<harness::AccountRecord> kept;
  for (std::size_t i = 0; i < o.accounts.size(); ++i) {
    auto& a = o.accounts[i];
    const bool survivor = i < kAccounts - kLeavers;  // joiners follow the survivors
    if (survivor && i % 25 == 7) {
      dropped.insert(a.id);
      ++p.missing_accounts;
      continue;
    }
    if (i % 50 == 11) {
      a.display_name += " (stale)";
      ++p.account_mismatches;
    }
    kept.push_back(std::move(a));
  }
  for (std::size_t i = 0; i < 1000; ++i, ++p.phantom_accounts)
    kept.push_back({uuid(11, i), "ghost" + std::to_string(i), "Ghost", "human", true, false});
  o.accounts = std::move(kept);
}

void plantGrantErrors(const mocks::TenantState& after, harness::ConnectorOutput& o,
                      const std::unordered_set<std::string>& joiners, Planted& p) {
  std::vector<harness::GrantRecord> kept;
  kept.reserve(o.grants.size());
  for (std::size_t i = 0; i < o.grants.size(); ++i) {
    if (i % 33 == 5 && joiners.count(o.grants[i].principal) == 0) {
      ++p.missing_grants;
      continue;
    }
    if (i % 10'000 == 0) {
      kept.push_back(o.grants[i]);
      ++p.duplicate_grants;
    }
    kept.push_back(std::move(o.grants[i]));
  }
  // A membership in a group the account is not in, at either end (survivors'
  // memberships are the same in both snapshots).
  for (std::size_t i = 1; i < kAccounts - kLeavers; i += 20) {
    const auto& a = after.accounts[i];
    const auto& g = after.groups[(i * 31) % kGroups];
    if (i % 25 == 7 ||
        std::binary_search(g.members.begin(), g.members.end(), mocks::Member{a.id, false}))
      continue;
    kept.push_back({"membership", "account", a.id, g.id});
    ++p.phantom_grants;
  }
  o.grants = std::move(kept);
}

struct Flawed {
  harness::ConnectorOutput output;
  Planted planted;
};

Flawed flawedMirror(const mocks::TenantState& after) {
  Flawed f{mirror(after), {}};
  std::unordered_set<std::string> joiners, dropped;
  for (std::size_t i = kAccounts - kLeavers; i < after.accounts.size(); ++i)
    joiners.insert(after.accounts[i].id);
  plantAccountErrors(f.output, dropped, f.planted);
  plantGrantErrors(after, f.output, joiners, f.planted);
  for (std::size_t i = 9; i < f.output.credentials.size(); i += 40) {
    f.output.credentials[i].active = !f.output.credentials[i].active;
    ++f.planted.credential_mismatches;
  }
  for (const auto& g : f.output.grants)
    f.planted.dangling += g.principal_type == "account" && dropped.count(g.principal) != 0;
  for (const auto& c : f.output.credentials) f.planted.dangling += dropped.count(c.owner) != 0;
  renumber(f.output);
  return f;
}

const reports::TypeScore& typeScore(const harness::CompletenessScore& s, const std::string& t) {
  return *std::find_if(s.types.begin(), s.types.end(), [&](const auto& x) { return x.type == t; });
}

// "" when the score says what the inputs were built to say.
std::string checkExact(const Tenants& t, const harness::CompletenessScore& s) {
  if (!s.exact()) return "mirror output not scored exact";
  if (typeScore(s, "account").expected != t.expected_accounts) return "account expected count";
  if (typeScore(s, "grant").expected != t.expected_grants) return "grant expected count";
  if (typeScore(s, "grant").returned < kGrants - kLeavers * 10) return "grant returned count";
  return "";
}

std::string checkFlawed(const Planted& p, const harness::CompletenessScore& s) {
  const auto& a = typeScore(s, "account");
  const auto& g = typeScore(s, "grant");
  if (a.missing_total != p.missing_accounts || a.phantom_total != p.phantom_accounts ||
      a.attribute_mismatches != p.account_mismatches)
    return "account counts differ from the planted errors";
  if (g.missing_total != p.missing_grants || g.phantom_total != p.phantom_grants ||
      g.duplicates != p.duplicate_grants)
    return "grant counts differ from the planted errors";
  if (typeScore(s, "credential").attribute_mismatches != p.credential_mismatches)
    return "credential mismatches differ from the planted errors";
  if (s.dangling_total != p.dangling) return "dangling references differ from the planted errors";
  if (s.complete() || s.dangling.size() != harness::kMaxListedIds) return "flags and lists";
  return "";
}

// Runs `score` in the timed loop after checking its result once.
// The check's run is untimed but counts towards the peaks: it does the same
// work as a timed one. Memory freed by earlier benchmarks goes back to the
// system first (malloc_trim), so inputs_rss is what these inputs hold.
template <typename Score, typename Check>
void timeScoring(benchmark::State& state, double inputs_heap, Score score, Check check) {
  malloc_trim(0);
  const double inputs_rss = procStatusMiB("VmRSS");
  const std::size_t heap_before = g_heap_live.load();
  resetPeaks();
  const std::string problem = check(score());
  if (!problem.empty()) {
    state.SkipWithError(problem.c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(score());
  state.counters["inputs_heap_MiB"] = inputs_heap;
  state.counters["inputs_rss_MiB"] = inputs_rss;
  state.counters["peak_rss_MiB"] = procStatusMiB("VmHWM");
  state.counters["scorer_heap_MiB"] = static_cast<double>(g_heap_peak.load() - heap_before) / kMiB;
}

void BM_ScoreCompletenessMirror(benchmark::State& state) {
  const Tenants& t = tenants();
  const std::size_t heap0 = g_heap_live.load();
  const harness::ConnectorOutput output = mirror(t.after);
  const double inputs_heap = static_cast<double>(g_heap_live.load()) / kMiB;
  state.counters["output_heap_MiB"] = static_cast<double>(g_heap_live.load() - heap0) / kMiB;
  timeScoring(
      state, inputs_heap, [&] { return harness::scoreCompleteness(t.before, t.after, output); },
      [&](const harness::CompletenessScore& s) { return checkExact(t, s); });
}
BENCHMARK(BM_ScoreCompletenessMirror)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ScoreCompletenessPlantedErrors(benchmark::State& state) {
  const Tenants& t = tenants();
  const Flawed flawed = flawedMirror(t.after);
  timeScoring(
      state, static_cast<double>(g_heap_live.load()) / kMiB,
      [&] { return harness::scoreCompleteness(t.before, t.after, flawed.output); },
      [&](const harness::CompletenessScore& s) { return checkFlawed(flawed.planted, s); });
}
BENCHMARK(BM_ScoreCompletenessPlantedErrors)->Unit(benchmark::kMillisecond)->UseRealTime();

// The tenant after a revoke batch in which every other action was carried
// out. Actions come in selection order (deprovision, memberships, entitlements,
// inherited: 250 each); an inherited one stays held through a group, so
// `applied` counts the others.
mocks::TenantState applyEveryOther(mocks::TenantState s,
                                   const std::vector<harness::RevokeAction>& actions,
                                   std::size_t& applied) {
  for (std::size_t i = 0; i < actions.size(); i += 2) {
    const auto& a = actions[i];
    auto& account = s.accounts[s.account_index.at(a.account)];
    if (a.action == "deprovision") {
      account.active = false;
      for (auto& c : account.credentials) c.active = false;
    } else if (a.action == "remove_membership") {
      std::erase(s.groups[s.group_index.at(a.target)].members, mocks::Member{a.account, false});
    } else {
      std::erase(account.entitlements, a.target);
    }
    applied += i < 750 ? 1 : 0;
  }
  s.rebuildMemberOf();
  return s;
}

void BM_JudgeRevocations(benchmark::State& state) {
  const Tenants& t = tenants();
  const scenarios::RevokeSpec spec{.remove_memberships = 250,
                                   .remove_entitlements = 250,
                                   .deprovision = 250,
                                   .inherited_entitlements = 250};
  const auto actions = harness::selectRevokeActions(t.after, spec, 7, 1);
  std::size_t applied = 0;
  const mocks::TenantState settled = applyEveryOther(t.after, actions, applied);
  harness::ConnectorOutput output;
  for (const auto& a : actions) output.results.push_back({a.id, "confirmed", ""});
  const auto judge = [&] { return harness::judgeRevocations(actions, output, settled, settled); };
  timeScoring(state, static_cast<double>(g_heap_live.load()) / kMiB, judge, [&](const auto& out) {
    const auto n = std::count_if(out.begin(), out.end(), [](const auto& o) { return o.applied; });
    if (actions.size() == 1000 && static_cast<std::size_t>(n) == applied) return std::string();
    return "revocation outcomes differ from the actions applied: " +
           std::to_string(actions.size()) + " actions, " + std::to_string(n) + " applied, " +
           std::to_string(applied) + " carried out";
  });
  state.counters["actions"] = static_cast<double>(actions.size());
}
BENCHMARK(BM_JudgeRevocations)->Unit(benchmark::kMillisecond)->UseRealTime();

std::string flag(bool b) {
  return b ? "true" : "false";
}

// The connector's stdout for `o`, one JSON line per record (docs/connector-protocol.md).
std::string printLines(const harness::ConnectorOutput& o) {
  std::string out;
  out.reserve(200 * (o.accounts.size() + o.grants.size()));
  for (const auto& a : o.accounts) {
    out += R"({"type":"account","id":")" + a.id + R"(","userName":")" + a.user_name +
           R"(","displayName":")" + a.display_name + R"(","active":)" + flag(a.active) +
           R"(,"accountType":")" + a.account_type + R"(","privileged":)" + flag(a.privileged) +
           "}\n";
  }
  for (const auto& g : o.groups)
    out += R"({"type":"group","id":")" + g.id + R"(","displayName":")" + g.display_name + "\"}\n";
  for (const auto& e : o.entitlements) {
    out += R"({"type":"entitlement","id":")" + e.id + R"(","displayName":")" + e.display_name +
           R"(","privileged":)" + flag(e.privileged) + "}\n";
  }
  for (const auto& g : o.grants) {
    out += R"({"type":"grant","kind":")" + g.kind + R"(","principal_type":")" + g.principal_type +
           R"(","principal":")" + g.principal + R"(","target":")" + g.target + "\"}\n";
  }
  for (const auto& c : o.credentials) {
    out += R"({"type":"credential","id":")" + c.id + R"(","owner":")" + c.owner + R"(","kind":")" +
           c.kind + R"(","expires":")" + c.expires + R"(","active":)" + flag(c.active) + "}\n";
  }
  out += R"({"type":"status","protocol":1,"status":"complete","reason":""})"
         "\n";
  return out;
}

// What a correct connector prints for the tenant at the sync's end, and how
// many records that is.
std::string mirrorStdout(const Tenants& t, std::size_t& records) {
  const harness::ConnectorOutput truth = mirror(t.after);
  records = truth.accounts.size() + truth.groups.size() + truth.entitlements.size() +
            truth.grants.size() + truth.credentials.size();
  return printLines(truth);
}

void BM_ParseConnectorOutput(benchmark::State& state) {
  const Tenants& t = tenants();
  std::size_t records = 0;
  const std::string stdout_data = mirrorStdout(t, records);
  const auto parse = [&] {
    return harness::parseConnectorOutput(stdout_data, harness::Operation::Sync, false);
  };
  timeScoring(state, static_cast<double>(g_heap_live.load()) / kMiB, parse, [&](const auto& o) {
    const std::size_t parsed = o.accounts.size() + o.groups.size() + o.entitlements.size() +
                               o.grants.size() + o.credentials.size();
    return parsed == records && o.violation_count == 0 && o.lines.size() == records + 1
               ? std::string()
               : "parsed output differs from the printed records";
  });
  state.counters["stdout_MiB"] = static_cast<double>(stdout_data.size()) / kMiB;
  state.counters["lines"] = static_cast<double>(records + 1);
}
BENCHMARK(BM_ParseConnectorOutput)->Unit(benchmark::kMillisecond)->UseRealTime();

// The realistic end-to-end cost of judging one sync: the drill parses the
// connector's stdout and scores the parsed output, and both are held at once.
void BM_ParseAndScoreCompleteness(benchmark::State& state) {
  const Tenants& t = tenants();
  std::size_t records = 0;
  const std::string stdout_data = mirrorStdout(t, records);
  const auto parse_and_score = [&] {
    const harness::ConnectorOutput output =
        harness::parseConnectorOutput(stdout_data, harness::Operation::Sync, false);
    return harness::scoreCompleteness(t.before, t.after, output);
  };
  timeScoring(state, static_cast<double>(g_heap_live.load()) / kMiB, parse_and_score,
              [&](const harness::CompletenessScore& s) { return checkExact(t, s); });
  state.counters["stdout_MiB"] = static_cast<double>(stdout_data.size()) / kMiB;
  state.counters["lines"] = static_cast<double>(records + 1);
}
BENCHMARK(BM_ParseAndScoreCompleteness)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
