#include "harness/suite.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <thread>
#include <vector>

#include "harness/drill.h"
#include "harness/live_progress.h"
#include "harness/manifest.h"
#include "harness/process_tree.h"
#include "scenarios/acceptance.h"
#include "scenarios/config_error.h"
#include "scenarios/scenario.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Planned {
  std::size_t index = 0;  // among all drills, before sharding
  std::size_t connector = 0;
  std::size_t scenario = 0;
  std::uint64_t seed = 0;
  std::string skip_reason;  // the suite's, for a skipped scenario
};

std::string utcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// The operation a scenario needs that the manifest does not offer, or "".
// Why the connector's API cannot express the scenario's faults; "" when it can.
std::string inexpressibleFaults(const scenarios::Scenario& scenario, const Manifest& manifest) {
  try {
    pairWithConnector(scenario, manifest);
  } catch (const scenarios::ConfigError& e) {
    std::string why;
    for (const auto& issue : e.issues()) why += (why.empty() ? "" : "; ") + issue.message;
    return why;
  }
  return "";
}

std::string missingOperation(const scenarios::Scenario& s, const Manifest& m) {
  for (const auto& op : s.operations) {
    const std::string kind = scenarios::operationKindName(op.kind);
    if (m.operations.count(kind) == 0) return kind;
  }
  return "";
}

std::string worstFinding(const reports::Report& r, reports::SuiteDrill& d) {
  const reports::Finding* worst = nullptr;
  for (const auto& f : r.findings) {
    d.critical += f.severity == reports::Severity::Critical;
    d.errors += f.severity == reports::Severity::Error;
    d.warnings += f.severity == reports::Severity::Warning;
    if (worst == nullptr || f.severity > worst->severity) worst = &f;
  }
  if (worst == nullptr || worst->severity == reports::Severity::Info) return "";
  return std::string("[") + reports::severityName(worst->severity) + "] " + worst->id + ": " +
         worst->title;
}

}  // namespace

std::string connectorFolderName(const std::string& name) {
  std::string out;
  for (char c : name)
    out +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out.empty() || out == "." || out == ".." ? "connector" : out;
}

bool inShard(std::size_t drill_index, int shard_index, int shard_count) {
  return shard_count <= 1 || drill_index % static_cast<std::size_t>(shard_count) ==
                                 static_cast<std::size_t>(shard_index - 1);
}

reports::SuiteSummary runSuite(const scenarios::Suite& suite, const SuiteOptions& options) {
  // Everything is loaded and checked before the first drill starts.
  std::vector<Manifest> manifests;
  for (const auto& file : suite.connectors) {
    manifests.push_back(loadManifest(file));
    std::string error;
    if (!resolveConnectorCommand(manifests.back(), &error))
      throw std::runtime_error(file + ":/command: " + error);
  }
  std::vector<scenarios::Scenario> scenarios;
  for (const auto& file : suite.scenario_files) scenarios.push_back(scenarios::loadScenario(file));
  std::optional<scenarios::PolicyFile> policy;
  if (!suite.policy.empty()) policy = scenarios::loadPolicyFile(suite.policy);

  // One folder per connector; two connectors of one name get numbered folders.
  std::vector<std::string> folders;
  std::map<std::string, int> used;
  for (const auto& m : manifests) {
    std::string folder = connectorFolderName(m.name);
    if (const int n = used[folder]++; n > 0) folder += "-" + std::to_string(n + 1);
    folders.push_back(folder);
  }

  std::vector<Planned> all;
  for (std::size_t c = 0; c < manifests.size(); ++c) {
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
      const auto over = suite.overrides.find(scenarios[s].name);
      std::vector<std::uint64_t> seeds = suite.seeds;
      if (over != suite.overrides.end() && !over->second.seeds.empty()) seeds = over->second.seeds;
      if (seeds.empty()) seeds = {scenarios[s].seed};
      for (std::uint64_t seed : seeds) {
        all.push_back({all.size(), c, s, seed,
                       over != suite.overrides.end() ? over->second.skip_reason : std::string()});
      }
    }
  }
  std::vector<Planned> plan;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (inShard(i, options.shard_index, options.shard_count)) plan.push_back(all[i]);
  }

  reports::SuiteSummary summary;
  summary.suite = suite.name;
  summary.suite_file = suite.file;
  summary.tool_version = FAULTLINE_VERSION;
  summary.started_at = utcNow();
  summary.shard_index = options.shard_index;
  summary.shard_count = options.shard_count;
  summary.jobs = options.jobs > 0
                     ? options.jobs
                     : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  summary.total_drills = all.size();
  summary.drills.resize(plan.size());
  for (std::size_t i = 0; i < plan.size(); ++i) {
    reports::SuiteDrill& d = summary.drills[i];
    d.index = plan[i].index;
    d.connector = manifests[plan[i].connector].name;
    d.scenario = scenarios[plan[i].scenario].name;
    d.seed = plan[i].seed;
    d.verdict = "not-run";
    d.reason = "the suite was stopped before this drill started";
  }

  const auto started = Clock::now();
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> running{0};
  std::atomic<std::size_t> bad{0};
  std::mutex progress_mutex;
  auto runOne = [&](std::size_t i) {
    const Planned& p = plan[i];
    const Manifest& manifest = manifests[p.connector];
    const scenarios::Scenario& scenario = scenarios[p.scenario];
    reports::SuiteDrill& d = summary.drills[i];
    ++running;
    if (!p.skip_reason.empty()) {
      d.verdict = "skipped";
      d.reason = p.skip_reason;
    } else if (const std::string op = missingOperation(scenario, manifest); !op.empty()) {
      d.verdict = "not-applicable";
      d.reason = "the scenario runs a " + op + " operation, which " + manifest.name +
                 "'s manifest does not offer";
    } else if (const std::string why = inexpressibleFaults(scenario, manifest); !why.empty()) {
      d.verdict = "not-applicable";
      d.reason = why;
    } else {
      const fs::path dir = fs::path(options.out_dir) / folders[p.connector];
      const std::string stem = (dir / (scenario.name + "-seed" + std::to_string(p.seed))).string();
      DrillOptions drill;
      drill.seed = p.seed;
      drill.out_dir = dir.string();
      drill.connector_path = suite.connectors[p.connector];
      drill.journal_path = stem + ".journal.jsonl";
      drill.policy = policy ? &*policy : nullptr;
      try {
        fs::create_directories(dir);
        const reports::Report report = runDrill(scenario, manifest, drill);
        if (stopRequested() != 0) throw DrillInterrupted(stopRequested());
        if (options.write_reports) options.write_reports(report, stem);
        d.verdict = reports::verdictName(report.verdict);
        d.reason = report.verdict_reason;
        d.report = (fs::path(folders[p.connector]) / (fs::path(stem).filename().string() + ".json"))
                       .string();
        d.worst = worstFinding(report, d);
        d.duration_ms = report.duration_ms;
      } catch (const DrillInterrupted&) {
        d.verdict = "not-run";
        d.reason = "stopped while it ran; its connector was killed and nothing was scored";
      } catch (const std::exception& e) {
        d.verdict = "error";
        d.reason = std::string("the drill could not run: ") + e.what();
      }
    }
    --running;
    bad += d.verdict == "failed" || d.verdict == "inconclusive" || d.verdict == "error";
    const std::size_t finished = ++done;
    if (options.progress != nullptr && !options.live) {
      std::lock_guard lock(progress_mutex);
      *options.progress << "[" << finished << "/" << plan.size() << "] " << d.scenario << " seed "
                        << d.seed << " (" << d.connector << "): " << d.verdict
                        << (d.worst.empty() ? "" : ", " + d.worst) << std::endl;
    }
  };
  auto worker = [&] {
    for (std::size_t i = next++; i < plan.size() && stopRequested() == 0; i = next++) runOne(i);
  };
  std::optional<LiveProgress> live;
  if (options.progress != nullptr && options.live) {
    live.emplace(
        *options.progress,
        [&] {
          const std::size_t finished = done.load();
          const auto elapsed =
              std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count();
          std::string line = "suite " + suite.name + ": " + std::to_string(finished) + "/" +
                             std::to_string(plan.size()) + " done, " +
                             std::to_string(running.load()) + " running, " +
                             std::to_string(bad.load()) + " not passed, " +
                             std::to_string(elapsed) + " s";
          // A rough guide only: what is left at the pace so far.
          if (finished > 0 && finished < plan.size())
            line += ", about " +
                    std::to_string(elapsed * static_cast<std::int64_t>(plan.size() - finished) /
                                   static_cast<std::int64_t>(finished)) +
                    " s left";
          return line;
        },
        std::chrono::milliseconds(250));
  }
  std::vector<std::thread> workers;
  const int threads =
      std::min<int>(summary.jobs, static_cast<int>(std::max<std::size_t>(1, plan.size())));
  for (int t = 0; t < threads; ++t) workers.emplace_back(worker);
  for (auto& w : workers) w.join();
  if (live) {
    live->stop();
    for (const auto& d : summary.drills) {
      if (d.verdict == "passed" || d.verdict == "not-applicable" || d.verdict == "skipped")
        continue;
      *options.progress << "  " << d.scenario << " seed " << d.seed << " (" << d.connector
                        << "): " << d.verdict << (d.worst.empty() ? "" : ", " + d.worst) << "\n";
    }
  }
  summary.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  if (const int sig = stopRequested(); sig != 0) {
    summary.complete = false;
    summary.stopped_by = sig == 2    ? "SIGINT"
                         : sig == 15 ? "SIGTERM"
                                     : "signal " + std::to_string(sig);
  }
  return summary;
}

}  // namespace faultline::harness
