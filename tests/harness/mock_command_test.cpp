// faultline mock as a developer runs it: --fault parsing and the lines it
// prints in-process, then the real binary started, driven over HTTP and
// stopped with SIGTERM, waiting on what it prints rather than on time.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cli.h"
#include "harness/mock_command.h"
#include "scenarios/dialects.h"
#include "tests/harness/cli_run.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::cli;
using testing::CliRun;

const scenarios::DialectTraits& scim() {
  return *scenarios::findDialect("scim");
}

std::string flagError(const std::string& spec, const std::set<std::string>& taken = {}) {
  try {
    parseFaultFlag(spec, scim(), taken);
  } catch (const MockUsageError& e) {
    return e.what();
  }
  return "(accepted)";
}

// ---- --fault ----

TEST(FaultFlagTest, ParsesValuesByTheKindsParameterTypes) {
  const FaultFlag f = parseFaultFlag(
      "rate_limit:retry_after_seconds=2,retry_after_format=http-date,max_fires=3", scim(), {});
  EXPECT_EQ(f.rule, json::parse(R"({"id": "rate_limit", "kind": "rate_limit",
    "retry_after_seconds": 2, "retry_after_format": "http-date", "max_fires": 3})"));
  EXPECT_EQ(f.parsed.retry_after_seconds, 2);
  EXPECT_TRUE(f.parsed.retry_after_http_date);
  EXPECT_EQ(f.parsed.max_fires, 3);
  EXPECT_EQ(f.parsed.status, 429);
}

TEST(FaultFlagTest, ParsesMatchNamesBooleansAndJson) {
  const FaultFlag f = parseFaultFlag(
      "add_attribute:to=region,value=7,announce=true,id=drift,resource=Users,methods=GET|PUT,"
      "page=2-3,probability=0.5",
      scim(), {});
  EXPECT_EQ(f.rule, json::parse(R"({"id": "drift", "kind": "add_attribute", "to": "region",
    "value": 7, "announce": true, "match": {"resource": "Users", "methods": ["GET", "PUT"],
    "page": {"from": 2, "to": 3}, "probability": 0.5}})"));
  EXPECT_EQ(f.parsed.value_json, "7");
  EXPECT_TRUE(f.parsed.announce);
  EXPECT_EQ(f.parsed.match.page->to, 3);
  EXPECT_EQ(parseFaultFlag("add_attribute:to=x,value=abc", scim(), {}).parsed.value_json,
            "\"abc\"");
}

TEST(FaultFlagTest, NamesARuleAfterItsKindWithoutClashing) {
  EXPECT_EQ(parseFaultFlag("empty_page", scim(), {}).parsed.id, "empty_page");
  EXPECT_EQ(parseFaultFlag("empty_page", scim(), {"empty_page", "empty_page-2"}).parsed.id,
            "empty_page-3");
}

TEST(FaultFlagTest, BadValuesNameTheFlagAndTheParameter) {
  EXPECT_EQ(flagError("rate_limit:retry_after_seconds=soon"),
            "--fault rate_limit:retry_after_seconds=soon: retry_after_seconds must be an "
            "integer, got \"soon\"");
  EXPECT_EQ(flagError("rate_limit:status=418"),
            "--fault rate_limit:status=418: status: must be one of 429, 503, got 418");
  EXPECT_EQ(flagError("rate_limit:retry_after_s=2,every=3"),
            "--fault rate_limit:retry_after_s=2,every=3: unknown parameter \"retry_after_s\" for "
            "rate_limit; allowed: status, retry_after_seconds, retry_after_format, attempt, id, "
            "max_fires, methods, min_fires, ordinal, page, probability, resource");
  EXPECT_EQ(flagError("total_results_lie"),
            "--fault total_results_lie: total_results: is required");
  EXPECT_EQ(flagError("lost_scope:mode=gone"),
            "--fault lost_scope:mode=gone: mode: must be \"forbidden\" or \"empty\", got \"gone\"");
  EXPECT_EQ(flagError("server_error:probability=2"),
            "--fault server_error:probability=2: probability: must be in [0,1], got 2.0");
  EXPECT_EQ(flagError("short_page:page=3-1"),
            "--fault short_page:page=3-1: page: must be >= from (3), got 1");
  EXPECT_EQ(flagError("server_error:status"),
            "--fault server_error:status: \"status\" is not NAME=VALUE");
  EXPECT_EQ(flagError("server_error:id=a", {"a"}),
            "--fault server_error:id=a: id: duplicate rule id \"a\"");
  EXPECT_EQ(flagError("slow_body:delay_ms=1,delay_ms=2"),
            "--fault slow_body:delay_ms=1,delay_ms=2: delay_ms given twice");
}

TEST(FaultFlagTest, UnknownKindSuggestsTheNearestOne) {
  const std::string error = flagError("rate_limt");
  EXPECT_EQ(error.rfind("--fault rate_limt: unknown fault kind \"rate_limt\" (did you mean "
                        "\"rate_limit\"?); known: add_attribute, ",
                        0),
            0u)
      << error;
}

TEST(MockCommandTest, RefusesABadFaultBeforeServing) {
  const CliRun r = cli({"mock", "--fault", "rate_limit:status=418"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.err,
            "faultline mock: --fault rate_limit:status=418: status: must be one of 429, 503, got "
            "418; see faultline mock --help\n");
  EXPECT_EQ(r.out, "");
}

TEST(MockCommandTest, NeedsAScenarioOrAFault) {
  const CliRun r = cli({"mock", "--port", "0"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("--scenario is required, unless --fault is given"), std::string::npos)
      << r.err;
  EXPECT_EQ(cli({"mock", "--scenario", "baseline", "--port", "x"}).code, kExitUsage);
  EXPECT_EQ(cli({"mock", "--scenario"}).err,
            "faultline mock: --scenario needs a value; see faultline mock --help\n");
}

TEST(MockCommandTest, HelpTellsTheMocksOwnOptions) {
  const CliRun r = cli({"mock", "--help"});
  EXPECT_EQ(r.code, kExitPassed);
  for (const std::string option : {"--fault", "--journal", "--log", "--quiet", "/__faultline/"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
}

// ---- what it prints ----

TEST(MockOutputTest, ARequestLineHasSeqMethodTargetStatusDurationAndFaults) {
  mocks::JournalEntry e;
  e.seq = 7;
  e.method = "GET";
  e.path = "/scim/v2/Users";
  e.query = "count=2";
  e.status = 429;
  e.duration_us = 1234;
  e.faults = {{"users-429", "rate_limit", "429", {}}, {"slow", "latency", "held 5 ms", {}}};
  EXPECT_EQ(formatServedRequest(e),
            "#7 GET /scim/v2/Users?count=2 -> 429 (1.23 ms) users-429 (rate_limit): 429; slow "
            "(latency): held 5 ms");
  e.faults.clear();
  e.query.clear();
  e.path = "/a\nb";
  e.retry_after_early_ms = 300;
  EXPECT_EQ(formatServedRequest(e),
            "#7 GET /a b -> 429 (1.23 ms) retry-after violation: 300 ms early");
}

TEST(MockOutputTest, SummaryCountsFiringsAndEffectsPerRule) {
  mocks::FaultRuleState fired, off, never;
  fired.rule.id = "slow";
  fired.rule.kind = scenarios::FaultKind::Latency;
  fired.fires = 5;
  off.rule.id = "groups-503";
  off.rule.kind = scenarios::FaultKind::ServerError;
  off.enabled = false;
  off.fires = 1;
  never.rule.id = "never";
  never.rule.kind = scenarios::FaultKind::EmptyPage;
  EffectTally tally;
  for (const char* effect : {"held 1 ms", "held 2 ms", "held 2 ms", "held 3 ms", "held 4 ms"}) {
    mocks::JournalEntry e;
    e.faults = {{"slow", "latency", effect, {}}};
    tallyEffects(e, tally);
  }
  tally["groups-503"]["503"] = 1;
  EXPECT_EQ(formatFaultSummary({fired, off, never}, tally),
            "fault summary: 3 rules, 6 firings\n"
            "  slow (latency): 5 firings; held 2 ms x2, held 1 ms x1, held 3 ms x1, and 1 other "
            "effect\n"
            "  groups-503 (server_error), disabled: 1 firing; 503 x1\n"
            "  never (empty_page): never fired\n");
}

// ---- the real binary ----

// `faultline mock ...` as a child process whose stdout the test reads line
// by line. Every wait has a deadline that fails the test; none is a sleep.
class MockProcess {
 public:
  explicit MockProcess(const std::vector<std::string>& args) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<std::string> argv = {std::string(FAULTLINE_BINARY_DIR) + "/faultline", "mock"};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> raw;
      for (auto& a : argv) raw.push_back(a.data());
      raw.push_back(nullptr);
      ::execv(raw[0], raw.data());
      ::_exit(127);
    }
    ::close(out[1]);
    fd_ = out[0];
  }
  ~MockProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(fd_);
  }

  // The next line, or nullopt at end of output or after 30 s.
  std::optional<std::string> line() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        seen_ += l + "\n";
        return l;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
      char buf[4096];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
  }
  // Reads until a line starts with `prefix`; returns it, or "" (and fails).
  std::string waitFor(const std::string& prefix) {
    while (auto l = line()) {
      if (l->rfind(prefix, 0) == 0) return *l;
    }
    ADD_FAILURE() << "no line starting \"" << prefix << "\"; got:\n" << seen_;
    return "";
  }
  // The rest of the output after SIGTERM, and the exit status.
  std::string stop(int* status) {
    ::kill(pid_, SIGTERM);
    std::string rest;
    while (auto l = line()) rest += *l + "\n";
    ::waitpid(pid_, status, 0);
    reaped_ = true;
    return rest;
  }
  const std::string& seen() const { return seen_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  bool reaped_ = false;
  std::string buffer_;
  std::string seen_;
};

// The value of a banner line such as "  client_id      faultline-1a2b": its last word.
std::string field(const std::string& banner_line) {
  std::istringstream in(banner_line);
  std::string word, last;
  while (in >> word) last = word;
  return last;
}

struct Banner {
  std::string origin, token_path, client_id, client_secret, admin_token, journal;
};

Banner readBanner(MockProcess& mock) {
  Banner b;
  mock.waitFor("  API base URL");
  const std::regex url(R"((http://127\.0\.0\.1:[0-9]+)(/\S*))");
  std::smatch m;
  const std::string token_line = mock.waitFor("  token URL");
  if (std::regex_search(token_line, m, url)) {
    b.origin = m[1];
    b.token_path = m[2];
  }
  b.client_id = field(mock.waitFor("  client_id"));
  b.client_secret = field(mock.waitFor("  client_secret"));
  mock.waitFor("  admin URL");
  b.admin_token = field(mock.waitFor("  admin token"));
  b.journal = field(mock.waitFor("  journal"));
  mock.waitFor("Ctrl-C to stop.");
  return b;
}

std::string accessToken(const Banner& b) {
  httplib::Client c(b.origin);
  c.set_basic_auth(b.client_id, b.client_secret);
  const auto r =
      c.Post(b.token_path, "grant_type=client_credentials", "application/x-www-form-urlencoded");
  if (!r || r->status != 200) return "";
  return json::parse(r->body).value("access_token", "");
}

int get(const Banner& b, const std::string& path, const std::string& token) {
  httplib::Client c(b.origin);
  const auto r = c.Get(path, {{"Authorization", "Bearer " + token}});
  return r ? r->status : 0;
}

std::vector<json> journalLines(const std::string& file) {
  std::ifstream in(file);
  std::vector<json> out;
  for (std::string l; std::getline(in, l);) out.push_back(json::parse(l));
  return out;
}

TEST(MockBinaryTest, PrintsEachRequestThenWritesTheJournalAndASummaryOnSigterm) {
  const std::string dir = testing::freshDir("mock_binary_lines");
  const std::string journal = dir + "/j.jsonl";
  MockProcess mock({"--fault", "server_error:status=502,resource=Groups", "--journal", journal});
  const Banner b = readBanner(mock);
  EXPECT_EQ(b.journal, journal);
  const std::string token = accessToken(b);
  ASSERT_FALSE(token.empty()) << mock.seen();
  const std::string first = mock.waitFor("#1 ");
  EXPECT_TRUE(std::regex_match(
      first, std::regex("#1 POST " + b.token_path + R"( -> 200 \([0-9]+\.[0-9]{2} ms\))")))
      << first;
  EXPECT_EQ(get(b, "/scim/v2/Groups?count=1", token), 502);
  const std::string faulted = mock.waitFor("#2 ");
  EXPECT_TRUE(std::regex_match(
      faulted,
      std::regex(
          R"(#2 GET /scim/v2/Groups\?count=1 -> 502 \([0-9]+\.[0-9]{2} ms\) server_error \(server_error\): 502)")))
      << faulted;
  EXPECT_EQ(get(b, "/scim/v2/Users?count=1", token), 200);
  EXPECT_TRUE(std::regex_match(mock.waitFor("#3 "),
                               std::regex(R"(#3 GET /scim/v2/Users\?count=1 -> 200 \(.* ms\))")));
  int status = 0;
  const std::string rest = mock.stop(&status);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_NE(rest.find("faultline mock: stopped by SIGTERM after 3 requests; journal " + journal +
                      " (3 entries)\n"),
            std::string::npos)
      << rest;
  EXPECT_NE(rest.find("fault summary: 1 rule, 1 firing\n"
                      "  server_error (server_error): 1 firing; 502 x1\n"),
            std::string::npos)
      << rest;
  const auto lines = journalLines(journal);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1]["seq"], 2);
  EXPECT_EQ(lines[1]["status"], 502);
  EXPECT_EQ(lines[1]["faults"][0]["rule"], "server_error");
  EXPECT_EQ(lines[2]["journal_format"], 2);
}

TEST(MockBinaryTest, LogSendsRequestLinesToAFileAndQuietPrintsNone) {
  const std::string dir = testing::freshDir("mock_binary_log");
  {
    MockProcess mock(
        {"--scenario", "baseline", "--journal", dir + "/a.jsonl", "--log", dir + "/requests.log"});
    const Banner b = readBanner(mock);
    EXPECT_FALSE(accessToken(b).empty());
    int status = 0;
    const std::string rest = mock.stop(&status);
    EXPECT_EQ(rest.find("#1 "), std::string::npos) << rest;
    std::ifstream log(dir + "/requests.log");
    std::string line;
    ASSERT_TRUE(std::getline(log, line));
    EXPECT_EQ(line.rfind("#1 POST " + b.token_path + " -> 200 (", 0), 0u) << line;
  }
  MockProcess quiet({"--scenario", "baseline", "--journal", dir + "/b.jsonl", "--quiet"});
  const Banner b = readBanner(quiet);
  EXPECT_FALSE(accessToken(b).empty());
  int status = 0;
  const std::string rest = quiet.stop(&status);
  EXPECT_EQ(rest.rfind("faultline mock: stopped by SIGTERM after 1 requests", 0), 0u) << rest;
  EXPECT_EQ(journalLines(dir + "/b.jsonl").size(), 1u);
}

TEST(MockBinaryTest, AdminChangesShowInTheLogAndTokensStaySeparate) {
  const std::string dir = testing::freshDir("mock_binary_admin");
  MockProcess mock({"--scenario", "rate-limits", "--journal", dir + "/j.jsonl"});
  const Banner b = readBanner(mock);
  const std::string token = accessToken(b);
  mock.waitFor("#1 ");
  EXPECT_EQ(get(b, "/__faultline/rules", token), 401);
  EXPECT_EQ(get(b, "/scim/v2/Users", b.admin_token), 401);
  mock.waitFor("#2 ");
  httplib::Client c(b.origin);
  const auto off = c.Post("/__faultline/rules/groups-503-date/disable",
                          {{"Authorization", "Bearer " + b.admin_token}}, "", "application/json");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, 200);
  EXPECT_EQ(mock.waitFor("-- admin: "), "-- admin: rule groups-503-date disabled");
  EXPECT_EQ(get(b, "/scim/v2/Groups", token), 200);
  int status = 0;
  const std::string rest = mock.stop(&status);
  EXPECT_NE(rest.find("  groups-503-date (rate_limit), disabled: never fired\n"), std::string::npos)
      << rest;
}

}  // namespace
}  // namespace faultline::harness
