#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace faultline::harness {

// What to run and under which limits. A plain value: copy it freely.
struct ProcessSpec {
  std::string executable;                  // absolute path, already resolved
  std::vector<std::string> args;           // argv[1..]; argv[0] is `executable`
  std::map<std::string, std::string> env;  // the COMPLETE environment: nothing is inherited
  std::string working_dir;                 // empty: inherit the harness's cwd
  std::string stdin_data;                  // written, then stdin is closed
  std::chrono::milliseconds timeout{60000};
  std::chrono::milliseconds kill_grace{2000};  // between SIGTERM and SIGKILL
  std::size_t stdout_cap = 64u << 20;          // bytes kept; the rest is read and discarded
  std::size_t stderr_cap = 1u << 20;
  // Arrival times kept for at most this many stdout lines (8 bytes each); a
  // flood of empty lines must not cost eight times stdout_cap.
  std::size_t stdout_line_times_cap = 1u << 20;
  // Called once the child runs, with its process group id (its pid), so a
  // caller can signal the group (a drill's kill_connector fault). The group is
  // reaped before runProcess returns; stop using the id by then.
  std::function<void(int)> on_started;
};

// How a run ended. Everything the child did is reported here, never thrown.
struct ProcessResult {
  bool started = false;
  std::string start_error;         // why it could not start (not found, not executable, ...)
  std::optional<int> exit_code;    // set when it exited normally
  std::optional<int> term_signal;  // set when it was killed by a signal
  // Neither exit_code nor term_signal is set only if the status could not be collected
  // (e.g. the harness ignores SIGCHLD, so the kernel reaped the child itself).
  bool timed_out = false;           // the timeout fired before everything had finished
  bool needed_kill = false;         // SIGTERM was not enough within kill_grace; SIGKILL sent
  bool left_processes = false;      // the main process exited on its own while other members of
                                    // its process group were still alive (they were killed)
  bool pipes_held_open = false;     // after the main process ended, a process outside its group
                                    // kept stdin/stdout/stderr open until a deadline closed them
  // Processes the connector started that had left its process group (setsid, a daemon's
  // double fork) and were still alive when it exited; each was killed. describeProcess text.
  std::vector<std::string> escaped_processes;
  bool interrupted = false;         // faultline was asked to stop (requestStop) during the run
  bool stdin_closed_early = false;  // the child stopped reading before all of stdin_data
  std::uint64_t stdin_bytes = 0;    // bytes of stdin_data the child accepted
  std::string stdout_data, stderr_data;
  // For each line of stdout_data, in order: ms since the process started at
  // which the line was complete: its '\n' was read, or, for a last line
  // without one in a stream that ended uncut, its last byte. Shorter than the
  // line count only when stdout was cut or passed stdout_line_times_cap.
  std::vector<std::int64_t> stdout_line_ms;
  std::uint64_t stdout_bytes = 0, stderr_bytes = 0;  // total bytes seen, including discarded
  bool stdout_truncated = false, stderr_truncated = false;
  std::chrono::milliseconds duration{0};
};

// Runs `spec` to completion and reports how it ended.
//
// Guarantees:
// - The child runs in a new process group with exactly spec.env, a default signal mask and
//   default signal dispositions (nothing ignored by the harness is inherited).
// - stdout and stderr are drained concurrently with stdin being written, so the child never
//   blocks on a full pipe; bytes beyond the caps are counted and discarded.
// - At the timeout the whole group gets SIGTERM, and SIGKILL after kill_grace. When the main
//   process ends, whatever is left of its group is killed with SIGKILL.
// - No descendant outlives the call, whatever its process group or session: descendants are
//   tracked through /proc (Lineage), and when the main process ends every one still alive is
//   killed and, once orphaned, reaped. For that the calling process makes itself a child
//   subreaper (PR_SET_CHILD_SUBREAPER) on first use, so orphaned descendants of connectors are
//   reparented to the harness instead of init. Those outside the group are listed in
//   escaped_processes.
// - If the harness itself dies, even by SIGKILL, the main process gets SIGKILL (a parent-death
//   signal) and a guard process kills every registered group and descendant.
// - requestStop() ends every running call as a timeout would (SIGTERM, then SIGKILL), with
//   `interrupted` set; once a stop is requested, no new process is started.
// - The call is bounded by timeout + 2 * kill_grace plus the time the kernel takes to deliver
//   SIGKILL, and never throws for anything the child does.
//
// Thread-safety: safe to call from several threads at once; each call owns its own event loop,
// pipes and timers. Process creation itself is serialised so that no child inherits another
// call's pipes.
ProcessResult runProcess(const ProcessSpec& spec);

// Resolves a manifest command to an absolute path to an executable regular file: an absolute
// path is checked as is; a path containing '/' is taken relative to base_dir; a bare name is
// looked up on the harness's PATH. Returns nullopt with *error (if non-null) set to a message
// naming the command, e.g. "connector command 'x': not found on PATH".
// Thread-safety: safe to call concurrently as long as nobody modifies PATH meanwhile.
std::optional<std::string> resolveExecutable(const std::string& command,
                                             const std::string& base_dir, std::string* error);

}  // namespace faultline::harness
