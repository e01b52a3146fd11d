#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace faultline::harness {

// One line of /proc/PID/stat, reduced to what containment needs.
struct ProcessEntry {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  pid_t sid = 0;
  std::uint64_t start_time = 0;  // clock ticks after boot: with pid, names one process for good
  char state = '?';              // 'Z' for a zombie
  std::string name;              // comm, at most 15 bytes
};

// A cgroup (v2) of one run's own, made before the fork so that the child can
// join it: it writes "0" to procs_fd before it executes the connector. Every
// descendant stays in it whatever it does to its session or process group.
// Empty (dir "") where this process may not create cgroups; the /proc lineage
// then tracks the run alone.
struct RunCgroup {
  std::string dir;
  int procs_fd = -1;  // <dir>/cgroup.procs, close-on-exec
  int id = 0;
};
RunCgroup makeRunCgroup();

// Every process visible in /proc, in pid order. A process that exits while
// the folder is read is simply missing.
std::vector<ProcessEntry> listProcesses();

// "pid 4711 (sleep), in a session of its own" and the like, for findings.
std::string describeProcess(const ProcessEntry& p);

// Everything one connector run started, whatever it did to hide: children
// that left the process group, called setsid, or double-forked and were
// reparented to this process (the harness is a child subreaper). Where the
// run has a cgroup, its members are simply the cgroup's. Otherwise they are
// found by walking parent links in /proc from the run's leader; a member
// orphaned between two scans is still ours, because orphans of a connector
// are reparented here and carry a process group other than the harness's.
//
// Every lineage is also registered with a guard process that outlives the
// harness: if the harness is killed with SIGKILL, the guard kills every
// registered group and member, so no connector process outlives its drill.
//
// Thread-safety: every member function may be called from any thread; the
// lineages of concurrent runs share one registry under a lock.
class Lineage {
 public:
  // Registers `leader` (also its process group id). `on_stop` is called once,
  // under the registry lock, when the harness is asked to stop (see
  // requestStop); it must only post work elsewhere.
  Lineage(pid_t leader, RunCgroup cgroup, std::function<void()> on_stop);
  ~Lineage();
  Lineage(const Lineage&) = delete;
  Lineage& operator=(const Lineage&) = delete;

  // Adds every live descendant of the leader or of a known member, and
  // orphans reparented to the harness that no other lineage can claim.
  void scan();

  // SIGKILL to the leader's group and to every live member; returns the live
  // members that were outside the leader's process group (they had escaped).
  std::vector<ProcessEntry> killAll();

  // Kills and reaps until no member is left, or `limit` has passed. Members
  // whose parent is still a member are reaped by the harness once that parent
  // dies and they are reparented here.
  void killAndReap(std::chrono::milliseconds limit);

 private:
  friend void requestStop(int signal_number);
  void forgetInGuard();

  pid_t leader_;
  std::function<void()> on_stop_;
  std::map<pid_t, std::uint64_t> members_;  // pid -> start_time; the leader is not listed
  std::vector<pid_t> guarded_;              // pids the guard was told about
  std::string cgroup_dir_;                  // "" when the run has no cgroup
  int cgroup_id_ = 0;
};

// Held while a connector is forked and its Lineage registered, so that no scan
// mistakes a leader that is not registered yet for an orphan to claim.
std::mutex& spawnMutex();

// Starts the guard process once per harness process; later calls do nothing.
// Must be called before the first connector is started. The guard holds no
// descriptor of the harness but its end of a socket, so it never keeps a
// connector's pipe open.
void startProcessGuard();

// Asks every running connector to stop (SIGTERM, then SIGKILL after its grace
// period) and makes stopRequested() true. Safe from any thread, not from a
// signal handler: a caller waits for signals with sigwait and calls this.
void requestStop(int signal_number);

// The signal that asked the harness to stop, or 0.
int stopRequested();

// Clears a stop request (a test that exercised it, or a new drill in the
// same process after the caller handled it).
void clearStopRequest();

}  // namespace faultline::harness
