#include "harness/drill.h"

#include <signal.h>
#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <random>

#include "harness/evidence.h"
#include "harness/identities.h"
#include "harness/live_progress.h"
#include "harness/policy.h"
#include "harness/process_runner.h"
#include "harness/process_tree.h"
#include "harness/scorers/behaviour.h"
#include "harness/scorers/completeness.h"
#include "harness/scorers/findings.h"
#include "harness/scorers/registry.h"
#include "harness/scorers/revocation.h"
#include "harness/secret_forms.h"
#include "mocks/clock.h"
#include "mocks/mock_target.h"
#include "mocks/seeded_rng.h"
#include "reports/json_report.h"
#include "reports/wording.h"
#include "scenarios/dialects.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;
using reports::OperationReport;

std::string utcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The connector's scratch folder for one drill, under the system's temporary
// folder rather than --out: the report folder holds only what a reader
// opens, and two runs of one drill at once never share or delete each
// other's state. The destructor of DrillRun removes it.
std::string makeStateDir(const std::string& drill_id) {
  std::error_code ec;
  const fs::path parent = fs::temp_directory_path(ec);
  if (ec) throw std::runtime_error("cannot find a temporary folder: " + ec.message());
  std::string pattern = (parent / ("faultline-" + drill_id + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a state directory under " + parent.string() + ": " +
                             std::strerror(errno));
  return pattern;
}

// drill-<six digits from seed and scenario>-<six random hex digits>: the
// first part tells reruns of one drill apart from other drills, the second
// one run from another. The random part reaches no fault decision; those
// depend on the seed alone.
std::string makeDrillId(std::uint64_t seed, const std::string& scenario_name) {
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%06x", std::random_device{}() & 0xffffffu);
  return "drill-" +
         std::to_string(mocks::mix64(seed ^ mocks::hashString(scenario_name)) % 1000000) + "-" +
         suffix;
}

std::string shellQuote(const std::string& s) {
  if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:") ==
      std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

reports::ProcessSummary summarise(const ProcessResult& p, const std::vector<std::string>& secrets) {
  reports::ProcessSummary s;
  s.started = p.started;
  s.start_error = p.start_error;
  s.exit_code = p.exit_code;
  s.signal = p.term_signal;
  s.timed_out = p.timed_out;
  s.needed_kill = p.needed_kill;
  s.left_processes = p.left_processes || p.pipes_held_open || !p.escaped_processes.empty();
  s.duration_ms = p.duration.count();
  s.stdout_bytes = p.stdout_bytes;
  s.stderr_bytes = p.stderr_bytes;
  s.stdout_truncated = p.stdout_truncated;
  s.stderr_truncated = p.stderr_truncated;
  s.stderr_tail = tailLines(p.stderr_data, 20, secrets);
  return s;
}

// Every run of the connector for one operation: the runs a kill_connector
// fault ended, then the last one, whose output is scored.
struct ConnectorRuns {
  std::vector<ProcessResult> killed;
  ProcessResult last;
};

// At most this many restarts per operation, whatever the plan says.
constexpr int kMaxRestarts = 8;

// Holds what every operation of one drill shares.
class DrillRun {
 public:
  DrillRun(const scenarios::Scenario& scenario, const Manifest& manifest,
           const DrillOptions& options)
      : scenario_(scenario),
        manifest_(manifest),
        options_(options),
        seed_(options.seed.value_or(scenario.seed)),
        clock_(options.clock != nullptr ? *options.clock : steady_clock_),
        target_(scenario, seed_, clock_),
        scorers_(makeScorers()) {}
  // The state directory is the connector's scratch space for this drill only.
  ~DrillRun() {
    std::error_code ignored;
    if (!state_dir_.empty()) fs::remove_all(state_dir_, ignored);
  }
  DrillRun(const DrillRun&) = delete;
  DrillRun& operator=(const DrillRun&) = delete;

  reports::Report run();

 private:
  ConnectorRuns runConnector(const std::string& operation, const std::string& stdin_data);
  ProcessResult runOnce(const std::string& operation, const std::string& stdin_data);
  std::string killConnector();
  std::vector<mocks::Change> changesSince(std::size_t count) const;
  void scoreRun(const ScoringInput& input);
  void runSync(const scenarios::Operation& op, OperationReport& rep);
  reports::RoundReport runRound(const std::string& label, OperationReport& rep);
  void runRevoke(const scenarios::Operation& op, int index, OperationReport& rep);
  void recordCommon(const OperationEvidence& ev, OperationReport& rep);
  std::vector<std::string> secrets() const;
  void say(const std::string& line) const {
    if (options_.progress != nullptr) *options_.progress << line << std::endl;
  }

  const scenarios::Scenario& scenario_;
  const Manifest& manifest_;
  const DrillOptions& options_;
  const std::uint64_t seed_;
  mocks::SteadyClock steady_clock_;  // the drill clock unless options_.clock is given
  const mocks::Clock& clock_;
  mocks::MockTarget target_;
  std::string drill_id_;
  std::string executable_;
  std::string state_dir_;
  std::vector<std::unique_ptr<Scorer>> scorers_;  // this drill's own: they keep state
  ScoreSink sink_;
  int drill_rounds_ = 0;       // rounds run so far, across every sync
  std::string current_label_;  // the operation running, for the live line
  std::mutex kill_mutex_;
  int connector_pgid_ = 0;  // guarded by kill_mutex_; 0 when no connector runs
  int kills_ = 0;           // guarded by kill_mutex_
  int op_index_ = 0;        // the operation running, 1-based
};

std::vector<std::string> DrillRun::secrets() const {
  std::vector<std::string> plain = target_.issuer().issuedTokens();
  plain.push_back(target_.client().client_secret);
  return secretForms(plain, target_.client().client_id, target_.client().client_secret);
}

// Called by a kill_connector fault on a handler thread, while the connector
// waits for that request's answer.
std::string DrillRun::killConnector() {
  std::lock_guard lock(kill_mutex_);
  if (connector_pgid_ <= 0) return "";
  ::killpg(connector_pgid_, SIGKILL);
  connector_pgid_ = 0;  // one kill per run
  ++kills_;
  return "connector killed (SIGKILL) before the answer; it restarts with the same state directory";
}

// Runs the connector; a run a kill_connector fault ended is started again with
// the same state directory and input, as a scheduler would.
ConnectorRuns DrillRun::runConnector(const std::string& operation, const std::string& stdin_data) {
  ConnectorRuns runs;
  for (;;) {
    int kills_before = 0;
    {
      std::lock_guard lock(kill_mutex_);
      kills_before = kills_;
    }
    ProcessResult result = runOnce(operation, stdin_data);
    if (const int signal_number = stopRequested(); signal_number != 0)
      throw DrillInterrupted(signal_number);
    bool killed = false;
    {
      std::lock_guard lock(kill_mutex_);
      connector_pgid_ = 0;
      killed = kills_ > kills_before;
    }
    if (!killed || static_cast<int>(runs.killed.size()) >= kMaxRestarts) {
      runs.last = std::move(result);
      return runs;
    }
    say("  " + current_label_ + ": connector killed by a fault; restarting it (restart " +
        std::to_string(runs.killed.size() + 1) + ")");
    runs.killed.push_back(std::move(result));
  }
}

ProcessResult DrillRun::runOnce(const std::string& operation, const std::string& stdin_data) {
  PlaceholderValues values{operation,
                           target_.apiBaseUrl(),
                           target_.tokenUrl(),
                           target_.client().client_id,
                           target_.client().client_secret,
                           state_dir_,
                           manifest_.dir,
                           drill_id_};
  ProcessSpec spec;
  spec.executable = executable_;
  for (const auto& a : manifest_.args) spec.args.push_back(expandPlaceholders(a, values));
  for (const auto& [k, v] : manifest_.env) spec.env[k] = expandPlaceholders(v, values);
  spec.working_dir = manifest_.dir;
  spec.stdin_data = stdin_data;
  spec.timeout = std::chrono::seconds(manifest_.timeout_seconds);
  spec.stdout_cap = static_cast<std::size_t>(manifest_.max_stdout_mib) << 20;
  spec.on_started = [this](int pgid) {
    std::lock_guard lock(kill_mutex_);
    connector_pgid_ = pgid;
  };
  if (options_.progress == nullptr || !options_.live) return runProcess(spec);
  const auto started = clock_.nowMs();
  LiveProgress live(*options_.progress, [&] {
    int fired = 0;
    for (const auto& [id, n] : target_.faults().firings()) fired += n;
    return ProgressSample{current_label_, operation, target_.journal().size(), fired,
                          clock_.nowMs() - started};
  });
  return runProcess(spec);
}

void DrillRun::runSync(const scenarios::Operation& op, OperationReport& rep) {
  std::uint64_t requests = 0;
  for (int round = 1; round <= op.rounds; ++round) {
    // Findings of round N of a multi-round sync name it, so the acceptance
    // policy judges them by that round's status (docs/scoring.md, "Rounds").
    const std::string label =
        op.rounds == 1 ? op.label : op.label + " round " + std::to_string(round);
    reports::RoundReport r = runRound(label, rep);
    r.round = round;
    requests += r.requests;
    rep.rounds.push_back(std::move(r));
  }
  rep.requests = requests;
}

// One run of the connector's sync, scored for completeness and freshness;
// `rep` takes this round's process, status and scores.
reports::RoundReport DrillRun::runRound(const std::string& label, OperationReport& rep) {
  reports::RoundReport round;
  round.drill_round = ++drill_rounds_;
  round.started_ms = clock_.nowMs();
  const auto before = target_.tenant().snapshot();
  const auto mark = target_.journal().lastSeq();
  const std::size_t changes_before = target_.tenant().changes().size();
  const ConnectorRuns runs = runConnector("sync", "");
  const ProcessResult& process = runs.last;
  const auto after = target_.tenant().snapshot();
  const std::uint64_t last = target_.journal().lastSeq();
  const auto journal = target_.journal().entriesSince(mark);
  const ConnectorOutput output =
      parseConnectorOutput(process.stdout_data, Operation::Sync, process.stdout_truncated);
  const CompletenessScore score = scoreCompleteness(before, after, output);
  const OperationEvidence ev{label, &process, &output, &journal, secrets()};
  const Amplification amplification = measureAmplification(
      journal, minimumSyncRequests(before.accounts.size(), before.groups.size(),
                                   before.entitlements.size(), scenario_.target.max_page_size));
  std::vector<KilledRun> killed;
  for (const auto& k : runs.killed)
    killed.push_back({&k, parseConnectorOutput(k.stdout_data, Operation::Sync, true), {}});
  // A sync asks for no change: anything its requests changed is collateral.
  const auto changes = changesSince(changes_before);
  const auto timeline = target_.timeline().outcomes();
  ScoringInput input;
  input.kind = scenarios::OperationKind::Sync;
  input.evidence = &ev;
  input.before = &before;
  input.after = &after;
  input.settled = &after;
  input.changes = &changes;
  input.killed = &killed;
  input.completeness = &score;
  input.amplification = &amplification;
  input.drill_round = round.drill_round;
  input.journal_mark = mark;
  input.journal_last = last;
  input.started_ms = round.started_ms;
  input.timeline = &timeline;
  scoreRun(input);
  recordCommon(ev, rep);
  rep.restarts += static_cast<int>(runs.killed.size());
  rep.amplification = amplification.ratio;
  rep.minimum_requests = amplification.minimum;
  rep.completeness = score.types;
  rep.dangling_references = score.dangling_total;
  rep.dangling = score.dangling;
  round.duration_ms = clock_.nowMs() - round.started_ms;
  round.requests = journal.size();
  round.declared_status = rep.declared_status;
  round.declared_reason = rep.declared_reason;
  round.declared_incomplete = rep.declared_incomplete;
  round.stale_since = output.status ? output.status->stale_since : "";
  round.recall = score.minRecall();
  round.stale_records =
      static_cast<std::size_t>(sink_.metric("freshness.stale_records").value_or(0));
  say("  " + label + ": declared " + rep.declared_status + ", min recall " +
      reports::fixed3(score.minRecall()) + ", " + reports::counted(journal.size(), "request") +
      (round.stale_records > 0 ? ", " + reports::counted(round.stale_records, "stale record")
                               : ""));
  return round;
}

// The status line's "incomplete" field as the report keeps it; nullopt when
// not sent.
std::optional<std::vector<std::string>> declaredIncomplete(const ConnectorOutput& output) {
  if (!output.status || !output.status->incomplete) return std::nullopt;
  return std::vector<std::string>(output.status->incomplete->begin(),
                                  output.status->incomplete->end());
}

// What the operation's last answers say about its credentials: the last API
// answer refused for auth, or the last token request failed.
std::string authTrouble(const std::vector<mocks::JournalEntry>& journal) {
  const mocks::JournalEntry* api = nullptr;
  const mocks::JournalEntry* token = nullptr;
  for (const auto& e : journal) (e.request_kind == "token" ? token : api) = &e;
  if (api != nullptr && (api->status == 401 || api->status == 403)) {
    return "last API answer " + std::to_string(api->status) + " to " + api->method + " " +
           api->path;
  }
  if (token != nullptr && token->status != 200 && (api == nullptr || api->seq < token->seq))
    return "last token request answered " + std::to_string(token->status);
  return "";
}

std::vector<mocks::Change> DrillRun::changesSince(std::size_t count) const {
  const auto changes = target_.tenant().changes();
  return {changes.begin() + static_cast<std::ptrdiff_t>(count), changes.end()};
}

// Every scorer, in the registry's order, which is the order of the report's
// findings.
void DrillRun::scoreRun(const ScoringInput& input) {
  ScoringInput with_scenario = input;
  with_scenario.scenario = &scenario_;
  for (const auto& scorer : scorers_) scorer->score(with_scenario, sink_);
}

// What every operation reports alike: how the process ended and what its
// status line declared.
void DrillRun::recordCommon(const OperationEvidence& ev, OperationReport& rep) {
  rep.auth_trouble = authTrouble(*ev.journal);
  const ConnectorOutput& output = *ev.output;
  rep.process = summarise(*ev.process, ev.secrets);
  rep.requests = ev.journal->size();
  rep.declared_status = output.status ? output.status->status : "missing";
  rep.declared_reason = output.status ? redactSecrets(output.status->reason, ev.secrets) : "";
  rep.declared_incomplete = declaredIncomplete(output);
  rep.protocol_violations = output.violation_count;
}

void DrillRun::runRevoke(const scenarios::Operation& op, int index, OperationReport& rep) {
  const auto before = target_.tenant().snapshot();
  const auto actions = selectRevokeActions(before, op.revoke, seed_, index);
  std::set<std::string> ids;
  std::set<std::string> groups;  // a race_operation joiner waits for a read of one
  for (const auto& a : actions) {
    ids.insert(a.id);
    if (a.action == "remove_membership") groups.insert(a.target);
  }
  target_.setRaceGroups(op_index_, std::move(groups));
  const auto mark = target_.journal().lastSeq();
  const std::size_t changes_before = target_.tenant().changes().size();
  const ConnectorRuns runs = runConnector("revoke", encodeActions(actions));
  const ProcessResult& process = runs.last;
  const std::int64_t connector_started_ms = clock_.nowMs() - process.duration.count();
  const auto after = target_.tenant().snapshot();
  // The settle period: writes the target deferred (delayed applies, reverts)
  // land now, so a confirmation is judged by what stays true.
  if (const std::size_t landed = target_.settle(); landed > 0)
    say("  " + op.label + ": settle period: " + reports::counted(landed, "deferred write") +
        " landed");
  const auto settled = target_.tenant().snapshot();
  const auto journal = target_.journal().entriesSince(mark);
  const ConnectorOutput output =
      parseConnectorOutput(process.stdout_data, Operation::Revoke, process.stdout_truncated, ids);
  rep.revocations = judgeRevocations(actions, output, after, settled);
  traceRevocations(output,
                   {&process.stdout_line_ms, rep.started_ms, connector_started_ms, &journal},
                   rep.revocations);
  const OperationEvidence ev{op.label, &process, &output, &journal, secrets()};
  std::vector<KilledRun> killed;
  for (const auto& k : runs.killed) {
    // Killed mid-line, a run's last fragment is no claim: parse it as cut.
    KilledRun run{&k, parseConnectorOutput(k.stdout_data, Operation::Revoke, true, ids), {}};
    run.claims = judgeRevocations(actions, run.output, after, settled);
    // The report keeps what killed runs said: a confirmation if any gave one
    // (that is the claim a platform may have acted on), else the latest.
    for (std::size_t i = 0; i < run.claims.size(); ++i) {
      std::string& said = rep.revocations[i].claimed_before_restart;
      if (run.claims[i].claimed != "missing" && said != "confirmed") said = run.claims[i].claimed;
    }
    killed.push_back(std::move(run));
  }
  const auto changes = changesSince(changes_before);
  ScoringInput input;
  input.kind = scenarios::OperationKind::Revoke;
  input.evidence = &ev;
  input.before = &before;
  input.after = &after;
  input.settled = &settled;
  input.changes = &changes;
  input.killed = &killed;
  input.actions = &actions;
  input.revocations = &rep.revocations;
  scoreRun(input);
  recordCommon(ev, rep);
  rep.restarts += static_cast<int>(runs.killed.size());
  std::size_t confirmed = 0;
  for (const auto& r : rep.revocations) confirmed += r.outcome == "confirmed";
  say("  " + op.label + ": " + std::to_string(confirmed) + "/" +
      reports::counted(actions.size(), "action") + " confirmed and true, " +
      reports::counted(journal.size(), "request"));
}

reports::Report DrillRun::run() {
  reports::Report report;
  report.tool_version = FAULTLINE_VERSION;
  report.seed = seed_;
  report.started_at = utcNow();
  drill_id_ = makeDrillId(seed_, scenario_.name);
  std::string error;
  const auto resolved = resolveConnectorCommand(manifest_, &error);
  if (!resolved) throw std::runtime_error(error);
  executable_ = *resolved;
  state_dir_ = makeStateDir(drill_id_);
  target_.setConnectorKiller([this] { return killConnector(); });
  target_.start();
  const auto initial = target_.tenant().snapshot();
  say("faultline: drill " + drill_id_ + ", scenario " + scenario_.name + ", seed " +
      std::to_string(seed_) + ", connector " + manifest_.name + ", target " + target_.apiBaseUrl());
  const auto started = clock_.nowMs();
  int revoke_index = 0;
  for (const auto& op : scenario_.operations) {
    target_.setOperation(++op_index_);
    target_.applyBeforeOperation(op_index_);
    OperationReport rep;
    rep.label = op.label;
    current_label_ = op.label;
    rep.kind = scenarios::operationKindName(op.kind);
    rep.started_ms = clock_.nowMs();
    if (op.kind == scenarios::OperationKind::Sync && manifest_.operations.count("sync") != 0) {
      runSync(op, rep);
    } else if (op.kind == scenarios::OperationKind::Revoke &&
               manifest_.operations.count("revoke") != 0) {
      runRevoke(op, ++revoke_index, rep);
    } else {
      reports::Finding f;
      f.id = "operation-unsupported";
      f.severity = reports::Severity::Error;
      f.metric = "process";
      f.operation = op.label;
      f.title = "The connector's manifest does not offer the " + rep.kind + " operation";
      sink_.add(std::move(f));
      rep.declared_status = "unsupported";
    }
    rep.duration_ms = clock_.nowMs() - rep.started_ms;
    report.operations.push_back(std::move(rep));
  }
  target_.stop();
  report.duration_ms = clock_.nowMs() - started;
  report.journal_requests = target_.journal().size();
  if (!options_.journal_path.empty()) {
    reports::writeFileAtomically(options_.journal_path,
                                 journalToJsonLines(target_.journal().entries()));
    report.journal_file = options_.journal_path;
  }
  report.drill_id = drill_id_;
  const auto firings = target_.faults().firings();
  for (const auto& rule : scenario_.faults) {
    report.faults.push_back(
        {rule.id, scenarios::faultKindName(rule.kind), rule.min_fires, firings.at(rule.id)});
  }
  addFaultFindings(report.faults, sink_.findings());
  const auto timeline = target_.timeline().outcomes();
  const DrillEndInput end{&scenario_, &timeline};
  for (const auto& scorer : scorers_) scorer->finish(end, sink_);
  report.freshness = sink_.freshness.value_or(reports::FreshnessSummary{});
  report.findings = std::move(sink_.findings());
  applyPolicy(resolvePolicy(scenario_, options_.policy), report);
  const auto state = target_.tenant().snapshot();
  nameIdentities(report, {&state, &initial});
  report.scenario = {scenario_.name,          scenario_.file,      scenario_.description,
                     state.accounts.size(),   state.groups.size(), state.entitlements.size(),
                     scenario_.target.dialect};
  report.connector = {manifest_.name,    manifest_.version, options_.connector_path,
                      manifest_.command, manifest_.args,    redactedEnv(manifest_)};
  report.replay_command = "faultline run --connector " + shellQuote(options_.connector_path) +
                          " --scenario " + shellQuote(scenario_.file) + " --seed " +
                          std::to_string(seed_);
  return report;
}

}  // namespace

scenarios::Scenario pairWithConnector(const scenarios::Scenario& scenario,
                                      const Manifest& manifest) {
  scenarios::Scenario paired = scenario;
  if (paired.target.dialect.empty()) paired.target.dialect = manifest.dialect;
  const scenarios::DialectTraits* dialect = scenarios::findDialect(paired.target.dialect);
  if (dialect == nullptr) {
    throw scenarios::ConfigError(
        manifest.file, {{"/dialect", "unknown dialect \"" + paired.target.dialect + "\""}});
  }
  auto issues = scenarios::checkExpressible(paired.faults, *dialect);
  if (!issues.empty()) throw scenarios::ConfigError(scenario.file, std::move(issues));
  return paired;
}

reports::Report runDrill(const scenarios::Scenario& scenario, const Manifest& manifest,
                         const DrillOptions& options) {
  const scenarios::Scenario paired = pairWithConnector(scenario, manifest);
  DrillRun run(paired, manifest, options);
  return run.run();
}

}  // namespace faultline::harness
