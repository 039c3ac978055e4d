#include "backends/exec/sandbox.h"

#include "backends/runtime/xpile_rt.h"

#include <llvm/Support/Program.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace xpile::exec {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string formatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// Reads what is available on a non-blocking fd into `into` (up to `cap` bytes kept). Returns false
// at end of file or on an error other than EAGAIN.
bool drain(int fd, std::string &into, size_t cap, bool &truncated) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      size_t room = into.size() < cap ? cap - into.size() : 0;
      size_t keep = std::min(room, static_cast<size_t>(n));
      into.append(buf, keep);
      if (keep < static_cast<size_t>(n)) truncated = true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

void closeFd(int &fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Whether the child has exited, without reaping it (the zombie keeps its pid and process group id
// reserved until we have killed the rest of the group).
bool hasExited(pid_t pid, bool block) {
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  for (;;) {
    int rc = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | (block ? 0 : WNOHANG));
    if (rc == 0) return info.si_pid == pid;
    if (errno == EINTR) continue;
    return true;  // ECHILD: nothing to wait for
  }
}

std::string resolveProgram(const std::string &name) {
  if (name.find('/') != std::string::npos) return name;
  if (auto found = llvm::sys::findProgramByName(name)) return *found;
  return name;
}

}  // namespace

const char *statusName(RunResult::Status status) {
  switch (status) {
  case RunResult::Status::Ok: return "ok";
  case RunResult::Status::Failed: return "failed";
  case RunResult::Status::Fault: return "fault";
  case RunResult::Status::Timeout: return "timeout";
  case RunResult::Status::MemoryLimit: return "memory";
  case RunResult::Status::Crash: return "crash";
  case RunResult::Status::SpawnError: return "spawn-error";
  }
  return "unknown";
}

std::string signalDescription(int sig) {
  switch (sig) {
  case SIGSEGV: return "segmentation fault";
  case SIGBUS: return "bus error";
  case SIGFPE: return "floating-point exception";
  case SIGILL: return "illegal instruction";
  case SIGABRT: return "aborted";
  case SIGKILL: return "killed";
  case SIGTERM: return "terminated";
  case SIGTRAP: return "trace/breakpoint trap";
  case SIGSYS: return "bad system call";
  case SIGPIPE: return "broken pipe";
  case SIGXCPU: return "CPU time limit exceeded";
  case SIGXFSZ: return "file size limit exceeded";
  case SIGINT: return "interrupted";
  }
  const char *text = ::strsignal(sig);
  return text ? std::string(text) : "signal " + std::to_string(sig);
}

bool parseFaultLine(const std::string &text, std::string *kind, std::string *message) {
  static const std::string prefix = "xpile-fault: ";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (text.compare(pos, prefix.size(), prefix) == 0) {
      std::string rest = text.substr(pos + prefix.size(), end - pos - prefix.size());
      if (!rest.empty() && rest.back() == '\r') rest.pop_back();
      size_t colon = rest.find(": ");
      std::string k = colon == std::string::npos ? rest : rest.substr(0, colon);
      std::string m = colon == std::string::npos ? std::string() : rest.substr(colon + 2);
      if (!k.empty() && k.find(' ') == std::string::npos) {
        if (kind) *kind = k;
        if (message) *message = m;
        return true;
      }
    }
    pos = end + 1;
  }
  return false;
}

RunResult runSandboxed(const std::vector<std::string> &argv, const std::map<std::string, std::string> &env,
                       const RunLimits &limits, const std::string &workDir) {
  RunResult result;
  Clock::time_point start = Clock::now();
  if (argv.empty()) {
    result.message = "no program to run";
    return result;
  }

  // Everything the child needs is prepared before fork(): after it, only async-signal-safe calls.
  std::string program = resolveProgram(argv[0]);
  std::vector<char *> childArgv;
  for (const std::string &a : argv) childArgv.push_back(const_cast<char *>(a.c_str()));
  childArgv.push_back(nullptr);

  std::vector<std::string> envStrings;
  for (char **e = environ; e && *e; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    if (!env.count(name)) envStrings.push_back(std::move(entry));
  }
  for (const auto &[name, value] : env) envStrings.push_back(name + "=" + value);
  std::vector<char *> childEnv;
  for (std::string &s : envStrings) childEnv.push_back(s.data());
  childEnv.push_back(nullptr);

  rlimit asLimit{RLIM_INFINITY, RLIM_INFINITY};
  if (limits.memoryBytes) asLimit.rlim_cur = asLimit.rlim_max = static_cast<rlim_t>(limits.memoryBytes);
  rlimit coreLimit{0, 0};
  rlimit cpuLimit{RLIM_INFINITY, RLIM_INFINITY};
  double cpu = limits.cpuSeconds;
  if (cpu == 0 && limits.timeoutSeconds > 0)
    cpu = limits.timeoutSeconds * std::max(1u, std::thread::hardware_concurrency()) + 10;
  if (cpu > 0) {
    cpuLimit.rlim_cur = static_cast<rlim_t>(std::ceil(cpu));
    cpuLimit.rlim_max = cpuLimit.rlim_cur + 5;
  }

  int outPipe[2] = {-1, -1}, errPipe[2] = {-1, -1}, execPipe[2] = {-1, -1};
  int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devNull < 0 || ::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0 ||
      ::pipe2(execPipe, O_CLOEXEC) != 0) {
    result.message = std::string("cannot create pipes: ") + std::strerror(errno);
    for (int fd : {devNull, outPipe[0], outPipe[1], errPipe[0], errPipe[1], execPipe[0], execPipe[1]})
      if (fd >= 0) ::close(fd);
    return result;
  }
  const pid_t parent = ::getpid();
  const char *dir = workDir.empty() ? nullptr : workDir.c_str();

  pid_t pid = ::fork();
  if (pid == 0) {
    // The child. Report a failure before exec as {stage, errno} on execPipe.
    auto fail = [&](int stage) {
      int report[2] = {stage, errno};
      ssize_t ignored = ::write(execPipe[1], report, sizeof report);
      (void)ignored;
      ::_exit(127);
    };
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl;
    std::memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s)
      if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &dfl, nullptr);
    if (::dup2(devNull, 0) < 0 || ::dup2(outPipe[1], 1) < 0 || ::dup2(errPipe[1], 2) < 0) fail(0);
    if (dir && ::chdir(dir) != 0) fail(1);
    if (::setrlimit(RLIMIT_AS, &asLimit) != 0 || ::setrlimit(RLIMIT_CORE, &coreLimit) != 0 ||
        ::setrlimit(RLIMIT_CPU, &cpuLimit) != 0)
      fail(2);
#ifdef SYS_close_range
    ::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */);
#endif
    ::execve(program.c_str(), childArgv.data(), childEnv.data());
    fail(3);
  }

  ::close(devNull);
  ::close(outPipe[1]);
  ::close(errPipe[1]);
  ::close(execPipe[1]);
  if (pid < 0) {
    result.message = std::string("cannot fork: ") + std::strerror(errno);
    ::close(outPipe[0]);
    ::close(errPipe[0]);
    ::close(execPipe[0]);
    return result;
  }
  result.pid = pid;
  ::setpgid(pid, pid);  // also done by the child; whichever runs first

  // Until exec succeeds (closing execPipe) or the child reports why it failed.
  int report[2] = {0, 0};
  ssize_t got;
  do got = ::read(execPipe[0], report, sizeof report);
  while (got < 0 && errno == EINTR);
  ::close(execPipe[0]);
  if (got == static_cast<ssize_t>(sizeof report)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    ::close(outPipe[0]);
    ::close(errPipe[0]);
    static const char *stages[] = {"cannot redirect the standard streams of", "cannot enter the working directory for",
                                   "cannot set resource limits for", "cannot execute"};
    int stage = report[0] >= 0 && report[0] < 4 ? report[0] : 3;
    result.message = std::string(stages[stage]) + " '" + argv[0] + "'" +
                     (stage == 1 ? " ('" + workDir + "')" : std::string()) + ": " + std::strerror(report[1]);
    result.seconds = secondsSince(start);
    return result;
  }

  int outFd = outPipe[0], errFd = errPipe[0];
  ::fcntl(outFd, F_SETFL, ::fcntl(outFd, F_GETFL) | O_NONBLOCK);
  ::fcntl(errFd, F_SETFL, ::fcntl(errFd, F_GETFL) | O_NONBLOCK);
#ifdef SYS_pidfd_open
  int pidFd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  int pidFd = -1;
#endif

  bool timedOut = false;
  const bool hasDeadline = limits.timeoutSeconds > 0;
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(hasDeadline ? limits.timeoutSeconds : 0));
  const size_t cap = limits.maxOutputBytes;

  for (;;) {
    if (hasExited(pid, false)) break;
    int waitMs = -1;
    if (hasDeadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count() + 1;
      if (left <= 0) {
        ::kill(-pid, SIGKILL);
        timedOut = true;
        hasExited(pid, true);
        break;
      }
      waitMs = static_cast<int>(std::min<long long>(left, 1 << 30));
    }
    if (pidFd < 0) waitMs = waitMs < 0 ? 20 : std::min(waitMs, 20);  // no pidfd: poll for the exit
    pollfd fds[3];
    int n = 0;
    if (outFd >= 0) fds[n++] = {outFd, POLLIN, 0};
    if (errFd >= 0) fds[n++] = {errFd, POLLIN, 0};
    if (pidFd >= 0) fds[n++] = {pidFd, POLLIN, 0};
    int rc = ::poll(fds, static_cast<nfds_t>(n), waitMs);
    if (rc < 0 && errno != EINTR) {
      // Should not happen; do not spin.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (outFd >= 0 && !drain(outFd, result.out, cap, result.outTruncated)) closeFd(outFd);
    if (errFd >= 0 && !drain(errFd, result.err, cap, result.errTruncated)) closeFd(errFd);
  }

  // The main child has exited (or was killed) but is not reaped yet, so its process group id cannot
  // be reused: kill whatever else is left in the group, then collect the last output.
  ::kill(-pid, SIGKILL);
  Clock::time_point drainUntil = Clock::now() + std::chrono::milliseconds(500);
  while ((outFd >= 0 || errFd >= 0) && Clock::now() < drainUntil) {
    pollfd fds[2];
    int n = 0;
    if (outFd >= 0) fds[n++] = {outFd, POLLIN, 0};
    if (errFd >= 0) fds[n++] = {errFd, POLLIN, 0};
    ::poll(fds, static_cast<nfds_t>(n), 50);
    if (outFd >= 0 && !drain(outFd, result.out, cap, result.outTruncated)) closeFd(outFd);
    if (errFd >= 0 && !drain(errFd, result.err, cap, result.errTruncated)) closeFd(errFd);
  }
  closeFd(outFd);
  closeFd(errFd);
  closeFd(pidFd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  result.seconds = secondsSince(start);

  if (WIFEXITED(status)) {
    result.exitCode = WEXITSTATUS(status);
    if (result.exitCode == 0) {
      result.status = RunResult::Status::Ok;
    } else if (result.exitCode == xpile::rt::kFaultExitCode &&
               parseFaultLine(result.err, &result.faultKind, &result.faultMessage)) {
      result.status = result.faultKind == "memory" ? RunResult::Status::MemoryLimit : RunResult::Status::Fault;
      result.message = result.faultKind + ": " + result.faultMessage;
    } else {
      result.status = RunResult::Status::Failed;
      result.message = "exited with status " + std::to_string(result.exitCode);
    }
    return result;
  }
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.signalName = signalDescription(result.signal);
    if (timedOut) {
      result.status = RunResult::Status::Timeout;
      result.message = "timed out after " + formatSeconds(limits.timeoutSeconds) + " s";
    } else if (result.signal == SIGXCPU) {
      result.status = RunResult::Status::Timeout;
      result.message = "CPU time limit of " + formatSeconds(std::ceil(cpu)) + " s exceeded";
    } else if (result.signal == SIGABRT && result.err.find("std::bad_alloc") != std::string::npos) {
      result.status = RunResult::Status::MemoryLimit;
      result.message = "out of memory (an allocation failed under the " +
                       (limits.memoryBytes ? std::to_string(limits.memoryBytes >> 20) + " MiB" : std::string("system's")) +
                       " limit)";
    } else if (result.signal == SIGKILL) {
      result.status = RunResult::Status::MemoryLimit;
      result.message = "killed (SIGKILL, not sent by xpile: probably the out-of-memory killer)";
    } else {
      result.status = RunResult::Status::Crash;
      result.message = "crashed: " + result.signalName + " (signal " + std::to_string(result.signal) + ")";
    }
    return result;
  }
  result.status = RunResult::Status::Crash;
  result.message = "ended in an unknown way (wait status " + std::to_string(status) + ")";
  return result;
}

}  // namespace xpile::exec
