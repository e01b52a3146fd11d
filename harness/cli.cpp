#include "harness/cli.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <thread>
#include <tuple>

#include "harness/certificate.h"
#include "harness/drill.h"
#include "harness/history.h"
#include "harness/manifest.h"
#include "harness/mock_command.h"
#include "harness/policy.h"
#include "harness/process_runner.h"
#include "harness/process_tree.h"
#include "harness/sha256.h"
#include "harness/suite.h"
#include "harness/suite_merge.h"
#include "reports/compare.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/suite_summary.h"
#include "reports/wording.h"
#include "scenarios/acceptance.h"
#include "scenarios/config_error.h"
#include "scenarios/json_reader.h"
#include "scenarios/scenario.h"
#include "scenarios/suite.h"

namespace faultline::harness {
namespace {

constexpr const char* kHelp = R"(faultline: chaos drills for identity connectors

usage:
  faultline run --connector MANIFEST --scenario FILE|NAME [--seed N] [--out DIR]
                [--format LIST] [--policy FILE] [--history FILE] [--quiet]
      Serve the scenario's mock tenant, run the connector's operations against
      it, score them, and write DIR/<connector>/<scenario>-seed<N>.json, where
      <connector> is the manifest's name as suite names its folders (default
      DIR: faultline-out), and the request journal beside it as
      .journal.jsonl. The seed defaults to the scenario's. --format takes a
      comma-separated list of json, junit, md and html (default json); each is
      written under the same name: .json, .junit.xml (JUnit XML for CI test
      views), .md (Markdown for a job summary or PR comment), .html (a
      self-contained page with a timeline of the journal). The connector's
      {state_dir} is a temporary folder, removed when the drill ends.
      --policy FILE judges the drill by an acceptance policy (docs/scoring.md)
      on top of the built-in default and the scenario's own acceptance block.
      Exit 0 when passed (or inconclusive, if the policy lets it through).
      SIGINT or SIGTERM stops the drill: every process the connector started
      is killed, no report is written, and the exit code is 130 or 143.
      Two runs that would write the same report at once are refused.
      --history FILE appends the drill to an SQLite history database
      (docs/history.md). --quiet prints one line: the verdict, the scores
      and the report's path.
      --scenario takes a file, or the name of a shipped scenario as
      list-scenarios prints it, with '-' or '_' (looked up in ./scenarios,
      then in the scenarios folder beside the faultline build).
  faultline suite FILE [--jobs N] [--out DIR] [--shard I/N] [--format LIST]
                [--certificate] [--history FILE] [--quiet]
      Run every drill of a suite file (docs/suite-format.md): its connectors x
      scenarios x seeds, N at a time (default: what the machine holds, at
      least 2). Each drill's reports go to DIR/<connector>/<scenario>-seed<N>
      in the --format list (default json); DIR/summary.json, summary.md,
      summary.junit.xml and index.html (the matrix of scenarios x seeds,
      linking each drill's report) tell the whole suite. --shard I/N runs only the I-th
      of N shares, the same share every time. A scenario needing an operation
      the connector does not offer is not applicable, not failed. Exit 0 when
      every drill passed (or was not applicable or skipped), 1 otherwise; on
      SIGINT or SIGTERM the finished drills' reports stay, the summary is
      marked incomplete, and the exit code is 130 or 143. --certificate also
      writes DIR/certificate.json and certificate.html: the connectors'
      names, versions and file digests, the suite's, and every drill's
      verdict and report digest; with --shard, certificate-shardIofN.json,
      which merge combines into the suite's certificate. --quiet prints one
      line: the verdict, the drills by verdict and the summary's path.
  faultline verify CERTIFICATE [--digests-only] [--out DIR] [--jobs N]
      Check an acceptance certificate: refused (exit 2) if the suite, a
      scenario, the policy, or a connector's manifest or command changed
      since it was issued; then every drill is run again from its seed and
      must get the certified verdict (exit 1 if not), or with --digests-only
      each report must match its digest.
  faultline history FILE [--connector NAME] [--scenario NAME] [--since TIME]
                [--format text|json|md|html] [--check] [--prune --older-than Nd]
      What a history database (run or suite --history FILE, docs/history.md)
      says per connector and scenario: runs, pass rate, the last known good
      run and the first failure after it, and what got worse; html is a page
      of trend charts with a red mark where a regression began. --check exits
      1 when a latest run regressed against its last known good run.
      --prune deletes drills older than N days and says how many.
  faultline merge OUT DIR...
      Combine the outputs of a suite's shards (each DIR holds one or more
      summary-shardIofN.json and the drills' reports) into OUT: the reports
      are copied, and OUT/summary.json, .md and .junit.xml are what one
      unsharded run writes. Refused unless the shards are all of one suite,
      each given once. Exit as suite does.
  faultline validate FILE...
      Check scenario, connector manifest, suite and policy files; print every problem
      as file:/json/pointer: message. A manifest's command (and each of a
      suite's connectors') must resolve to an executable file, as run would
      resolve it: beside the manifest, else on PATH.
  faultline list-scenarios [DIR]
      One line per scenario in DIR (default: the folders --scenario looks
      in): the name --scenario takes, fault count, first sentence of its
      description.
  faultline compare BASE HEAD [--tolerance X] [--format text|md|json]
      Compare two JSON reports of the same drill (or two folders of them, as
      run or suite --out writes them, paired by their path in the folder):
      which metric regressed, improved or changed, by how much, and the new
      findings behind it. --format md is Markdown for a pull-request
      comment; json is for tools (docs/report-format.md). Exit 1 when HEAD
      regressed: a worse verdict, a recall or precision lower by more than X
      (default 0), fewer revocations confirmed and true, more false
      confirmations, a new error or critical finding, amplification up by
      more than 25 %; or when a drill of BASE is missing from HEAD, which is
      counted apart from the regressions.
  faultline mock [--scenario FILE|NAME] [--seed N] [--port P]
                 [--fault KIND[:NAME=VALUE,...]]... [--journal FILE] [--log FILE] [--quiet]
      Serve a scenario's tenant on 127.0.0.1 until interrupted, for developing
      a connector by hand: prints each request with the faults that fired,
      streams the journal to a file, prints a fault summary on exit, and
      serves an admin API (its own token) to read the journal and to switch,
      change and add fault rules at runtime. faultline mock --help and
      docs/mock.md tell the rest.
  faultline help COMMAND | faultline COMMAND --help | faultline COMMAND -h
      That command's part of this text.
  faultline --help | --version

exit codes:
  0  the drill passed (validate: every file is valid)
  1  the drill failed acceptance or was inconclusive
  2  usage error, invalid scenario or manifest, connector not found or not
     executable, another run writing the same report
  130, 143  run stopped by SIGINT or SIGTERM (128 + the signal); no report

docs: docs/connector-protocol.md, docs/scenario-format.md, docs/scoring.md,
  docs/report-format.md, docs/journal-format.md, docs/suite-format.md,
  docs/history.md, docs/dialects.md, docs/mock.md, docs/scheduled-drills.md;
  JSON Schemas for the files you write in docs/schemas/
)";

// One command's usage block of kHelp, with the exit codes and documents: the
// text stays written once.
// "" for a command kHelp does not describe.
std::string commandHelp(const std::string& command) {
  const std::string help = kHelp;
  const std::string start = "  faultline " + command + " ";
  const auto from = help.find(start);
  if (from == std::string::npos) return "";
  auto to = help.find("\n  faultline ", from + start.size());
  to = to == std::string::npos ? help.size() : to + 1;
  const auto codes = help.find("\nexit codes:");
  return "usage:\n" + help.substr(from, to - from) + help.substr(codes);
}

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses "--name value" pairs and bare flags; positional arguments are kept.
struct Options {
  std::map<std::string, std::string> values;
  std::vector<std::string> flags;
  std::vector<std::string> positional;

  static Options parse(const std::vector<std::string>& args,
                       const std::vector<std::string>& with_value,
                       const std::vector<std::string>& bare) {
    Options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a.rfind("--", 0) != 0) {
        o.positional.push_back(a);
      } else if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
        if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
        o.values[a] = args[++i];
      } else if (std::find(bare.begin(), bare.end(), a) != bare.end()) {
        o.flags.push_back(a);
      } else {
        throw UsageError("unknown option " + a);
      }
    }
    return o;
  }
  std::string required(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) throw UsageError(name + " is required");
    return it->second;
  }
  bool has(const std::string& flag) const {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
  }
  std::optional<std::uint64_t> seed() const {
    auto it = values.find("--seed");
    if (it == values.end()) return std::nullopt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size()) {
      throw UsageError("--seed must be an integer in [0, 2^64), got \"" + it->second + "\"");
    }
    return v;
  }
};

// The report files' shared path under --out, without extension:
// <connector>/<scenario>-seed<N>, as a suite names them, so that two
// connectors drilled into one folder keep their own reports.
std::string reportStem(const Manifest& m, const scenarios::Scenario& s, std::uint64_t seed) {
  std::string name;
  for (char c : s.name)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return (std::filesystem::path(connectorFolderName(m.name)) /
          (name + "-seed" + std::to_string(seed)))
      .string();
}

// The report's name belongs to one run at a time. An advisory lock on a
// hidden file beside it is released by the kernel however the run ends, so a
// crashed run never blocks the next one.
class ReportClaim {
 public:
  explicit ReportClaim(const std::string& stem) {
    const std::filesystem::path stem_path(stem);
    path_ = (stem_path.parent_path() / ("." + stem_path.filename().string() + ".lock")).string();
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw UsageError("cannot create " + path_ + ": " + std::strerror(errno));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      fd_ = -1;
      throw UsageError("another faultline run is writing " + stem +
                       ".json at this moment; it would be overwritten. Wait for that run, or "
                       "give this one another --out folder or --seed");
    }
  }
  ~ReportClaim() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str());
    ::close(fd_);
  }
  ReportClaim(const ReportClaim&) = delete;
  ReportClaim& operator=(const ReportClaim&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

// SIGINT and SIGTERM during a drill become a stop request: blocked before any
// thread starts, so every thread inherits the mask and only this watcher
// takes them. Restores the mask and clears the request when the drill is over.
class StopSignalWatcher {
 public:
  StopSignalWatcher() {
    ::sigemptyset(&signals_);
    ::sigaddset(&signals_, SIGINT);
    ::sigaddset(&signals_, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    thread_ = std::thread([this] {
      while (!done_.load()) {
        const timespec period{0, 100'000'000};
        const int signal_number = ::sigtimedwait(&signals_, nullptr, &period);
        if (signal_number > 0) requestStop(signal_number);
      }
    });
  }
  ~StopSignalWatcher() {
    done_.store(true);
    thread_.join();
    ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    clearStopRequest();
  }
  StopSignalWatcher(const StopSignalWatcher&) = delete;
  StopSignalWatcher& operator=(const StopSignalWatcher&) = delete;

 private:
  sigset_t signals_{};
  sigset_t previous_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// --out names a folder; anything else there is a usage error, not a crash.
void prepareOutDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (fs::exists(status) && !fs::is_directory(status))
    throw UsageError("--out " + dir + ": exists and is not a folder");
  fs::create_directories(dir, ec);
  if (ec) throw UsageError("--out " + dir + ": cannot create the folder: " + ec.message());
}

int interruptedExit(int signal_number, std::ostream& err) {
  err << "faultline run: stopped by " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
      << ": every process the connector started was killed; no report was written\n";
  return 128 + signal_number;
}

// Where shipped scenarios are looked for by name: the working directory's
// scenarios folder, then the one beside the build that holds this binary;
// each folder once.
std::vector<std::filesystem::path> scenarioFolders() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates{fs::path("scenarios")};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path().parent_path() / "scenarios");
  std::vector<fs::path> folders;
  std::vector<fs::path> seen;
  for (const auto& folder : candidates) {
    const fs::path canonical = fs::weakly_canonical(folder, ec);
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    folders.push_back(folder);
  }
  return folders;
}

// "scenarios/, /opt/faultline/scenarios/"
std::string folderList(const std::vector<std::filesystem::path>& folders) {
  std::string out;
  for (const auto& folder : folders) out += (out.empty() ? "" : ", ") + folder.string() + "/";
  return out;
}

using scenarios::nameKey;

struct NamedScenario {
  std::string name;  // as the file says
  std::string file;
};

// Every scenario file in `folders`, in name order; of two with one name the
// first folder's wins, as --scenario NAME finds it. A file that does not load
// is left out and its error appended to `broken` (when given).
std::vector<NamedScenario> scenariosIn(const std::vector<std::filesystem::path>& folders,
                                       std::vector<std::string>* broken = nullptr) {
  namespace fs = std::filesystem;
  std::vector<NamedScenario> found;
  for (const auto& folder : folders) {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".json") files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      try {
        const std::string name = scenarios::loadScenario(file).name;
        if (std::none_of(found.begin(), found.end(),
                         [&](const NamedScenario& n) { return nameKey(n.name) == nameKey(name); }))
          found.push_back({name, file});
      } catch (const scenarios::ConfigError& e) {
        if (broken != nullptr) broken->push_back(e.what());
      }
    }
  }
  std::sort(found.begin(), found.end(),
            [](const NamedScenario& a, const NamedScenario& b) { return a.name < b.name; });
  return found;
}

// Edits (insert, delete, replace) that turn one name into the other.
std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The known scenario closest to what was typed, when it is close enough to
// be a typo or a part of the name; nullopt otherwise.
std::optional<NamedScenario> closestScenario(const std::string& typed,
                                             const std::vector<NamedScenario>& known) {
  const std::string key = nameKey(typed);
  std::optional<NamedScenario> best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const auto& n : known) {
    const std::string candidate = nameKey(n.name);
    std::size_t d = editDistance(key, candidate);
    if (key.size() >= 4 && candidate.find(key) != std::string::npos)
      d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = n;
    }
  }
  return best;
}

// --scenario: a file as given, or else a shipped scenario's name ('-' or '_').
std::string resolveScenario(const std::string& value) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool path_like =
      value.find('/') != std::string::npos || fs::path(value).extension() == ".json";
  if (fs::exists(value, ec)) return value;
  const auto folders = scenarioFolders();
  const auto known = scenariosIn(folders);
  if (path_like) {
    // A file that is not there, but whose name is a shipped scenario's.
    const std::string stem = fs::path(value).stem().string();
    for (const auto& n : known) {
      if (nameKey(n.name) == nameKey(stem))
        throw UsageError("--scenario " + value + ": no such file (did you mean " + n.file + "?)");
    }
    return value;
  }
  for (const auto& n : known) {
    if (nameKey(n.name) == nameKey(value)) return n.file;
  }
  const auto closest = closestScenario(value, known);
  throw UsageError("--scenario " + value + ": no such file, and no scenario of that name in " +
                   folderList(folders) + " (" +
                   (closest ? "did you mean " + closest->name + "? " : std::string()) +
                   "list-scenarios prints the names)");
}

struct ReportFormat {
  const char* name;
  const char* extension;
  std::string (*render)(const reports::Report&);
};

// The HTML page draws the journal, which the drill has written by the time
// reports are rendered.
std::string renderHtmlWithJournal(const reports::Report& report) {
  return reports::renderHtmlReport(report, report.journal_file.empty()
                                               ? std::vector<reports::JournalPoint>{}
                                               : reports::readJournalFile(report.journal_file));
}

// In the order the files are written and listed; JSON, the source of truth,
// first.
constexpr ReportFormat kReportFormats[] = {{"json", ".json", reports::renderJsonReport},
                                           {"junit", ".junit.xml", reports::renderJunitReport},
                                           {"md", ".md", reports::renderMarkdownReport},
                                           {"html", ".html", renderHtmlWithJournal}};

// "json,md" -> the chosen formats in kReportFormats order, each once.
std::vector<const ReportFormat*> parseFormats(const std::string& list) {
  std::vector<bool> chosen(std::size(kReportFormats), false);
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    const std::string name = list.substr(start, comma - start);
    const auto* format = std::find_if(std::begin(kReportFormats), std::end(kReportFormats),
                                      [&](const ReportFormat& f) { return name == f.name; });
    if (format == std::end(kReportFormats)) {
      throw UsageError("--format: unknown format \"" + name +
                       "\" (expected json, junit, md or html)");
    }
    chosen[format - std::begin(kReportFormats)] = true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::vector<const ReportFormat*> out;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i]) out.push_back(&kReportFormats[i]);
  }
  return out;
}

// What a history row records beside the report: digests of what was run.
HistoryContext historyContext(const Manifest& manifest, const std::string& scenario_file,
                              const std::string& report, const std::string& suite) {
  HistoryContext c;
  std::string error;
  const auto command = resolveConnectorCommand(manifest, &error);
  c.connector_digest = sha256Hex(sha256File(manifest.file).value_or("") +
                                 (command ? sha256File(*command).value_or("") : ""));
  c.scenario_digest = sha256File(scenario_file).value_or("");
  c.report_path = report;
  c.report_sha256 = report.empty() ? "" : sha256File(report).value_or("");
  c.suite = suite;
  return c;
}

int commandRun(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const Options o = Options::parse(
      args, {"--connector", "--scenario", "--seed", "--out", "--format", "--policy", "--history"},
      {"--quiet"});
  const auto format = o.values.find("--format");
  const auto formats = parseFormats(format == o.values.end() ? "json" : format->second);
  const std::string manifest_path = o.required("--connector");
  const scenarios::Scenario scenario =
      scenarios::loadScenario(resolveScenario(o.required("--scenario")));
  const Manifest manifest = loadManifest(manifest_path);
  // A fault the connector's API cannot express is refused before anything runs.
  pairWithConnector(scenario, manifest);
  std::optional<scenarios::PolicyFile> policy;
  if (auto it = o.values.find("--policy"); it != o.values.end())
    policy = scenarios::loadPolicyFile(it->second);
  std::string error;
  if (!resolveConnectorCommand(manifest, &error)) {
    err << manifest_path << ":/command: " << error << "\n";
    return kExitUsage;
  }
  DrillOptions options;
  options.seed = o.seed();
  if (auto it = o.values.find("--out"); it != o.values.end()) options.out_dir = it->second;
  options.connector_path = manifest_path;
  options.policy = policy ? &*policy : nullptr;
  options.progress = o.has("--quiet") ? nullptr : &out;
  // A live status line only on a terminal; CI logs get plain lines.
  options.live = &out == &std::cout && ::isatty(STDOUT_FILENO) != 0;
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  const std::string stem =
      (std::filesystem::path(options.out_dir) / reportStem(manifest, scenario, seed)).string();
  options.journal_path = stem + ".journal.jsonl";
  prepareOutDir(options.out_dir);
  prepareOutDir(std::filesystem::path(stem).parent_path().string());
  const ReportClaim claim(stem);
  std::optional<reports::Report> drilled;
  {
    const StopSignalWatcher watcher;
    try {
      drilled = runDrill(scenario, manifest, options);
    } catch (const DrillInterrupted& e) {
      return interruptedExit(e.signal_number, err);
    }
    // A stop asked for after the last connector ended still stops the run.
    if (const int signal_number = stopRequested(); signal_number != 0)
      return interruptedExit(signal_number, err);
  }
  const reports::Report& report = *drilled;
  for (const ReportFormat* f : formats)
    reports::writeFileAtomically(stem + f->extension, f->render(report));
  const bool quiet = o.has("--quiet");
  if (quiet) out << reports::summaryLine(report, stem + formats.front()->extension) << "\n";
  std::string summary = reports::renderSummary(report);
  // Colour the verdict on a terminal, unless NO_COLOR is set (no-color.org).
  const char* no_color = std::getenv("NO_COLOR");
  if (options.live && (no_color == nullptr || *no_color == '\0')) {
    const char* colour = report.verdict == reports::Verdict::Passed   ? "\033[32m"
                         : report.verdict == reports::Verdict::Failed ? "\033[31m"
                                                                      : "\033[33m";
    if (const auto end = summary.find('\n'); end != std::string::npos)
      summary = colour + summary.substr(0, end) + "\033[0m" + summary.substr(end);
  }
  if (!quiet) {
    out << summary;
    for (const ReportFormat* f : formats) out << "report: " << stem << f->extension << "\n";
    out << "journal: " << report.journal_file << "\n";
  }
  if (auto it = o.values.find("--history"); it != o.values.end()) {
    // The report has landed whatever happens to the history.
    try {
      History history(it->second);
      const bool json = std::find_if(formats.begin(), formats.end(), [](const ReportFormat* f) {
                          return std::string(f->name) == "json";
                        }) != formats.end();
      history.record(report,
                     historyContext(manifest, scenario.file, json ? stem + ".json" : "", ""));
    } catch (const std::exception& e) {
      err << "faultline run: the drill ran and its report was written, but it was not recorded: "
          << e.what() << "\n";
      return kExitUsage;
    }
    if (!quiet) out << "history: " << it->second << "\n";
  }
  return acceptedForExit(report) ? kExitPassed : kExitFailed;
}

// The three summary files of a suite run under `stem`.
// `index_html` is the page's path ("" for none): the matrix links each drill's
// HTML report when `link_html`.
void writeSuiteSummary(const reports::SuiteSummary& summary, const std::string& stem,
                       const std::string& index_html, bool link_html) {
  reports::writeFileAtomically(stem + ".json", reports::renderSuiteJson(summary));
  reports::writeFileAtomically(stem + ".md", reports::renderSuiteMarkdown(summary));
  reports::writeFileAtomically(stem + ".junit.xml", reports::renderSuiteJunit(summary));
  if (!index_html.empty())
    reports::writeFileAtomically(index_html, reports::renderSuiteHtml(summary, link_html));
}

// --jobs: 1 to 256 drills at once.
int parseJobs(const std::string& value) {
  int jobs = 0;
  const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), jobs);
  if (ec != std::errc() || p != value.data() + value.size() || jobs < 1 || jobs > 256)
    throw UsageError("--jobs must be 1..256, got \"" + value + "\"");
  return jobs;
}

// "I/N" with 1 <= I <= N.
std::pair<int, int> parseShard(const std::string& value) {
  int index = 0, count = 0;
  const auto slash = value.find('/');
  const char* end = value.data() + value.size();
  const bool ok =
      slash != std::string::npos &&
      std::from_chars(value.data(), value.data() + slash, index).ptr == value.data() + slash &&
      std::from_chars(value.data() + slash + 1, end, count).ptr == end && count >= 1 &&
      count <= 10000 && index >= 1 && index <= count;
  if (!ok) throw UsageError("--shard must be I/N with 1 <= I <= N, got \"" + value + "\"");
  return {index, count};
}

int commandSuite(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const Options o = Options::parse(args, {"--jobs", "--out", "--shard", "--format", "--history"},
                                   {"--quiet", "--certificate"});
  if (o.positional.size() != 1) throw UsageError("suite needs one suite FILE");
  const auto format = o.values.find("--format");
  const auto formats = parseFormats(format == o.values.end() ? "json" : format->second);
  std::vector<std::string> folders;
  for (const auto& f : scenarioFolders()) folders.push_back(f.string());
  const scenarios::Suite suite = scenarios::loadSuite(o.positional[0], folders);
  SuiteOptions options;
  if (auto it = o.values.find("--out"); it != o.values.end()) options.out_dir = it->second;
  if (auto it = o.values.find("--jobs"); it != o.values.end()) options.jobs = parseJobs(it->second);
  if (auto it = o.values.find("--shard"); it != o.values.end())
    std::tie(options.shard_index, options.shard_count) = parseShard(it->second);

  options.progress = o.has("--quiet") ? nullptr : &out;
  options.live = &out == &std::cout && ::isatty(STDOUT_FILENO) != 0;
  // Every drill is recorded as it ends; a history that fails stops recording, not the suite.
  std::optional<History> history;
  std::mutex history_mutex;
  std::string history_error;
  if (auto it = o.values.find("--history"); it != o.values.end()) {
    try {
      history.emplace(it->second);
    } catch (const HistoryError& e) {
      history_error = e.what();
    }
  }
  std::map<std::string, Manifest> manifests_by_name;
  for (const auto& file : suite.connectors) {
    Manifest m = loadManifest(file);
    manifests_by_name.emplace(m.name, std::move(m));
  }
  std::map<std::string, std::string> scenario_files;
  for (std::size_t i = 0; i < suite.scenario_files.size(); ++i)
    scenario_files[suite.scenario_names[i]] = suite.scenario_files[i];
  const bool json_reports = std::find_if(formats.begin(), formats.end(), [](const ReportFormat* f) {
                              return std::string(f->name) == "json";
                            }) != formats.end();
  options.write_reports = [&](const reports::Report& report, const std::string& stem) {
    for (const ReportFormat* f : formats)
      reports::writeFileAtomically(stem + f->extension, f->render(report));
    std::lock_guard lock(history_mutex);
    if (!history || !history_error.empty()) return;
    try {
      history->record(report, historyContext(manifests_by_name.at(report.connector.name),
                                             scenario_files.at(report.scenario.name),
                                             json_reports ? stem + ".json" : "", suite.name));
    } catch (const std::exception& e) {
      history_error = e.what();
    }
  };
  prepareOutDir(options.out_dir);
  // Shards of one suite may share a folder: each writes its own summary.
  const std::string summary_stem =
      (std::filesystem::path(options.out_dir) /
       (options.shard_count > 1 ? "summary-shard" + std::to_string(options.shard_index) + "of" +
                                      std::to_string(options.shard_count)
                                : std::string("summary")))
          .string();
  const ReportClaim claim(summary_stem);
  reports::SuiteSummary summary;
  {
    const StopSignalWatcher watcher;
    try {
      summary = runSuite(suite, options);
    } catch (const scenarios::ConfigError&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
  }
  const bool html = std::find_if(formats.begin(), formats.end(), [](const ReportFormat* f) {
                      return std::string(f->name) == "html";
                    }) != formats.end();
  writeSuiteSummary(summary, summary_stem,
                    options.shard_count > 1
                        ? summary_stem + ".html"
                        : (std::filesystem::path(options.out_dir) / "index.html").string(),
                    html);
  std::string certificate_path;
  if (o.has("--certificate")) {
    // A shard's certificate covers its share; merge makes the suite's.
    const std::string certificate = renderCertificate(suite, summary, options.out_dir);
    const auto dir = std::filesystem::path(options.out_dir);
    const std::string name = options.shard_count > 1
                                 ? "certificate-shard" + std::to_string(options.shard_index) +
                                       "of" + std::to_string(options.shard_count)
                                 : std::string("certificate");
    reports::writeFileAtomically((dir / (name + ".json")).string(), certificate);
    if (options.shard_count == 1)
      reports::writeFileAtomically((dir / "certificate.html").string(),
                                   renderCertificateHtml(certificate));
    certificate_path = (dir / (name + ".json")).string();
  }
  std::map<std::string, std::size_t> totals;
  for (const auto& d : summary.drills) ++totals[d.verdict];
  std::string line = "suite " + suite.name + ": " + (summary.passed() ? "passed" : "failed") +
                     ", " + reports::counted(summary.drills.size(), "drill");
  for (const auto& [verdict, n] : totals) line += ", " + std::to_string(n) + " " + verdict;
  line += " (" + std::to_string(summary.duration_ms) + " ms, " +
          reports::counted(static_cast<std::size_t>(summary.jobs), "job") + ")";
  // --quiet: the same facts on one line, for a CI log.
  if (o.has("--quiet")) {
    out << line << "; summary " << summary_stem << ".json"
        << (certificate_path.empty() ? "" : "; certificate " + certificate_path) << "\n";
  } else {
    if (!certificate_path.empty()) out << "certificate: " << certificate_path << "\n";
    out << line << "\nsummary: " << summary_stem << ".json\n";
  }
  if (!history_error.empty()) {
    err << "faultline suite: the drills ran and their reports were written, but the history "
           "was not (fully) recorded: "
        << history_error << "\n";
    return kExitUsage;
  }
  if (!summary.complete) {
    err << "faultline suite: stopped by " << summary.stopped_by
        << ": finished drills keep their reports; the summary is marked incomplete\n";
    return summary.stopped_by == "SIGINT" ? 130 : 143;
  }
  return summary.passed() ? kExitPassed : kExitFailed;
}

int commandMerge(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  namespace fs = std::filesystem;
  const Options o = Options::parse(args, {}, {});
  if (o.positional.size() < 2) throw UsageError("merge needs OUT and at least one DIR");
  const std::string out_dir = o.positional[0];
  std::vector<reports::SuiteSummary> shards;
  std::vector<std::string> shard_dirs;
  for (std::size_t i = 1; i < o.positional.size(); ++i) {
    const std::string& dir = o.positional[i];
    std::error_code ec;
    std::vector<std::string> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.rfind("summary-shard", 0) == 0 && it->path().extension() == ".json")
        files.push_back(it->path().string());
    }
    if (ec) throw UsageError("cannot read " + dir + ": " + ec.message());
    if (files.empty()) throw UsageError(dir + ": no summary-shard*.json to merge");
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      shards.push_back(readSuiteSummary(file));
      shard_dirs.push_back(dir);
    }
  }
  // Each drill's files come from the folder of the shard that ran it.
  std::map<std::size_t, std::string> source;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    for (const auto& d : shards[i].drills) source[d.index] = shard_dirs[i];
  }
  reports::SuiteSummary merged;
  try {
    merged = mergeSuiteSummaries(std::move(shards));
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("cannot merge: ") + e.what());
  }
  prepareOutDir(out_dir);
  for (const auto& d : merged.drills) {
    if (d.report.empty()) continue;
    const fs::path report(d.report);
    if (report.is_absolute() || d.report.find("..") != std::string::npos)
      throw UsageError("cannot merge: drill " + std::to_string(d.index) +
                       " names a report outside its folder: " + d.report);
    const fs::path from_dir = fs::path(source[d.index]) / report.parent_path();
    const std::string stem = report.stem().string() + ".";
    std::error_code ec;
    fs::create_directories(fs::path(out_dir) / report.parent_path(), ec);
    for (fs::directory_iterator it(from_dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().rfind(stem, 0) != 0) continue;
      fs::copy_file(it->path(), fs::path(out_dir) / report.parent_path() / it->path().filename(),
                    fs::copy_options::overwrite_existing, ec);
      if (ec) throw UsageError("cannot copy " + it->path().string() + ": " + ec.message());
    }
  }
  const std::string stem = (fs::path(out_dir) / "summary").string();
  bool html = !merged.drills.empty();
  for (const auto& d : merged.drills) {
    if (d.report.empty()) continue;
    const fs::path page = fs::path(out_dir) / fs::path(d.report).replace_extension(".html");
    html = html && fs::exists(page);
  }
  writeSuiteSummary(merged, stem, (fs::path(out_dir) / "index.html").string(), html);
  // Shards run with --certificate leave certificate-shard*.json: all or none.
  std::vector<std::string> certificates;
  for (std::size_t i = 1; i < o.positional.size(); ++i) {
    std::error_code ec;
    for (fs::directory_iterator it(o.positional[i], ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.rfind("certificate-shard", 0) == 0 && it->path().extension() == ".json")
        certificates.push_back(it->path().string());
    }
  }
  if (!certificates.empty()) {
    std::sort(certificates.begin(), certificates.end());
    std::string certificate;
    try {
      certificate = mergeCertificates(certificates, merged, out_dir);
    } catch (const std::runtime_error& e) {
      throw UsageError(std::string("cannot merge the certificates: ") + e.what());
    }
    reports::writeFileAtomically((fs::path(out_dir) / "certificate.json").string(), certificate);
    reports::writeFileAtomically((fs::path(out_dir) / "certificate.html").string(),
                                 renderCertificateHtml(certificate));
    out << "certificate: " << (fs::path(out_dir) / "certificate.json").string() << "\n";
  }
  out << "suite " << merged.suite << ": " << (merged.passed() ? "passed" : "failed") << ", "
      << reports::counted(merged.drills.size(), "drill") << " from "
      << reports::counted(o.positional.size() - 1, "folder") << "\n"
      << "summary: " << stem << ".json\n";
  return merged.passed() ? kExitPassed : kExitFailed;
}

int commandVerify(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const Options o = Options::parse(args, {"--out", "--jobs"}, {"--digests-only"});
  if (o.positional.size() != 1) throw UsageError("verify needs one CERTIFICATE");
  VerifyOptions options;
  options.digests_only = o.has("--digests-only");
  if (auto it = o.values.find("--out"); it != o.values.end()) options.out_dir = it->second;
  if (auto it = o.values.find("--jobs"); it != o.values.end()) options.jobs = parseJobs(it->second);
  const StopSignalWatcher watcher;
  return verifyCertificate(o.positional[0], options, out, err);
}

// "90d" -> the RFC 3339 time that many days before now.
std::string cutoffFor(const std::string& age) {
  int days = 0;
  const auto [p, ec] = std::from_chars(age.data(), age.data() + age.size(), days);
  if (ec != std::errc() || p != age.data() + age.size() - 1 || age.back() != 'd' || days < 0 ||
      days > 100000)
    throw UsageError("--older-than takes a number of days such as 90d, got \"" + age + "\"");
  const std::time_t cutoff = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&cutoff, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

int commandHistory(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const Options o =
      Options::parse(args, {"--connector", "--scenario", "--since", "--format", "--older-than"},
                     {"--check", "--prune"});
  if (o.positional.size() != 1) throw UsageError("history needs one database FILE");
  if (!std::filesystem::exists(o.positional[0]))
    throw UsageError(o.positional[0] + ": no history database there");
  try {
    History history(o.positional[0]);
    if (o.has("--prune")) {
      const auto age = o.values.find("--older-than");
      if (age == o.values.end()) throw UsageError("--prune needs --older-than, e.g. 90d");
      const int removed = history.prune(cutoffFor(age->second));
      out << "pruned " << reports::counted(static_cast<std::size_t>(removed), "drill")
          << " recorded before " << cutoffFor(age->second) << "\n";
      return kExitPassed;
    }
    History::Filter filter;
    if (auto it = o.values.find("--connector"); it != o.values.end()) filter.connector = it->second;
    if (auto it = o.values.find("--scenario"); it != o.values.end()) filter.scenario = it->second;
    if (auto it = o.values.find("--since"); it != o.values.end()) filter.since = it->second;
    const auto drills = history.drills(filter);
    const auto trends = historyTrends(drills);
    const auto format = o.values.find("--format");
    const std::string name = format == o.values.end() ? "text" : format->second;
    if (name == "json") {
      out << renderHistoryJson(trends);
    } else if (name == "md") {
      out << renderHistoryMarkdown(trends);
    } else if (name == "html") {
      out << renderHistoryHtml(trends);
    } else if (name == "text") {
      out << renderHistoryText(trends);
    } else {
      throw UsageError("--format must be text, json, md or html, got \"" + name + "\"");
    }
    if (!o.has("--check")) return kExitPassed;
    bool regressed = false;
    for (const auto& t : trends) regressed = regressed || !t.regressions.empty();
    if (regressed) err << "faultline history: a connector got worse than its last known good run\n";
    return regressed ? kExitFailed : kExitPassed;
  } catch (const HistoryError& e) {
    err << "faultline history: " << e.what() << "\n";
    return kExitUsage;
  }
}

int commandValidate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const Options o = Options::parse(args, {}, {});
  if (o.positional.empty()) throw UsageError("validate needs at least one file");
  int status = kExitPassed;
  for (const auto& file : o.positional) {
    try {
      const auto doc = scenarios::parseJsonDocument(scenarios::readFileOrThrow(file), file);
      if (doc.is_object() && doc.contains("faultline_manifest")) {
        const Manifest manifest = loadManifest(file);
        std::string error;
        if (!resolveConnectorCommand(manifest, &error)) {
          err << file << ":/command: " << error << "\n";
          status = kExitUsage;
          continue;
        }
        out << file << ": valid connector manifest\n";
      } else if (doc.is_object() && doc.contains("faultline_suite")) {
        std::vector<std::string> folders;
        for (const auto& f : scenarioFolders()) folders.push_back(f.string());
        const auto suite = scenarios::loadSuite(file, folders);
        // Each connector as suite would start it: a command that does not
        // resolve is the manifest's error, as run and suite report it.
        bool commands_resolve = true;
        for (const auto& connector : suite.connectors) {
          std::string error;
          if (!resolveConnectorCommand(loadManifest(connector), &error)) {
            err << connector << ":/command: " << error << "\n";
            commands_resolve = false;
          }
        }
        if (!commands_resolve) {
          status = kExitUsage;
          continue;
        }
        out << file << ": valid suite \"" << suite.name << "\" ("
            << reports::counted(suite.connectors.size(), "connector") << ", "
            << reports::counted(suite.scenario_files.size(), "scenario") << ")\n";
      } else if (doc.is_object() && doc.contains("faultline_policy")) {
        const auto policy = scenarios::loadPolicyFile(file);
        out << file << ": valid acceptance policy\n";
        for (const auto& w : scenarios::unexplainedRelaxations(policy)) err << w << "\n";
      } else {
        const auto s = scenarios::loadScenario(file);
        out << file << ": valid scenario \"" << s.name << "\" ("
            << reports::counted(s.operations.size(), "operation") << ")\n";
        for (const auto& w : scenarios::unexplainedRelaxations(s.acceptance, file, "/acceptance"))
          err << w << "\n";
      }
    } catch (const scenarios::ConfigError& e) {
      err << e.what() << "\n";
      status = kExitUsage;
    }
  }
  return status;
}

int commandListScenarios(const std::vector<std::string>& args, std::ostream& out,
                         std::ostream& err) {
  namespace fs = std::filesystem;
  const Options o = Options::parse(args, {}, {});
  if (o.positional.size() > 1) throw UsageError("list-scenarios takes at most one folder");
  const auto folders =
      o.positional.empty() ? scenarioFolders() : std::vector<fs::path>{o.positional[0]};
  std::error_code ec;
  if (std::none_of(folders.begin(), folders.end(),
                   [&](const fs::path& f) { return fs::is_directory(f, ec); })) {
    throw UsageError("no scenarios folder at " + folderList(folders));
  }
  std::vector<std::string> broken;
  for (const auto& n : scenariosIn(folders, &broken)) {
    const auto s = scenarios::loadScenario(n.file);
    const std::string summary =
        reports::cutWithEllipsis(s.description.substr(0, s.description.find(". ") + 1), 110);
    out << s.name << std::string(s.name.size() < 16 ? 16 - s.name.size() : 1, ' ')
        << reports::counted(s.faults.size(), "fault") << "  " << summary << "\n";
  }
  for (const auto& e : broken) err << e << "\n";
  return broken.empty() ? kExitPassed : kExitUsage;
}

// Reports to compare: a file, or every *.json report under a folder by its
// path there (<connector>/<scenario>-seed<N>.json as run and suite write
// them), leaving out the suite's own summary and certificate files.
std::map<std::string, std::string> reportFiles(const std::string& path) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> out;
  if (!fs::is_directory(path)) {
    out[fs::path(path).filename().string()] = path;
    return out;
  }
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file() || it->path().extension() != ".json" || name[0] == '.') continue;
    const std::string relative = it->path().lexically_relative(path).generic_string();
    if (it.depth() == 0 && (name.rfind("summary", 0) == 0 || name.rfind("certificate", 0) == 0))
      continue;
    out[relative] = it->path().string();
  }
  if (ec) throw UsageError("cannot read " + path + ": " + ec.message());
  return out;
}

// Pairs of (BASE name, HEAD name), "" for no counterpart. Files pair as
// given; in folders a report pairs with the one at the same path, else with
// the one file of the same name (<scenario>-seed<N>.json) left on each side,
// so two connectors' folders, or a folder written before reports had a
// connector folder, still pair.
std::vector<std::pair<std::string, std::string>> pairReports(
    const std::map<std::string, std::string>& base, const std::map<std::string, std::string>& head,
    bool folders) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!folders) return {{base.begin()->first, head.begin()->first}};
  std::set<std::string> head_left;
  for (const auto& entry : head) head_left.insert(entry.first);
  std::vector<std::string> base_left;
  for (const auto& [name, file] : base) {
    if (head_left.erase(name) != 0) {
      pairs.emplace_back(name, name);
    } else {
      base_left.push_back(name);
    }
  }
  auto fileName = [](const std::string& name) { return fs::path(name).filename().string(); };
  auto count = [&](const auto& names, const std::string& file) {
    return std::count_if(names.begin(), names.end(),
                         [&](const std::string& n) { return fileName(n) == file; });
  };
  for (const auto& name : base_left) {
    const std::string file = fileName(name);
    const auto match = std::find_if(head_left.begin(), head_left.end(),
                                    [&](const std::string& n) { return fileName(n) == file; });
    if (match != head_left.end() && count(base_left, file) == 1 && count(head_left, file) == 1) {
      pairs.emplace_back(name, *match);
      head_left.erase(match);
    } else {
      pairs.emplace_back(name, "");
    }
  }
  for (const auto& name : head_left) pairs.emplace_back("", name);
  return pairs;
}

int commandCompare(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  const Options o = Options::parse(args, {"--tolerance", "--format"}, {});
  if (o.positional.size() != 2) throw UsageError("compare needs BASE and HEAD");
  reports::CompareOptions options;
  if (auto it = o.values.find("--tolerance"); it != o.values.end()) {
    char* end = nullptr;
    options.tolerance = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0' || options.tolerance < 0 || options.tolerance > 1)
      throw UsageError("--tolerance must be a number in [0,1], got \"" + it->second + "\"");
  }
  const auto format_option = o.values.find("--format");
  const std::string format = format_option == o.values.end() ? "text" : format_option->second;
  if (format != "text" && format != "md" && format != "json")
    throw UsageError("--format must be text, md or json, got \"" + format + "\"");
  const bool folders = std::filesystem::is_directory(o.positional[0]);
  if (folders != std::filesystem::is_directory(o.positional[1]))
    throw UsageError("compare two files or two folders, not one of each");
  auto base = reportFiles(o.positional[0]);
  const auto head = reportFiles(o.positional[1]);
  reports::Comparison total;
  // A bad report is a bad input file, not a misused command: its errors print
  // as file:/pointer: message, without pointing at --help.
  auto load = [](const std::string& file) {
    return scenarios::parseJsonDocument(scenarios::readFileOrThrow(file), file);
  };
  for (const auto& [base_name, head_name] : pairReports(base, head, folders)) {
    if (head_name.empty()) {
      total.missing_from_head.push_back(base_name);
    } else if (base_name.empty()) {
      total.only_in_head.push_back(head_name);
    } else {
      const std::string& base_file = base.at(base_name);
      const std::string& head_file = head.at(head_name);
      reports::Comparison c =
          reports::compareReports(load(base_file), load(head_file), options, base_file, head_file);
      for (auto& change : c.changes) total.changes.push_back(std::move(change));
      for (auto& u : c.unmatched) total.unmatched.push_back(std::move(u));
    }
  }
  out << (format == "json" ? reports::renderComparisonJson(total)
          : format == "md" ? reports::renderComparisonMarkdown(total)
                           : reports::renderComparison(total));
  return total.regressed() ? kExitFailed : kExitPassed;
}

}  // namespace

int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  using Command = std::function<int(const std::vector<std::string>&, std::ostream&, std::ostream&)>;
  static const std::map<std::string, Command> kCommands = {
      {"run", commandRun},
      {"compare", commandCompare},
      {"validate", commandValidate},
      {"mock", [](const std::vector<std::string>& a, std::ostream& o,
                  std::ostream& e) { return commandMock(a, o, e, resolveScenario); }},
      {"suite", commandSuite},
      {"merge", commandMerge},
      {"verify", commandVerify},
      {"history", commandHistory},
      {"list-scenarios", commandListScenarios}};
  if (args.empty() || args[0] == "--help" || args[0] == "-h" ||
      (args[0] == "help" && args.size() == 1)) {
    out << kHelp;
    return args.empty() ? kExitUsage : kExitPassed;
  }
  if (args[0] == "help") {
    if (args.size() > 2) {
      err << "faultline help: takes one COMMAND; see faultline --help\n";
      return kExitUsage;
    }
    if (kCommands.count(args[1]) == 0) {
      err << "faultline help: unknown command \"" << args[1] << "\"; see faultline --help\n";
      return kExitUsage;
    }
    out << (args[1] == "mock" ? mockHelp() : commandHelp(args[1]));
    return kExitPassed;
  }
  if (args[0] == "--version") {
    out << "faultline " << FAULTLINE_VERSION
        << " (connector protocol 1, scenario format 1, report format 1)\n";
    return kExitPassed;
  }
  const auto command = kCommands.find(args[0]);
  if (command == kCommands.end()) {
    err << "faultline: unknown command \"" << args[0] << "\"; see faultline --help\n";
    return kExitUsage;
  }
  if (std::find_if(args.begin() + 1, args.end(),
                   [](const std::string& a) { return a == "--help" || a == "-h"; }) != args.end()) {
    out << (args[0] == "mock" ? mockHelp() : commandHelp(args[0]));
    return kExitPassed;
  }
  try {
    return command->second({args.begin() + 1, args.end()}, out, err);
  } catch (const UsageError& e) {
    err << "faultline " << args[0] << ": " << e.what() << "; see faultline --help\n";
    return kExitUsage;
  } catch (const scenarios::ConfigError& e) {
    err << e.what() << "\n";
    return kExitUsage;
  } catch (const std::runtime_error& e) {
    err << "faultline " << args[0] << ": " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace faultline::harness
