// Running a program under test without letting it hurt xpile: a child process in its own process
// group, with an address-space limit, no core dumps, a CPU-time backstop and a wall-clock timeout
// after which the whole group is killed; stdout and stderr captured (bounded) while it runs.
//
// Classification of how the program ended (RunResult::status):
//   Ok           exit status 0
//   Failed       any other exit status (86 without an `xpile-fault:` line included)
//   Fault        exit status 86 (xpile::rt::kFaultExitCode) and a stderr line
//                `xpile-fault: KIND: message` (normally the first; the first such line counts)
//   Timeout      still running at the wall-clock limit (the process group was killed with SIGKILL),
//                or killed by SIGXCPU (the CPU-time backstop)
//   MemoryLimit  best effort: an allocation failed under the address-space limit. Recognised when the
//                program died of SIGABRT with "std::bad_alloc" on stderr (an uncaught allocation
//                failure in C++), when it reported `xpile-fault: memory: ...` (the harness does when
//                a buffer cannot be allocated), or when it was killed by a SIGKILL that xpile did not
//                send (the kernel's OOM killer). A C program that dereferences the null pointer
//                malloc returned is reported as a Crash.
//   Crash        killed by any other signal; signalName says which ("segmentation fault", ...)
//   SpawnError   the program could not be started (not found, not executable, fork failed, ...);
//                message says why
// When the run returns, no process of the group is left (it is SIGKILLed after the main child exits,
// before the child is reaped).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace xpile::exec {

struct RunLimits {
  double timeoutSeconds = 10;                       // wall clock; <= 0: no limit
  size_t memoryBytes = size_t(8) << 30;             // RLIMIT_AS; 0: no limit
  double cpuSeconds = 0;                            // RLIMIT_CPU; 0: timeoutSeconds x cores + 10 (a
                                                    // backstop; none if there is no timeout); < 0: none
  size_t maxOutputBytes = size_t(1) << 20;          // kept of stdout and of stderr each; the rest is read
                                                    // and dropped
};

struct RunResult {
  enum class Status { Ok, Failed, Fault, Timeout, MemoryLimit, Crash, SpawnError };
  Status status = Status::SpawnError;
  int exitCode = -1;           // when the program exited
  int signal = 0;              // when it was killed by a signal (SIGKILL for Timeout)
  std::string signalName;      // "segmentation fault", "aborted", ... (empty without a signal)
  std::string faultKind;       // Fault: KIND of `xpile-fault: KIND: message`
  std::string faultMessage;    // Fault: message
  std::string message;         // one line describing a non-Ok result, e.g. "timed out after 10 s"
  double seconds = 0;          // wall clock
  std::string out, err;        // captured stdout / stderr (at most maxOutputBytes each)
  bool outTruncated = false, errTruncated = false;
  int pid = -1;                // the child's pid, which was also its process group id

  bool ok() const { return status == Status::Ok; }
};

const char *statusName(RunResult::Status status);  // "ok", "failed", "fault", "timeout", "memory", "crash", "spawn-error"

// "segmentation fault" for SIGSEGV, "aborted" for SIGABRT, ...; strsignal's text for the rest.
std::string signalDescription(int sig);

// Runs argv (argv[0] is the program: a path, or a name looked up on PATH) with the caller's
// environment plus `env` (which overrides), in `workDir` (empty: the current directory), stdin
// from /dev/null. Safe to call from several threads at once.
RunResult runSandboxed(const std::vector<std::string> &argv, const std::map<std::string, std::string> &env,
                       const RunLimits &limits, const std::string &workDir);

// Splits a stderr text at its first `xpile-fault: KIND: message` line; false if there is none.
bool parseFaultLine(const std::string &stderrText, std::string *kind, std::string *message);

}  // namespace xpile::exec
