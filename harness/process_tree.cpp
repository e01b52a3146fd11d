#include "harness/process_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

namespace faultline::harness {
namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// /proc

// Parses "pid (comm) state ppid pgrp session ... starttime ...". comm may hold
// spaces and parentheses, so the fields after it are found from the last ')'.
bool parseStat(const char* text, std::size_t size, ProcessEntry& out) {
  const std::string_view line(text, size);
  const auto open = line.find('(');
  const auto close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return false;
  }
  out.pid = static_cast<pid_t>(std::strtol(text, nullptr, 10));
  out.name.assign(line.substr(open + 1, close - open - 1));
  // Fields from 3 (state) on, separated by single spaces; starttime is field 22.
  std::string_view rest = line.substr(close + 1);
  int field = 2;
  while (!rest.empty() && field < 22) {
    rest.remove_prefix(std::min<std::size_t>(1, rest.size()));  // the space
    ++field;
    const auto end = std::min(rest.find(' '), rest.size());
    const std::string value(rest.substr(0, end));
    switch (field) {
      case 3: out.state = value.empty() ? '?' : value[0]; break;
      case 4: out.ppid = static_cast<pid_t>(std::strtol(value.c_str(), nullptr, 10)); break;
      case 5: out.pgid = static_cast<pid_t>(std::strtol(value.c_str(), nullptr, 10)); break;
      case 6: out.sid = static_cast<pid_t>(std::strtol(value.c_str(), nullptr, 10)); break;
      case 22: out.start_time = std::strtoull(value.c_str(), nullptr, 10); break;
      default: break;
    }
    rest.remove_prefix(end);
  }
  return field == 22 && out.pid > 0;
}

bool readProcess(pid_t pid, ProcessEntry& out) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buffer[1024];
  const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
  ::close(fd);
  return n > 0 && parseStat(buffer, static_cast<std::size_t>(n), out);
}

// ---------------------------------------------------------------------------
// The guard: a forked process that kills what the harness registered once the
// harness is gone. Forked from a threaded process, it may only make
// async-signal-safe calls: no allocation, no locks, no stdio.

struct GuardMessage {
  // 'G'/'g': add/remove a process group; 'P'/'p': add/remove a process;
  // 'C'/'c': add/remove a cgroup, whose cgroup.kill descriptor comes with 'C'.
  char op;
  std::int32_t id;
};

constexpr int kGuardSlots = 16384;
constexpr int kGuardCgroups = 1024;
pid_t g_guard_groups[kGuardSlots];
pid_t g_guard_pids[kGuardSlots];
std::int32_t g_guard_cgroup_ids[kGuardCgroups];
int g_guard_cgroup_fds[kGuardCgroups];

void guardAdd(pid_t* slots, pid_t pid) {
  for (int i = 0; i < kGuardSlots; ++i) {
    if (slots[i] == 0) {
      slots[i] = pid;
      return;
    }
  }
}

void guardRemove(pid_t* slots, pid_t pid) {
  for (int i = 0; i < kGuardSlots; ++i) {
    if (slots[i] == pid) slots[i] = 0;
  }
}

void guardCgroup(const GuardMessage& m, int fd) {
  for (int i = 0; i < kGuardCgroups; ++i) {
    if (m.op == 'C' && g_guard_cgroup_ids[i] == 0 && fd >= 0) {
      g_guard_cgroup_ids[i] = m.id;
      g_guard_cgroup_fds[i] = fd;
      return;
    }
    if (m.op == 'c' && g_guard_cgroup_ids[i] == m.id) {
      ::close(g_guard_cgroup_fds[i]);
      g_guard_cgroup_ids[i] = 0;
    }
  }
  if (m.op == 'C' && fd >= 0) ::close(fd);  // no room: the other nets still hold
}

// Receives one message and the descriptor that may come with it (-1 if none).
ssize_t guardReceive(int socket, GuardMessage& m, int& fd) {
  fd = -1;
  iovec iov{&m, sizeof m};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  if (n > 0) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    }
  }
  return n;
}

int g_guard_cgroup_parent = -1;  // the folder the runs' cgroups are made in

// Appends the decimal digits of `n` at `out`; returns the new end.
char* appendDecimal(char* out, long n) {
  char digits[24];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0);
  while (count > 0) *out++ = digits[--count];
  return out;
}

// A killed cgroup can be removed once the kernel has emptied it; that takes
// a moment, so try for up to about two seconds.
void guardRemoveCgroups(pid_t harness) {
  if (g_guard_cgroup_parent < 0) return;
  for (int attempt = 0; attempt < 2000; ++attempt) {
    bool left = false;
    for (int i = 0; i < kGuardCgroups; ++i) {
      if (g_guard_cgroup_ids[i] == 0) continue;
      char name[64] = "faultline-";
      char* end = appendDecimal(name + 10, harness);
      *end++ = '-';
      *appendDecimal(end, g_guard_cgroup_ids[i]) = '\0';
      if (::unlinkat(g_guard_cgroup_parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT) {
        g_guard_cgroup_ids[i] = 0;
      } else {
        left = true;
      }
    }
    if (!left) return;
    const timespec pause{0, 1'000'000};
    ::nanosleep(&pause, nullptr);
  }
}

[[noreturn]] void guardMain(int socket) {
  // Keep nothing of the harness's: an inherited pipe end would hold a
  // connector's stdin or stdout open.
  if (socket > 3) ::close_range(3, static_cast<unsigned>(socket - 1), 0);
  ::close_range(static_cast<unsigned>(socket + 1), ~0U, 0);
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    for (int target = 0; target <= 2; ++target) {
      if (null_fd != target) ::dup2(null_fd, target);
    }
    if (null_fd > 2) ::close(null_fd);
  }
  // Out of the terminal's foreground group, and deaf to the signals that stop
  // the harness: the guard must still be here when the harness is gone.
  ::setpgid(0, 0);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigemptyset(&ignore.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU}) {
    ::sigaction(sig, &ignore, nullptr);
  }
  ::prctl(PR_SET_NAME, "faultline-guard", 0L, 0L, 0L);
  const pid_t harness = ::getppid();
  for (;;) {
    GuardMessage m{};
    int fd = -1;
    const ssize_t n = guardReceive(socket, m, fd);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof m)) break;  // 0: the harness is gone
    if (m.id <= 0) continue;
    switch (m.op) {
      case 'G': guardAdd(g_guard_groups, m.id); break;
      case 'g': guardRemove(g_guard_groups, m.id); break;
      case 'P': guardAdd(g_guard_pids, m.id); break;
      case 'p': guardRemove(g_guard_pids, m.id); break;
      case 'C':
      case 'c': guardCgroup(m, fd); fd = -1; break;
      case 'D':
        if (fd >= 0 && g_guard_cgroup_parent < 0) {
          g_guard_cgroup_parent = fd;
          fd = -1;
        }
        break;
      default: break;
    }
    if (fd >= 0) ::close(fd);
  }
  for (int i = 0; i < kGuardCgroups; ++i) {
    if (g_guard_cgroup_ids[i] != 0) (void)!::write(g_guard_cgroup_fds[i], "1", 1);
  }
  for (int i = 0; i < kGuardSlots; ++i) {
    if (g_guard_groups[i] > 0) ::killpg(g_guard_groups[i], SIGKILL);
    if (g_guard_pids[i] > 0) ::kill(g_guard_pids[i], SIGKILL);
  }
  guardRemoveCgroups(harness);
  ::_exit(0);
}

int g_guard_fd = -1;
pid_t g_guard_pid = 0;

void tellGuard(char op, std::int32_t id, int fd = -1) {
  if (g_guard_fd < 0) return;
  GuardMessage m{op, id};
  iovec iov{&m, sizeof m};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  while (::sendmsg(g_guard_fd, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

// ---------------------------------------------------------------------------
// cgroup v2: a run's processes stay in its cgroup whatever they do to their
// session or group, and cgroup.kill ends them all at once. Used when the
// harness may create cgroups beside its own (typically as root); otherwise
// the /proc lineage alone tracks the run.

// "" when cgroup v2 with cgroup.kill is not available to this process.
const std::string& cgroupParent() {
  static const std::string parent = [] {
    // An operator (or a test of the fallback) can keep runs out of cgroups.
    if (const char* off = std::getenv("FAULTLINE_NO_CGROUPS"); off != nullptr && *off != '\0')
      return std::string();
    std::ifstream cgroup_file("/proc/self/cgroup");
    std::string line, own;
    while (std::getline(cgroup_file, line)) {
      if (line.rfind("0::", 0) == 0) own = line.substr(3);
    }
    std::ifstream mounts("/proc/self/mountinfo");
    std::string mount_point;
    while (std::getline(mounts, line)) {
      const auto dash = line.find(" - ");
      if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) continue;
      std::istringstream fields(line.substr(0, dash));
      std::string field;
      for (int i = 0; i < 5 && fields >> field; ++i) mount_point = field;
    }
    if (own.empty() || mount_point.empty()) return std::string();
    std::string dir = mount_point + (own == "/" ? "" : own);
    return ::access((dir + "/cgroup.kill").c_str(), F_OK) == 0 || own == "/" ? dir
                                                                              : std::string();
  }();
  return parent;
}

std::atomic<int> g_next_cgroup{0};

// The pids listed in a cgroup.procs file.
std::vector<pid_t> cgroupMembers(const std::string& dir) {
  std::vector<pid_t> out;
  std::ifstream procs(dir + "/cgroup.procs");
  for (long pid = 0; procs >> pid;) out.push_back(static_cast<pid_t>(pid));
  return out;
}

bool writeCgroupKill(const std::string& dir) {
  const int fd = ::open((dir + "/cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, "1", 1) == 1;
  ::close(fd);
  return ok;
}

// ---------------------------------------------------------------------------
// The registry of live lineages.

std::mutex& registryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::atomic<int> g_stop_signal{0};

}  // namespace

std::mutex& spawnMutex() {
  static std::mutex mutex;
  return mutex;
}

struct LineageRegistry {
  std::vector<Lineage*> lineages;  // guarded by registryMutex()
  std::vector<bool> stopped;       // parallel to lineages
};

namespace {
LineageRegistry& registry() {
  static LineageRegistry r;
  return r;
}
}  // namespace

RunCgroup makeRunCgroup() {
  const std::string& parent = cgroupParent();
  if (parent.empty()) return {};
  static std::once_flag told;
  std::call_once(told, [&parent] {
    const int dir_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return;
    tellGuard('D', 1, dir_fd);
    ::close(dir_fd);
  });
  RunCgroup cg;
  cg.id = ++g_next_cgroup;
  cg.dir = parent + "/faultline-" + std::to_string(::getpid()) + "-" + std::to_string(cg.id);
  if (::mkdir(cg.dir.c_str(), 0755) != 0 && errno != EEXIST) return {};
  cg.procs_fd = ::open((cg.dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
  if (cg.procs_fd < 0 || ::access((cg.dir + "/cgroup.kill").c_str(), W_OK) != 0) {
    if (cg.procs_fd >= 0) ::close(cg.procs_fd);
    ::rmdir(cg.dir.c_str());
    return {};
  }
  return cg;
}

std::vector<ProcessEntry> listProcesses() {
  std::vector<ProcessEntry> out;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return out;
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || pid <= 0) continue;
    ProcessEntry p;
    if (readProcess(static_cast<pid_t>(pid), p)) out.push_back(std::move(p));
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end(),
            [](const ProcessEntry& a, const ProcessEntry& b) { return a.pid < b.pid; });
  return out;
}

std::string describeProcess(const ProcessEntry& p) {
  std::string s = "pid " + std::to_string(p.pid) + " (" + p.name + ")";
  if (p.sid == p.pid) {
    s += ", in a session of its own (setsid)";
  } else if (p.pgid == p.pid) {
    s += ", in a process group of its own";
  } else {
    s += ", outside the connector's process group";
  }
  return s;
}

void startProcessGuard() {
  static std::once_flag once;
  std::call_once(once, [] {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return;
    std::lock_guard lock(spawnMutex());
    const pid_t pid = ::fork();
    if (pid == 0) guardMain(sv[1]);
    ::close(sv[1]);
    if (pid < 0) {
      ::close(sv[0]);
      return;
    }
    g_guard_fd = sv[0];
    g_guard_pid = pid;
  });
}

Lineage::Lineage(pid_t leader, RunCgroup cgroup, std::function<void()> on_stop)
    : leader_(leader), on_stop_(std::move(on_stop)), cgroup_dir_(std::move(cgroup.dir)),
      cgroup_id_(cgroup.id) {
  if (cgroup.procs_fd >= 0) ::close(cgroup.procs_fd);  // the child has joined, or never will
  tellGuard('G', leader_);
  if (!cgroup_dir_.empty()) {
    const int kill_fd = ::open((cgroup_dir_ + "/cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC);
    if (kill_fd >= 0) {
      tellGuard('C', cgroup_id_, kill_fd);
      ::close(kill_fd);
    }
  }
  std::lock_guard lock(registryMutex());
  registry().lineages.push_back(this);
  registry().stopped.push_back(g_stop_signal.load() != 0);
  if (registry().stopped.back() && on_stop_) on_stop_();
}

Lineage::~Lineage() {
  {
    std::lock_guard lock(registryMutex());
    auto& r = registry();
    const auto it = std::find(r.lineages.begin(), r.lineages.end(), this);
    if (it != r.lineages.end()) {
      r.stopped.erase(r.stopped.begin() + (it - r.lineages.begin()));
      r.lineages.erase(it);
    }
  }
  forgetInGuard();
  if (!cgroup_dir_.empty()) ::rmdir(cgroup_dir_.c_str());
}

void Lineage::forgetInGuard() {
  tellGuard('g', leader_);
  if (!cgroup_dir_.empty()) tellGuard('c', cgroup_id_);
  for (pid_t pid : guarded_) tellGuard('p', pid);
  guarded_.clear();
}

void Lineage::scan() {
  const std::vector<ProcessEntry> procs = listProcesses();
  // A leader forked but not registered yet would look like an orphan to
  // claim; registration happens under the spawn lock, so claim only with it.
  std::unique_lock spawn(spawnMutex(), std::try_to_lock);
  std::lock_guard lock(registryMutex());
  const auto& lineages = registry().lineages;
  for (auto it = members_.begin(); it != members_.end();) {
    const auto p = std::lower_bound(
        procs.begin(), procs.end(), it->first,
        [](const ProcessEntry& e, pid_t pid) { return e.pid < pid; });
    const bool same = p != procs.end() && p->pid == it->first && p->start_time == it->second;
    it = same ? std::next(it) : members_.erase(it);
  }
  // Orphans are attributable only while this is the one run in the process.
  const bool claim_orphans = spawn.owns_lock() && lineages.size() == 1;
  const pid_t self = ::getpid();
  const pid_t own_group = ::getpgrp();
  auto belongsElsewhere = [&](pid_t pid) {
    for (const Lineage* other : lineages) {
      if (other != this && (other->leader_ == pid || other->members_.count(pid) != 0)) return true;
    }
    return false;
  };
  if (!cgroup_dir_.empty()) {
    for (pid_t pid : cgroupMembers(cgroup_dir_)) {
      const auto p = std::lower_bound(
          procs.begin(), procs.end(), pid,
          [](const ProcessEntry& e, pid_t wanted) { return e.pid < wanted; });
      if (pid == leader_ || p == procs.end() || p->pid != pid || members_.count(pid) != 0) continue;
      members_[pid] = p->start_time;
      guarded_.push_back(pid);
      tellGuard('P', pid);
    }
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const ProcessEntry& p : procs) {
      if (p.pid == leader_ || p.pid == g_guard_pid || members_.count(p.pid) != 0) continue;
      const bool descendant = p.ppid == leader_ || members_.count(p.ppid) != 0;
      const bool orphan = claim_orphans && p.ppid == self && p.pgid != own_group;
      if (!descendant && !orphan) continue;
      if (belongsElsewhere(p.pid)) continue;
      members_[p.pid] = p.start_time;
      guarded_.push_back(p.pid);
      tellGuard('P', p.pid);
      grew = true;
    }
  }
}

std::vector<ProcessEntry> Lineage::killAll() {
  scan();
  // Who had escaped is read before anything is killed: a killed process may be gone already.
  std::vector<ProcessEntry> alive;
  {
    std::lock_guard lock(registryMutex());
    for (const auto& [pid, start_time] : members_) {
      ProcessEntry p;
      if (readProcess(pid, p) && p.start_time == start_time && p.state != 'Z') alive.push_back(p);
    }
  }
  ::killpg(leader_, SIGKILL);
  if (!cgroup_dir_.empty()) writeCgroupKill(cgroup_dir_);
  std::vector<ProcessEntry> escaped;
  for (const ProcessEntry& p : alive) {
    ::kill(p.pid, SIGKILL);
    if (p.pgid != leader_) escaped.push_back(p);
  }
  return escaped;
}

void Lineage::killAndReap(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  const pid_t self = ::getpid();
  for (;;) {
    scan();
    bool left = false;
    {
      std::lock_guard lock(registryMutex());
      for (const auto& [pid, start_time] : members_) {
        ProcessEntry p;
        if (!readProcess(pid, p) || p.start_time != start_time) continue;
        left = true;
        if (p.state != 'Z') {
          ::kill(pid, SIGKILL);
        } else if (p.ppid == self) {
          ::waitpid(pid, nullptr, WNOHANG);
        }
      }
    }
    if (!cgroup_dir_.empty() && !cgroupMembers(cgroup_dir_).empty()) {
      writeCgroupKill(cgroup_dir_);
      left = true;
    }
    if (!left || Clock::now() >= deadline) return;
    // The kernel finishes a SIGKILL and the reparenting on its own time.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void requestStop(int signal_number) {
  int expected = 0;
  g_stop_signal.compare_exchange_strong(expected, signal_number);
  std::lock_guard lock(registryMutex());
  auto& r = registry();
  for (std::size_t i = 0; i < r.lineages.size(); ++i) {
    if (r.stopped[i]) continue;
    r.stopped[i] = true;
    if (r.lineages[i]->on_stop_) r.lineages[i]->on_stop_();
  }
}

int stopRequested() {
  return g_stop_signal.load();
}

void clearStopRequest() {
  g_stop_signal.store(0);
}

}  // namespace faultline::harness
