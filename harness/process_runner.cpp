#include "harness/process_runner.h"
#include "harness/process_tree.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>

namespace faultline::harness {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 64 * 1024;  // one default pipe buffer per read
constexpr int kChildSetupFailed = 127;         // exit status of a child that could not exec
constexpr std::string_view kNotFound = "not found";
constexpr std::string_view kNotExecutable = "not executable";

std::int64_t msSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string errnoText(int err) {
  return std::error_code(err, std::system_category()).message();
}

// Empty when `path` names an executable regular file, otherwise why not. execve would give
// the same verdict, but only after a fork and with a vaguer errno.
std::string executableProblem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return std::string(kNotFound);
    return errnoText(err);
  }
  if (S_ISDIR(st.st_mode)) return "is a directory";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (::access(path.c_str(), X_OK) != 0) return std::string(kNotExecutable);
  return {};
}

std::string directoryProblem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    return (err == ENOENT || err == ENOTDIR) ? std::string(kNotFound) : errnoText(err);
  }
  return S_ISDIR(st.st_mode) ? std::string() : "not a directory";
}

bool hasNul(const std::string& s) {
  return s.find('\0') != std::string::npos;
}

std::string environmentProblem(const std::map<std::string, std::string>& env) {
  for (const auto& [name, value] : env) {
    // execve takes "NAME=VALUE" strings: '=' or NUL in a name would silently change meaning.
    if (name.empty() || name.find('=') != std::string::npos || hasNul(name)) {
      return "invalid environment variable name '" + name + "'";
    }
    if (hasNul(value)) return "environment variable '" + name + "' contains a NUL byte";
  }
  return {};
}

// Everything that can be checked before forking, so the common mistakes get precise messages.
std::string specProblem(const ProcessSpec& spec) {
  if (spec.executable.empty() || spec.executable.front() != '/') {
    return "executable path is not absolute";
  }
  if (std::string problem = executableProblem(spec.executable); !problem.empty()) return problem;
  if (!spec.working_dir.empty()) {
    if (std::string problem = directoryProblem(spec.working_dir); !problem.empty()) {
      return "working directory '" + spec.working_dir + "' " + problem;
    }
  }
  for (std::size_t i = 0; i < spec.args.size(); ++i) {
    if (hasNul(spec.args[i])) return "argument " + std::to_string(i + 1) + " contains a NUL byte";
  }
  return environmentProblem(spec.env);
}

// Orphaned members of a connector's group must be reparented to us rather than to init: only
// a parent can reap them, and init inside a container may never do it. Being a subreaper only
// changes who inherits orphans, so it is set once for the process and left on.
void becomeSubreaper() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L); });
  startProcessGuard();
}

// Boost.Process 1.74 creates both async_pipe and its exec-error pipe with plain pipe(2) and
// sets FD_CLOEXEC afterwards, if at all. A fork on another thread in between would leak them
// into an unrelated child, which then holds our stdin open or delays our spawn until it
// exits. Creating pipes and forking under spawnMutex() closes that window between callers.

bool setCloseOnExec(int fd) {
  const int flags = ::fcntl(fd, F_GETFD);
  return flags != -1 && ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) != -1;
}

// Runs in the forked child, so only async-signal-safe calls. Signals the harness ignores or
// blocks would otherwise survive execve and, e.g., make the child immune to our SIGTERM.
void resetSignalsInChild() {
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  ::sigemptyset(&defaults.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &defaults, nullptr);
}

// Boost.Process extension: own process group, working directory, clean signal state. Boost's
// own start_dir ignores a failing chdir and bp::group ignores a failing setpgid, hence this.
struct ChildSetup : bp::extend::handler {
  const char* working_dir = nullptr;  // nullptr: inherit
  pid_t parent = 0;                   // the harness, read before the fork
  int cgroup_procs_fd = -1;           // the run's cgroup.procs, or -1

  template <class Executor>
  void on_exec_setup(Executor& exec) const {
    resetSignalsInChild();
    // If the harness dies, even by SIGKILL, the connector dies with it. Checking the parent
    // after setting the signal closes the race with a harness that died before it was set.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0L, 0L, 0L) != 0) failInChild(exec, "prctl failed");
    if (::getppid() != parent) ::_exit(kChildSetupFailed);
    // Joining the run's cgroup is best effort: the /proc lineage tracks the run either way.
    if (cgroup_procs_fd >= 0) (void)!::write(cgroup_procs_fd, "0", 1);
    if (::setpgid(0, 0) != 0) failInChild(exec, "setpgid failed");
    if (working_dir != nullptr && ::chdir(working_dir) != 0) failInChild(exec, "chdir failed");
  }

  // After a failure on the child's side Boost returns an empty child object and never waits
  // for the forked process; reap it here so a failed start leaves no zombie.
  template <class Executor>
  void on_error(Executor& exec, const std::error_code&) const {
    if (exec.pid <= 0) return;
    ::kill(exec.pid, SIGKILL);
    while (::waitpid(exec.pid, nullptr, 0) == -1 && errno == EINTR) {
    }
  }

 private:
  // set_error in the child only reports through Boost's error pipe; it does not stop execve,
  // which would then run the program in the wrong state.
  template <class Executor>
  static void failInChild(Executor& exec, const char* what) {
    exec.set_error(std::error_code(errno, std::system_category()), what);
    ::_exit(kChildSetupFailed);
  }
};

// Writing to a pipe whose reader is gone raises SIGPIPE, which would kill the harness. All of
// a run's writes happen on the calling thread, so blocking SIGPIPE there turns it into EPIPE
// without touching the process-wide disposition (which children would inherit). A signal
// left pending by such a write is consumed before the old mask comes back.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    ::sigemptyset(&pipe_only_);
    ::sigaddset(&pipe_only_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_only_, &previous_);
  }
  ~SigpipeBlock() {
    sigset_t pending;
    if (!::sigismember(&previous_, SIGPIPE) && ::sigpending(&pending) == 0 &&
        ::sigismember(&pending, SIGPIPE)) {
      const timespec no_wait{};
      ::sigtimedwait(&pipe_only_, nullptr, &no_wait);
    }
    ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_only_;
  sigset_t previous_;
};

// One child's output stream and where its bytes go.
struct Output {
  Output(std::string& data_ref, std::uint64_t& bytes_ref, bool& truncated_ref, std::size_t cap_in)
      : data(data_ref), bytes(bytes_ref), truncated(truncated_ref), cap(cap_in) {}

  void keep(std::size_t n) {
    bytes += n;
    const std::size_t room = cap - std::min(cap, data.size());
    const std::size_t kept = std::min(room, n);
    data.append(buffer.data(), kept);
    if (kept < n) truncated = true;
    if (line_ms != nullptr && kept > 0) stampLines(data.size() - kept);
  }

  // Times every line that the bytes kept from `from` on complete. One clock
  // reading per read: lines that arrived together arrived at the same time.
  void stampLines(std::size_t from) {
    last_kept_ms = msSince(started);
    for (std::size_t at = data.find('\n', from);
         at != std::string::npos && line_ms->size() < line_times_cap; at = data.find('\n', at + 1))
      line_ms->push_back(last_kept_ms);
  }

  // At the end of the stream an uncut last line without '\n' is a line too
  // (the protocol parser reads it as one): it was printed when its last byte came.
  void stampLastLine() {
    if (line_ms == nullptr || truncated || data.empty() || data.back() == '\n') return;
    if (line_ms->size() < line_times_cap) line_ms->push_back(last_kept_ms);
  }

  std::optional<bp::async_pipe> pipe;
  std::vector<char> buffer = std::vector<char>(kReadChunk);
  std::string& data;
  std::uint64_t& bytes;
  bool& truncated;
  std::size_t cap;
  bool open = false;
  // Line arrival times, for stdout only (nullptr for stderr).
  std::vector<std::int64_t>* line_ms = nullptr;
  std::size_t line_times_cap = 0;
  Clock::time_point started{};
  std::int64_t last_kept_ms = 0;
};

// One run: spawn, event loop, teardown. Everything runs on the calling thread except the
// waiter, which only waits for the leader to exit and posts that into the loop.
class Session {
 public:
  // `started_at` is the origin of the stdout line times.
  Session(const ProcessSpec& spec, ProcessResult& result, Clock::time_point started_at);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  bool spawn();  // false: result.start_error says why
  void run();    // returns once the leader is reaped and all pipes are closed

 private:
  void createPipes();
  void launch(std::error_code& ec);
  void startWaiter();
  void readSome(Output& out);
  void onRead(Output& out, const boost::system::error_code& ec, std::size_t n);
  void writeStdin();
  void onStdinWritten(const boost::system::error_code& ec, std::size_t n);
  void closeStdin();
  void onDeadline(const boost::system::error_code& ec);
  void armGrace();
  void onGrace(const boost::system::error_code& ec, unsigned generation);
  void onLeaderExit();
  void onInterrupt();
  void armScan();
  void recordStatus(int status);
  void killLeftovers();
  void signalGroup(int sig);
  void closePipes();
  void maybeFinish();
  void reapGroup();

  const ProcessSpec& spec_;
  ProcessResult& result_;
  asio::io_context io_;  // declared before every I/O object so it is destroyed after them
  std::optional<bp::async_pipe> stdin_pipe_;
  bool stdin_open_ = false;
  Output stdout_;
  Output stderr_;
  asio::steady_timer deadline_{io_};
  asio::steady_timer grace_{io_};
  asio::steady_timer scan_{io_};  // finds descendants before they can hide by reparenting
  unsigned grace_generation_ = 0;  // a grace expiry already queued when re-armed is stale
  asio::executor_work_guard<asio::io_context::executor_type> leader_work_;
  bp::child child_;  // touched by the waiter thread only until it posts onLeaderExit
  std::thread waiter_;
  pid_t pgid_ = -1;               // == the leader's pid
  std::optional<Lineage> lineage_;  // registered under the spawn lock, right after the fork
  bool leader_exited_ = false;    // the leader has been reaped
  bool group_signalled_ = false;  // we sent SIGTERM/SIGKILL to the group before the leader ended
  bool finished_ = false;
};

Session::Session(const ProcessSpec& spec, ProcessResult& result, Clock::time_point started_at)
    : spec_(spec),
      result_(result),
      stdout_(result.stdout_data, result.stdout_bytes, result.stdout_truncated, spec.stdout_cap),
      stderr_(result.stderr_data, result.stderr_bytes, result.stderr_truncated, spec.stderr_cap),
      leader_work_(io_.get_executor()) {
  stdout_.line_ms = &result.stdout_line_ms;
  stdout_.line_times_cap = spec.stdout_line_times_cap;
  stdout_.started = started_at;
}

Session::~Session() {
  if (!result_.started) return;
  if (!leader_exited_) {
    // Only when run() did not complete (an exception escaped it). The leader is not reaped yet,
    // so the process-group id still belongs to this run.
    ::killpg(pgid_, SIGKILL);
  }
  if (waiter_.joinable()) waiter_.join();
  std::error_code ignored;
  child_.wait(ignored);  // no-op once onLeaderExit has reaped it
  reapGroup();
  if (lineage_) lineage_->killAndReap(spec_.kill_grace);
}

void Session::createPipes() {
  stdin_pipe_.emplace(io_);
  stdout_.pipe.emplace(io_);
  stderr_.pipe.emplace(io_);
  for (const bp::async_pipe* pipe : {&*stdin_pipe_, &*stdout_.pipe, &*stderr_.pipe}) {
    if (!setCloseOnExec(pipe->native_source()) || !setCloseOnExec(pipe->native_sink())) {
      throw std::system_error(errno, std::system_category(), "fcntl(FD_CLOEXEC) failed");
    }
  }
}

void Session::launch(std::error_code& ec) {
  // Boost 1.74's default-constructed bp::environment is empty (bp::native_environment is the
  // inherited one), so the child sees exactly spec.env.
  bp::environment env;
  for (const auto& [name, value] : spec_.env) env.emplace(name, value);
  ChildSetup setup;
  if (!spec_.working_dir.empty()) setup.working_dir = spec_.working_dir.c_str();
  setup.parent = ::getpid();
  RunCgroup cgroup = makeRunCgroup();
  setup.cgroup_procs_fd = cgroup.procs_fd;
  std::lock_guard lock(spawnMutex());
  createPipes();
  child_ =
      bp::child(bp::exe = spec_.executable, bp::args = spec_.args, env, bp::std_in = *stdin_pipe_,
                bp::std_out = *stdout_.pipe, bp::std_err = *stderr_.pipe, setup, ec);
  if (!ec && child_.valid()) {
    lineage_.emplace(child_.id(), std::move(cgroup),
                     [this] { asio::post(io_, [this] { onInterrupt(); }); });
  } else {
    if (cgroup.procs_fd >= 0) ::close(cgroup.procs_fd);
    if (!cgroup.dir.empty()) ::rmdir(cgroup.dir.c_str());
  }
}

bool Session::spawn() {
  std::error_code ec;
  try {
    launch(ec);
  } catch (const std::system_error& e) {  // pipe creation; bp::process_error is one too
    ec = e.code();
  } catch (const boost::system::system_error& e) {  // asio registering a descriptor
    ec = std::error_code(e.code().value(), std::system_category());
  }
  if (ec) {
    result_.start_error = "cannot start '" + spec_.executable + "': " + ec.message();
    return false;
  }
  pgid_ = child_.id();
  if (spec_.on_started) spec_.on_started(pgid_);
  result_.started = true;
  stdin_open_ = stdout_.open = stderr_.open = true;
  return true;
}

void Session::run() {
  startWaiter();
  deadline_.expires_after(spec_.timeout);
  deadline_.async_wait([this](const boost::system::error_code& ec) { onDeadline(ec); });
  armScan();
  readSome(stdout_);
  readSome(stderr_);
  writeStdin();
  io_.run();
}

void Session::startWaiter() {
  const pid_t pid = child_.id();
  waiter_ = std::thread([this, pid] {
    // WNOWAIT leaves the leader a zombie until the loop reaps it in onLeaderExit. Until then
    // its pid, and so the group id, cannot be reused, so the timers may always signal it.
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0 &&
           errno == EINTR) {
    }
    asio::post(io_, [this] { onLeaderExit(); });
  });
}

void Session::readSome(Output& out) {
  out.pipe->async_read_some(
      asio::buffer(out.buffer),
      [this, &out](const boost::system::error_code& ec, std::size_t n) { onRead(out, ec, n); });
}

void Session::onRead(Output& out, const boost::system::error_code& ec, std::size_t n) {
  out.keep(n);
  if (!ec) {
    readSome(out);
    return;
  }
  // EOF, or closePipes() gave up on a pipe held open elsewhere.
  out.open = false;
  out.stampLastLine();
  boost::system::error_code ignored;
  out.pipe->close(ignored);
  maybeFinish();
}

void Session::writeStdin() {
  const std::string& data = spec_.stdin_data;
  const auto offset = static_cast<std::size_t>(result_.stdin_bytes);
  if (offset >= data.size()) {
    closeStdin();  // EOF tells the child there is no more input
    return;
  }
  stdin_pipe_->async_write_some(
      asio::buffer(data.data() + offset, data.size() - offset),
      [this](const boost::system::error_code& ec, std::size_t n) { onStdinWritten(ec, n); });
}

void Session::onStdinWritten(const boost::system::error_code& ec, std::size_t n) {
  result_.stdin_bytes += n;
  if (!ec) {
    writeStdin();
    return;
  }
  // EPIPE: nobody reads stdin any more, which a child is free to do.
  if (ec != asio::error::operation_aborted) result_.stdin_closed_early = true;
  closeStdin();
}

void Session::closeStdin() {
  if (!stdin_open_) return;
  stdin_open_ = false;
  boost::system::error_code ignored;
  stdin_pipe_->close(ignored);
  maybeFinish();
}

void Session::onDeadline(const boost::system::error_code& ec) {
  if (ec == asio::error::operation_aborted || finished_) return;
  result_.timed_out = true;
  if (leader_exited_) {
    closePipes();  // the group was killed already; whoever still holds a pipe escaped it
    return;
  }
  signalGroup(SIGTERM);
  armGrace();
}

// A stop request (SIGINT or SIGTERM to the harness) ends the run as a timeout would, but is
// reported as what it is.
void Session::onInterrupt() {
  if (finished_) return;
  result_.interrupted = true;
  if (leader_exited_) {
    closePipes();
    return;
  }
  signalGroup(SIGTERM);
  armGrace();
}

// Descendants are looked for while the leader lives: one that escapes its process group and
// is orphaned is then already known, whatever happens in other runs meanwhile.
void Session::armScan() {
  scan_.expires_after(std::chrono::milliseconds(50));
  scan_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted || leader_exited_ || !lineage_) return;
    lineage_->scan();
    armScan();
  });
}

void Session::armGrace() {
  const unsigned generation = ++grace_generation_;
  grace_.expires_after(spec_.kill_grace);
  grace_.async_wait(
      [this, generation](const boost::system::error_code& ec) { onGrace(ec, generation); });
}

void Session::onGrace(const boost::system::error_code& ec, unsigned generation) {
  if (ec == asio::error::operation_aborted || finished_ || generation != grace_generation_) {
    return;
  }
  if (leader_exited_) {
    closePipes();
    return;
  }
  result_.needed_kill = true;
  signalGroup(SIGKILL);
}

void Session::onLeaderExit() {
  std::error_code ec;
  child_.wait(ec);  // immediate: the waiter saw it exit; this reaps it
  if (!ec) recordStatus(child_.native_exit_code());
  leader_exited_ = true;
  leader_work_.reset();
  ++grace_generation_;
  grace_.cancel();
  scan_.cancel();
  killLeftovers();
  // Whatever escaped the group (setsid, a daemon's double fork) is killed too, so that a pipe
  // it holds closes now rather than at the timeout.
  if (lineage_) {
    for (const ProcessEntry& p : lineage_->killAll())
      result_.escaped_processes.push_back(describeProcess(p));
  }
  // After a timeout, a pipe still held open gets one more grace period, not the full timeout.
  if (result_.timed_out) armGrace();
  maybeFinish();
}

// child::exit_code() in Boost 1.74 returns WTERMSIG for a signalled child, so "exit 9" and
// "killed by SIGKILL" look the same; the raw wait status tells them apart.
void Session::recordStatus(int status) {
  if (WIFEXITED(status)) {
    result_.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result_.term_signal = WTERMSIG(status);
  }
}

void Session::killLeftovers() {
  // Members that already exited are zombies reparented to us (subreaper) and would still
  // count for killpg, so reap those first and ask only about live ones. While any member
  // exists the group id stays reserved; if none does, it could only have been reused had the
  // kernel cycled through every pid since the leader was reaped an instant ago.
  while (::waitpid(-pgid_, nullptr, WNOHANG) > 0) {
  }
  const bool alive = ::killpg(pgid_, SIGKILL) == 0;
  // Once we have signalled the group, members still on their way out are expected.
  if (alive && !group_signalled_) result_.left_processes = true;
}

void Session::signalGroup(int sig) {
  group_signalled_ = true;
  ::killpg(pgid_, sig);
}

void Session::closePipes() {
  for (Output* out : {&stdout_, &stderr_}) {
    if (!out->open) continue;
    result_.pipes_held_open = true;
    boost::system::error_code ignored;
    out->pipe->close(ignored);  // the pending read completes with operation_aborted
  }
  if (stdin_open_) {
    result_.pipes_held_open = true;
    closeStdin();
  }
}

void Session::maybeFinish() {
  if (finished_ || !leader_exited_ || stdin_open_ || stdout_.open || stderr_.open) return;
  finished_ = true;
  deadline_.cancel();
  grace_.cancel();
  scan_.cancel();
}

// Killed members orphaned by the leader's exit are our children now. Waiting for them is what
// makes them gone: a killed but unreaped process is a zombie and still answers kill(pid, 0).
void Session::reapGroup() {
  while (::waitpid(-pgid_, nullptr, 0) > 0 || errno == EINTR) {
  }
}

void setPathProblem(std::string* error, const std::string& command, const std::string& path,
                    const std::string& problem) {
  if (error == nullptr) return;
  *error = "connector command '" + command + "': " + problem;
  if (path != command) *error += " at '" + path + "'";
}

std::optional<std::string> searchPath(const std::string& name, std::string* error) {
  const char* path_env = std::getenv("PATH");
  std::string_view dirs = path_env != nullptr ? path_env : "";
  bool found_unexecutable = false;
  while (!dirs.empty()) {
    const std::size_t colon = std::min(dirs.find(':'), dirs.size());
    const std::string dir(dirs.substr(0, colon));
    dirs.remove_prefix(std::min(colon + 1, dirs.size()));
    // Empty and relative entries mean "relative to the harness's cwd": a connector must not
    // change with the directory the harness happens to be started from.
    if (dir.empty() || dir.front() != '/') continue;
    const std::string candidate = (fs::path(dir) / name).lexically_normal().string();
    const std::string problem = executableProblem(candidate);
    if (problem.empty()) return candidate;
    if (problem == kNotExecutable) found_unexecutable = true;
  }
  if (error != nullptr) {
    *error = "connector command '" + name + "': " +
             (found_unexecutable ? "found on PATH but not executable" : "not found on PATH");
  }
  return std::nullopt;
}

}  // namespace

ProcessResult runProcess(const ProcessSpec& spec) {
  const auto started_at = Clock::now();
  ProcessResult result;
  becomeSubreaper();
  if (std::string problem = specProblem(spec); !problem.empty()) {
    result.start_error = "cannot start '" + spec.executable + "': " + problem;
  } else if (const int signal_number = stopRequested(); signal_number != 0) {
    result.start_error = "not started: faultline is stopping (signal " +
                         std::to_string(signal_number) + ")";
    result.interrupted = true;
  } else {
    SigpipeBlock sigpipe_block;  // declared first: covers every write the session makes
    Session session(spec, result, started_at);
    if (session.spawn()) session.run();
  }
  result.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_at);
  return result;
}

std::optional<std::string> resolveExecutable(const std::string& command,
                                             const std::string& base_dir, std::string* error) {
  if (command.empty()) {
    if (error != nullptr) *error = "connector command is empty";
    return std::nullopt;
  }
  if (command.find('/') == std::string::npos) return searchPath(command, error);
  fs::path path(command);
  if (path.is_relative()) path = fs::path(base_dir) / path;
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);  // fails only if the cwd is gone
  if (ec) {
    setPathProblem(error, command, path.string(), ec.message());
    return std::nullopt;
  }
  path = absolute.lexically_normal();
  const std::string problem = executableProblem(path.string());
  if (!problem.empty()) {
    setPathProblem(error, command, path.string(), problem);
    return std::nullopt;
  }
  return path.string();
}

}  // namespace faultline::harness
