#include "harness/process_runner.h"
#include "harness/process_tree.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;
using std::chrono_literals::operator""ms;

constexpr auto kShortTimeout = 300ms;
constexpr auto kShortGrace = 200ms;
constexpr auto kGenerousTimeout = 20000ms;  // only reached if the runner is broken

// A /bin/sh -c script with a minimal environment; the timeout is generous unless a test
// is about timeouts.
ProcessSpec shell(const std::string& script) {
  ProcessSpec spec;
  spec.executable = "/bin/sh";
  spec.args = {"-c", script};
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  spec.timeout = kGenerousTimeout;
  return spec;
}

pid_t firstLineAsPid(const std::string& text) {
  const std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? 0 : static_cast<pid_t>(std::stol(line));
}

// Dead and reaped: a zombie would still answer kill(pid, 0).
bool isGone(pid_t pid) {
  errno = 0;
  return ::kill(pid, 0) == -1 && errno == ESRCH;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "process_runner_test.XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

  fs::path writeFile(const std::string& name, const std::string& text, fs::perms perms) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    fs::permissions(file, perms);
    return file;
  }

 private:
  fs::path path_;
};

constexpr auto kExecutable = fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read;
constexpr auto kReadOnly = fs::perms::owner_read | fs::perms::owner_write;

// Sets an environment variable of the test process for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ProcessRunnerTest, ExitCodeIsCaptured) {
  const ProcessResult result = runProcess(shell("exit 7"));
  ASSERT_TRUE(result.started) << result.start_error;
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_FALSE(result.term_signal);
  EXPECT_FALSE(result.timed_out);
  EXPECT_FALSE(result.needed_kill);
  EXPECT_FALSE(result.left_processes);
  EXPECT_FALSE(result.pipes_held_open);
}

TEST(ProcessRunnerTest, SignalIsCapturedAndNotMistakenForExitCode) {
  const ProcessResult killed = runProcess(shell("kill -KILL $$"));
  ASSERT_TRUE(killed.started) << killed.start_error;
  EXPECT_EQ(killed.term_signal, SIGKILL);
  EXPECT_FALSE(killed.exit_code);

  const ProcessResult exited = runProcess(shell("exit 9"));  // same number as SIGKILL
  EXPECT_EQ(exited.exit_code, 9);
  EXPECT_FALSE(exited.term_signal);
}

TEST(ProcessRunnerTest, StdoutAndStderrAreCapturedSeparately) {
  const ProcessResult result = runProcess(shell("printf out; printf err >&2; printf more"));
  EXPECT_EQ(result.stdout_data, "outmore");
  EXPECT_EQ(result.stderr_data, "err");
  EXPECT_EQ(result.stdout_bytes, 7u);
  EXPECT_EQ(result.stderr_bytes, 3u);
  EXPECT_FALSE(result.stdout_truncated);
  EXPECT_FALSE(result.stderr_truncated);
}

// ---- stdout line times ------------------------------------------------------

TEST(ProcessRunnerTest, EachStdoutLineIsTimedWhenItArrives) {
  // "b" cannot be printed before 300 ms have passed; "c" has no newline.
  const ProcessResult result = runProcess(shell("echo a; sleep 0.3; echo b; printf c"));
  EXPECT_EQ(result.stdout_data, "a\nb\nc");
  ASSERT_EQ(result.stdout_line_ms.size(), 3u);
  EXPECT_GE(result.stdout_line_ms[1], 300);
  EXPECT_LE(result.stdout_line_ms[0], result.stdout_line_ms[1]);
  EXPECT_LE(result.stdout_line_ms[1], result.stdout_line_ms[2]);
  EXPECT_LE(result.stdout_line_ms[2], result.duration.count());
}

TEST(ProcessRunnerTest, ALineSplitAcrossWritesIsTimedByItsEnd) {
  const ProcessResult result = runProcess(shell("printf ab; sleep 0.2; printf 'c\\n'"));
  EXPECT_EQ(result.stdout_data, "abc\n");
  ASSERT_EQ(result.stdout_line_ms.size(), 1u);
  EXPECT_GE(result.stdout_line_ms[0], 200);
}

TEST(ProcessRunnerTest, StderrLinesAndEmptyStdoutAreNotTimed) {
  const ProcessResult result = runProcess(shell("echo one >&2; echo two >&2"));
  EXPECT_EQ(result.stdout_data, "");
  EXPECT_TRUE(result.stdout_line_ms.empty());
}

TEST(ProcessRunnerTest, OnlyLinesKeptWithinTheCapAreTimed) {
  ProcessSpec spec = shell("printf 'aa\\nbb\\ncc\\n'");
  spec.stdout_cap = 4;  // keeps "aa\nb": the cut "b" is not a line
  const ProcessResult result = runProcess(spec);
  EXPECT_TRUE(result.stdout_truncated);
  EXPECT_EQ(result.stdout_data, "aa\nb");
  EXPECT_EQ(result.stdout_line_ms.size(), 1u);
}

TEST(ProcessRunnerTest, LineTimesStopAtTheirOwnCap) {
  ProcessSpec spec = shell("for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; done");
  spec.stdout_line_times_cap = 3;
  const ProcessResult result = runProcess(spec);
  EXPECT_EQ(result.stdout_data.size(), 21u);  // every line is still kept
  EXPECT_EQ(result.stdout_line_ms.size(), 3u);
}

TEST(ProcessRunnerTest, StdinIsDeliveredThenClosed) {
  ProcessSpec spec = shell("cat");  // ends only if stdin reaches EOF
  spec.stdin_data = "line one\nline two\n";
  const ProcessResult result = runProcess(spec);
  EXPECT_EQ(result.stdout_data, spec.stdin_data);
  EXPECT_EQ(result.stdin_bytes, spec.stdin_data.size());
  EXPECT_FALSE(result.stdin_closed_early);
  EXPECT_FALSE(result.timed_out);
}

TEST(ProcessRunnerTest, LargeStdinAndStdoutFlowAtTheSameTime) {
  ProcessSpec spec = shell("cat");
  spec.stdin_data.assign(8u << 20, 'x');  // far beyond both pipe buffers
  const ProcessResult result = runProcess(spec);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.stdout_bytes, spec.stdin_data.size());
  EXPECT_EQ(result.stdout_data, spec.stdin_data);
}

TEST(ProcessRunnerTest, ChildThatClosesStdinEarlyIsNotAnError) {
  ProcessSpec spec = shell("exec 0<&-; echo done");
  spec.stdin_data.assign(4u << 20, 'x');  // cannot fit in the pipe, so the write must fail
  const ProcessResult result = runProcess(spec);
  EXPECT_TRUE(result.started);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_data, "done\n");
  EXPECT_TRUE(result.stdin_closed_early);
  EXPECT_LT(result.stdin_bytes, spec.stdin_data.size());
}

TEST(ProcessRunnerTest, EnvironmentIsExactlyTheSpec) {
  ProcessSpec spec;
  spec.executable = "/usr/bin/env";
  spec.env = {{"A", "1"}};
  const ProcessResult result = runProcess(spec);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_data, "A=1\n");
}

TEST(ProcessRunnerTest, HarnessEnvironmentIsNotInherited) {
  ScopedEnv leak("FAULTLINE_RUNNER_TEST_LEAK", "visible");
  ProcessSpec spec;
  spec.executable = "/usr/bin/env";
  const ProcessResult result = runProcess(spec);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_data, "");
}

TEST(ProcessRunnerTest, WorkingDirectoryIsApplied) {
  TempDir dir;
  ProcessSpec spec;
  spec.executable = "/bin/pwd";
  spec.working_dir = dir.path().string();
  const ProcessResult result = runProcess(spec);
  EXPECT_EQ(result.stdout_data, fs::canonical(dir.path()).string() + "\n");
}

TEST(ProcessRunnerTest, MissingExecutableIsAStartError) {
  ProcessSpec spec;
  spec.executable = "/nonexistent/connector";
  const ProcessResult result = runProcess(spec);
  EXPECT_FALSE(result.started);
  EXPECT_EQ(result.start_error, "cannot start '/nonexistent/connector': not found");
}

TEST(ProcessRunnerTest, NonExecutableFileIsAStartError) {
  TempDir dir;
  const fs::path file = dir.writeFile("connector", "#!/bin/sh\n", kReadOnly);
  ProcessSpec spec;
  spec.executable = file.string();
  const ProcessResult result = runProcess(spec);
  EXPECT_FALSE(result.started);
  EXPECT_EQ(result.start_error, "cannot start '" + file.string() + "': not executable");
}

TEST(ProcessRunnerTest, FailedExecIsAStartErrorAndLeavesNoZombie) {
  TempDir dir;
  // Executable but without a #! line: execve itself fails with ENOEXEC after the fork.
  const fs::path file = dir.writeFile("connector", "echo hi\n", kExecutable);
  ProcessSpec spec;
  spec.executable = file.string();
  const ProcessResult result = runProcess(spec);
  EXPECT_FALSE(result.started);
  EXPECT_EQ(result.start_error, "cannot start '" + file.string() + "': Exec format error");
  EXPECT_LE(::waitpid(-1, nullptr, WNOHANG), 0);  // the forked child was already reaped
}

TEST(ProcessRunnerTest, RelativeExecutableIsAStartError) {
  ProcessSpec spec;
  spec.executable = "bin/connector";
  const ProcessResult result = runProcess(spec);
  EXPECT_FALSE(result.started);
  EXPECT_EQ(result.start_error, "cannot start 'bin/connector': executable path is not absolute");
}

TEST(ProcessRunnerTest, MissingWorkingDirectoryIsAStartError) {
  ProcessSpec spec = shell("true");
  spec.working_dir = "/nonexistent/dir";
  const ProcessResult result = runProcess(spec);
  EXPECT_FALSE(result.started);
  EXPECT_EQ(result.start_error,
            "cannot start '/bin/sh': working directory '/nonexistent/dir' not found");
}

TEST(ProcessRunnerTest, InvalidEnvironmentNameIsAStartError) {
  ProcessSpec spec = shell("true");
  spec.env["A=B"] = "1";
  const ProcessResult result = runProcess(spec);
  EXPECT_FALSE(result.started);
  EXPECT_EQ(result.start_error, "cannot start '/bin/sh': invalid environment variable name 'A=B'");
}

TEST(ProcessRunnerTest, TimeoutKillsWholeProcessTree) {
  ProcessSpec spec = shell("sleep 1000 & echo $!; sleep 1000");
  spec.timeout = kShortTimeout;
  spec.kill_grace = kShortGrace;
  const ProcessResult result = runProcess(spec);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.needed_kill);
  EXPECT_EQ(result.term_signal, SIGTERM);
  const pid_t grandchild = firstLineAsPid(result.stdout_data);
  ASSERT_GT(grandchild, 0) << result.stdout_data;
  EXPECT_TRUE(isGone(grandchild));
}

TEST(ProcessRunnerTest, ChildIgnoringSigtermGetsSigkill) {
  // The ignored disposition is inherited by the background sleep as well.
  ProcessSpec spec = shell("trap '' TERM; sleep 1000 & echo $!; wait");
  spec.timeout = kShortTimeout;
  spec.kill_grace = kShortGrace;
  const ProcessResult result = runProcess(spec);
  EXPECT_TRUE(result.timed_out);
  EXPECT_TRUE(result.needed_kill);
  EXPECT_EQ(result.term_signal, SIGKILL);
  const pid_t grandchild = firstLineAsPid(result.stdout_data);
  ASSERT_GT(grandchild, 0) << result.stdout_data;
  EXPECT_TRUE(isGone(grandchild));
}

TEST(ProcessRunnerTest, LeftoverGroupMembersAreReportedAndKilled) {
  // The sleeper also holds stdout; the run ends only because it is killed.
  const ProcessResult result = runProcess(shell("sleep 1000 & echo $!; exit 0"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.left_processes);
  EXPECT_FALSE(result.timed_out);
  EXPECT_FALSE(result.pipes_held_open);
  const pid_t sleeper = firstLineAsPid(result.stdout_data);
  ASSERT_GT(sleeper, 0) << result.stdout_data;
  EXPECT_TRUE(isGone(sleeper));
}

TEST(ProcessRunnerTest, EscapedPipeHolderIsKilledWhenTheMainProcessExits) {
  // The escapee leaves the group with setsid and keeps stdout; the fifo makes the main
  // process wait until it has escaped, so the runner's group kill cannot catch it.
  TempDir dir;
  ProcessSpec spec = shell(
      "mkfifo \"$FIFO\"; setsid sh -c 'echo $$; echo out > \"$FIFO\"; exec sleep 1000' & "
      "read line < \"$FIFO\"; exit 0");
  spec.env["FIFO"] = (dir.path() / "escaped").string();
  const ProcessResult result = runProcess(spec);
  const pid_t escapee = firstLineAsPid(result.stdout_data);
  ASSERT_GT(escapee, 0) << result.stdout_data << result.stderr_data;
  EXPECT_TRUE(isGone(escapee));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_FALSE(result.timed_out) << "the pipe should close when the escapee is killed";
  EXPECT_FALSE(result.pipes_held_open);
  ASSERT_EQ(result.escaped_processes.size(), 1u);
  // Killed before or after it executed sleep: "(sh)" or "(sleep)".
  EXPECT_NE(result.escaped_processes[0].find("pid " + std::to_string(escapee) + " ("),
            std::string::npos)
      << result.escaped_processes[0];
  EXPECT_NE(result.escaped_processes[0].find("setsid"), std::string::npos);
}

TEST(ProcessRunnerTest, DoubleForkedDaemonIsFoundAndKilled) {
  // The classic daemon: setsid, fork again, close every descriptor; the intermediate exits
  // at once, so the daemon is orphaned before its parent can be seen.
  TempDir dir;
  ProcessSpec spec = shell(
      "setsid sh -c '(exec sleep 1000 </dev/null >/dev/null 2>&1) & echo $! > \"$PIDFILE\"' "
      "</dev/null >/dev/null 2>&1; "
      "while [ ! -s \"$PIDFILE\" ]; do :; done; cat \"$PIDFILE\"");
  spec.env["PIDFILE"] = (dir.path() / "daemon.pid").string();
  const ProcessResult result = runProcess(spec);
  const pid_t daemon = firstLineAsPid(result.stdout_data);
  ASSERT_GT(daemon, 0) << result.stdout_data << result.stderr_data;
  EXPECT_TRUE(isGone(daemon));
  EXPECT_EQ(result.exit_code, 0);
  ASSERT_EQ(result.escaped_processes.size(), 1u);
  EXPECT_NE(result.escaped_processes[0].find("pid " + std::to_string(daemon)), std::string::npos)
      << result.escaped_processes[0];
}

// Every process on the machine whose command line holds `marker`, zombies aside.
std::vector<pid_t> processesWithMarker(const std::string& marker) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

// A sleep argument no other process on the machine has: "86400.<pid><n>".
std::string uniqueSleep() {
  static int n = 0;
  return "86400." + std::to_string(::getpid()) + std::to_string(++n);
}

TEST(ProcessRunnerTest, NoDescendantSurvivesAnywhereOnTheMachine) {
  const std::string sleep = uniqueSleep();
  const ProcessResult result = runProcess(shell(
      "sleep " + sleep + " & setsid sleep " + sleep + " & "
      "setsid sh -c 'sleep " + sleep + " & sleep " + sleep + "' & "
      "(setsid sh -c '(sleep " + sleep + " </dev/null >/dev/null 2>&1 &)' &) ; "
      "n=0; while [ $n -lt 5 ]; do n=$(pgrep -fc '" + sleep + "'); done; exit 3"));
  EXPECT_EQ(result.exit_code, 3) << result.stderr_data;
  EXPECT_EQ(processesWithMarker(sleep), std::vector<pid_t>{});
  EXPECT_GE(result.escaped_processes.size(), 3u);
}

TEST(ProcessRunnerTest, StopRequestEndsTheRunAndItsEscapees) {
  const std::string sleep = uniqueSleep();
  ProcessSpec spec = shell("setsid sleep " + sleep + " & echo started; exec sleep " + sleep);
  std::promise<void> started;
  spec.on_started = [&started](int) { started.set_value(); };
  std::thread stopper([&] {
    started.get_future().wait();
    requestStop(SIGINT);
  });
  const ProcessResult result = runProcess(spec);
  stopper.join();
  clearStopRequest();
  EXPECT_TRUE(result.interrupted);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.term_signal, SIGTERM);
  EXPECT_EQ(processesWithMarker(sleep), std::vector<pid_t>{});
}

TEST(ProcessRunnerTest, NothingStartsOnceAStopWasRequested) {
  requestStop(SIGTERM);
  const ProcessResult result = runProcess(shell("exit 0"));
  clearStopRequest();
  EXPECT_FALSE(result.started);
  EXPECT_TRUE(result.interrupted);
  EXPECT_NE(result.start_error.find("stopping (signal 15)"), std::string::npos)
      << result.start_error;
  EXPECT_TRUE(runProcess(shell("exit 0")).started) << "a cleared request starts processes again";
}

TEST(ProcessRunnerTest, OutputBeyondCapIsCountedButNotKept) {
  ProcessSpec spec;
  spec.executable = "/usr/bin/head";
  spec.args = {"-c", "200000000", "/dev/zero"};
  spec.stdout_cap = 1u << 20;
  spec.timeout = kGenerousTimeout;
  const ProcessResult result = runProcess(spec);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.stdout_truncated);
  EXPECT_EQ(result.stdout_bytes, 200000000u);
  EXPECT_EQ(result.stdout_data.size(), spec.stdout_cap);
  EXPECT_FALSE(result.stderr_truncated);
}

TEST(ProcessRunnerTest, StderrCapIsIndependentOfStdout) {
  ProcessSpec spec = shell("head -c 5000 /dev/zero >&2; printf ok");
  spec.stderr_cap = 100;
  const ProcessResult result = runProcess(spec);
  EXPECT_TRUE(result.stderr_truncated);
  EXPECT_EQ(result.stderr_bytes, 5000u);
  EXPECT_EQ(result.stderr_data.size(), 100u);
  EXPECT_EQ(result.stdout_data, "ok");
  EXPECT_FALSE(result.stdout_truncated);
}

TEST(ProcessRunnerTest, ConcurrentRunsKeepTheirPipesApart) {
  // A pipe end leaked into a sibling's child would keep this run's stdin open: cat would
  // then never see EOF and the run would time out.
  constexpr int kThreads = 4;
  constexpr int kRunsPerThread = 8;
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < kRunsPerThread; ++i) {
        ProcessSpec spec = shell("cat");
        spec.stdin_data.assign(200000, static_cast<char>('a' + t));
        const ProcessResult result = runProcess(spec);
        if (result.timed_out || result.stdout_data != spec.stdin_data) {
          failures[t] = "thread " + std::to_string(t) + " run " + std::to_string(i) + " failed";
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");
}

TEST(ProcessRunnerTest, ResolveAcceptsAbsoluteExecutable) {
  std::string error;
  EXPECT_EQ(resolveExecutable("/bin/sh", "/unused", &error), "/bin/sh");
  EXPECT_EQ(error, "");
}

TEST(ProcessRunnerTest, ResolveReportsMissingAbsolutePath) {
  std::string error;
  EXPECT_EQ(resolveExecutable("/nonexistent/conn", "/unused", &error), std::nullopt);
  EXPECT_EQ(error, "connector command '/nonexistent/conn': not found");
}

TEST(ProcessRunnerTest, ResolveReportsNonExecutableFile) {
  TempDir dir;
  const fs::path file = dir.writeFile("conn", "#!/bin/sh\n", kReadOnly);
  std::string error;
  EXPECT_EQ(resolveExecutable(file.string(), "/unused", &error), std::nullopt);
  EXPECT_EQ(error, "connector command '" + file.string() + "': not executable");
}

TEST(ProcessRunnerTest, ResolveReportsDirectory) {
  TempDir dir;
  std::string error;
  EXPECT_EQ(resolveExecutable(dir.path().string(), "/unused", &error), std::nullopt);
  EXPECT_EQ(error, "connector command '" + dir.path().string() + "': is a directory");
}

TEST(ProcessRunnerTest, ResolveTakesRelativePathAgainstBaseDir) {
  TempDir dir;
  const fs::path file = dir.writeFile("bin/conn", "#!/bin/sh\n", kExecutable);
  std::string error;
  EXPECT_EQ(resolveExecutable("./bin/../bin/conn", dir.path().string(), &error), file.string());
  EXPECT_EQ(error, "");
}

TEST(ProcessRunnerTest, ResolveReportsMissingRelativePathWithWhereItLooked) {
  TempDir dir;
  std::string error;
  EXPECT_EQ(resolveExecutable("bin/conn", dir.path().string(), &error), std::nullopt);
  EXPECT_EQ(error, "connector command 'bin/conn': not found at '" +
                       (dir.path() / "bin/conn").string() + "'");
}

TEST(ProcessRunnerTest, ResolveFindsBareNameOnPath) {
  TempDir empty_dir;
  TempDir dir;
  const fs::path file = dir.writeFile("conn", "#!/bin/sh\n", kExecutable);
  ScopedEnv path("PATH", "relative:" + empty_dir.path().string() + ":" + dir.path().string());
  std::string error;
  EXPECT_EQ(resolveExecutable("conn", "/unused", &error), file.string());
}

TEST(ProcessRunnerTest, ResolveReportsBareNameMissingFromPath) {
  TempDir dir;
  ScopedEnv path("PATH", dir.path().string());
  std::string error;
  EXPECT_EQ(resolveExecutable("conn", "/unused", &error), std::nullopt);
  EXPECT_EQ(error, "connector command 'conn': not found on PATH");
}

TEST(ProcessRunnerTest, ResolveReportsBareNameOnPathThatIsNotExecutable) {
  TempDir dir;
  dir.writeFile("conn", "#!/bin/sh\n", kReadOnly);
  ScopedEnv path("PATH", dir.path().string());
  std::string error;
  EXPECT_EQ(resolveExecutable("conn", "/unused", &error), std::nullopt);
  EXPECT_EQ(error, "connector command 'conn': found on PATH but not executable");
}

TEST(ProcessRunnerTest, ResolveReportsEmptyCommand) {
  std::string error;
  EXPECT_EQ(resolveExecutable("", "/unused", &error), std::nullopt);
  EXPECT_EQ(error, "connector command is empty");
}

}  // namespace
}  // namespace faultline::harness
