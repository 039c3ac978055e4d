// The sandbox: exit statuses, faults, time and memory limits, crashes, bounded output, and no
// process left behind.
#include "backends/exec/compiler.h"
#include "backends/exec/sandbox.h"
#include "tests/exec/test_util.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace xpile::exec {
namespace {

using Status = RunResult::Status;

RunResult sh(const std::string &script, RunLimits limits = {}, const std::map<std::string, std::string> &env = {},
             const std::string &dir = "") {
  return runSandboxed({"sh", "-c", script}, env, limits, dir);
}

// Whether process `pid` is gone (or a zombie waiting for its parent to reap it).
bool processGone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

TEST(Sandbox, ExitStatusesAndOutput) {
  RunResult ok = sh("echo hello; echo warn >&2");
  EXPECT_EQ(ok.status, Status::Ok);
  EXPECT_EQ(ok.exitCode, 0);
  EXPECT_EQ(ok.out, "hello\n");
  EXPECT_EQ(ok.err, "warn\n");
  EXPECT_TRUE(ok.ok());

  RunResult failed = sh("exit 3");
  EXPECT_EQ(failed.status, Status::Failed);
  EXPECT_EQ(failed.exitCode, 3);
  EXPECT_EQ(failed.message, "exited with status 3");
  EXPECT_EQ(failed.signal, 0);

  // 86 without a fault line is an ordinary failure.
  EXPECT_EQ(sh("exit 86").status, Status::Failed);
  EXPECT_STREQ(statusName(Status::MemoryLimit), "memory");
}

TEST(Sandbox, FaultLineIsParsed) {
  RunResult r = sh("echo partial; echo 'xpile-fault: out-of-bounds: access a[i] at line 7: element 1024 of buffer' >&2; "
                   "echo more >&2; exit 86");
  EXPECT_EQ(r.status, Status::Fault);
  EXPECT_EQ(r.exitCode, 86);
  EXPECT_EQ(r.faultKind, "out-of-bounds");
  EXPECT_EQ(r.faultMessage, "access a[i] at line 7: element 1024 of buffer");
  EXPECT_EQ(r.message, "out-of-bounds: access a[i] at line 7: element 1024 of buffer");
  EXPECT_EQ(r.out, "partial\n");

  std::string kind, message;
  EXPECT_TRUE(parseFaultLine("xpile-fault: divergent-barrier: block (0,0,0)\n", &kind, &message));
  EXPECT_EQ(kind, "divergent-barrier");
  EXPECT_EQ(message, "block (0,0,0)");
  EXPECT_FALSE(parseFaultLine("warning: xpile-fault: x: y\n", &kind, &message));

  RunResult memory = sh("echo 'xpile-fault: memory: cannot allocate 99 bytes' >&2; exit 86");
  EXPECT_EQ(memory.status, Status::MemoryLimit);
  EXPECT_EQ(memory.faultKind, "memory");
}

TEST(Sandbox, InfiniteLoopIsKilledByTheTimeout) {
  RunLimits limits;
  limits.timeoutSeconds = 1;
  RunResult r = sh("while :; do :; done", limits);
  EXPECT_EQ(r.status, Status::Timeout);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.message, "timed out after 1 s");
  EXPECT_GE(r.seconds, 1.0);
  EXPECT_LT(r.seconds, 2.0);
  ASSERT_GT(r.pid, 0);
  EXPECT_EQ(::kill(-r.pid, 0), -1);  // the process group is empty
  EXPECT_EQ(errno, ESRCH);
  EXPECT_TRUE(processGone(r.pid));
}

TEST(Sandbox, TimeoutKillsTheWholeGroupEvenWithOutputPipesHeldOpen) {
  // The child starts a grandchild that keeps stdout open, and both loop forever.
  RunLimits limits;
  limits.timeoutSeconds = 1;
  RunResult r = sh("(while :; do sleep 1; done) & echo $!; while :; do :; done", limits);
  EXPECT_EQ(r.status, Status::Timeout);
  EXPECT_LT(r.seconds, 2.5);
  pid_t grandchild = std::atoi(r.out.c_str());
  ASSERT_GT(grandchild, 0);
  bool gone = false;
  for (int i = 0; i < 100 && !(gone = processGone(grandchild)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(gone);
}

TEST(Sandbox, NoProcessLeftBehindWhenTheChildExits) {
  // The grandchild would sleep for 100 s; the run returns at once and the grandchild is killed.
  RunResult r = sh("sleep 100 & echo $!; exit 0");
  EXPECT_EQ(r.status, Status::Ok);
  EXPECT_LT(r.seconds, 2.0);
  pid_t grandchild = std::atoi(r.out.c_str());
  ASSERT_GT(grandchild, 0);
  bool gone = false;
  for (int i = 0; i < 100 && !(gone = processGone(grandchild)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(gone);
  EXPECT_TRUE(processGone(r.pid));
}

TEST(Sandbox, SegfaultIsACrash) {
  RunResult r = sh("kill -SEGV $$");
  EXPECT_EQ(r.status, Status::Crash);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_EQ(r.signalName, "segmentation fault");
  EXPECT_EQ(r.message, "crashed: segmentation fault (signal 11)");
  EXPECT_EQ(signalDescription(SIGFPE), "floating-point exception");
  EXPECT_EQ(signalDescription(SIGBUS), "bus error");
}

TEST(Sandbox, LargeOutputIsBoundedAndDoesNotHang) {
  RunLimits limits;
  limits.timeoutSeconds = 20;
  // 5 MB on each stream, interleaved, so a reader of only one pipe would deadlock.
  RunResult r = sh("for i in 1 2 3 4 5; do head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2; done", limits);
  EXPECT_EQ(r.status, Status::Ok);
  EXPECT_EQ(r.out.size(), size_t(1) << 20);
  EXPECT_EQ(r.err.size(), size_t(1) << 20);
  EXPECT_TRUE(r.outTruncated);
  EXPECT_TRUE(r.errTruncated);
  EXPECT_LT(r.seconds, 10.0);

  limits.maxOutputBytes = 10;
  RunResult small = sh("echo 0123456789abcdef", limits);
  EXPECT_EQ(small.out, "0123456789");
  EXPECT_TRUE(small.outTruncated);
}

TEST(Sandbox, EnvironmentWorkDirAndStdin) {
  test::TempDir dir;
  RunResult r = sh("echo \"$XPILE_TEST_VALUE $HOME_SET\"; pwd; cat", {}, {{"XPILE_TEST_VALUE", "42"}, {"HOME_SET", "x"}},
                   dir.path());
  EXPECT_EQ(r.status, Status::Ok);
  EXPECT_EQ(r.out, "42 x\n" + dir.path() + "\n");  // cat reads /dev/null: nothing

  // The caller's environment is passed on, with `env` overriding it.
  ::setenv("XPILE_TEST_INHERITED", "inherited", 1);
  RunResult inherited = sh("echo $XPILE_TEST_INHERITED");
  EXPECT_EQ(inherited.out, "inherited\n");
  RunResult overridden = sh("echo $XPILE_TEST_INHERITED", {}, {{"XPILE_TEST_INHERITED", "over"}});
  EXPECT_EQ(overridden.out, "over\n");
  ::unsetenv("XPILE_TEST_INHERITED");
}

TEST(Sandbox, SpawnErrors) {
  RunResult missing = runSandboxed({"/nonexistent/program"}, {}, {}, "");
  EXPECT_EQ(missing.status, Status::SpawnError);
  EXPECT_EQ(missing.message, "cannot execute '/nonexistent/program': No such file or directory");
  RunResult badDir = runSandboxed({"true"}, {}, {}, "/nonexistent/dir");
  EXPECT_EQ(badDir.status, Status::SpawnError);
  EXPECT_EQ(badDir.message, "cannot enter the working directory for 'true' ('/nonexistent/dir'): No such file or directory");
  EXPECT_EQ(runSandboxed({}, {}, {}, "").status, Status::SpawnError);
}

TEST(Sandbox, AllocatingBeyondTheMemoryLimitIsMemoryLimit) {
  CompileOptions options;
  options.cacheDir = test::sharedCacheDir();
  CompileResult c = compileProgram(R"(
#include <cstdio>
#include <cstring>
#include <vector>
int main(int argc, char **argv) {
  std::vector<char> big(size_t(16) << 30);  // 16 GiB, used so that the allocation is not optimised away
  std::memset(big.data(), argc, big.size());
  std::printf("allocated %d\n", big[size_t(argc) << 33]);
  return 0;
}
)",
                                   options);
  ASSERT_TRUE(c.ok) << c.diagnostics;
  RunLimits limits;  // 8 GiB by default
  RunResult r = runSandboxed({c.executable}, {}, limits, "");
  EXPECT_EQ(r.status, Status::MemoryLimit) << r.message << "\n" << r.err;
  EXPECT_EQ(r.signal, SIGABRT);
  EXPECT_NE(r.err.find("std::bad_alloc"), std::string::npos);
  EXPECT_EQ(r.out, "");
}

TEST(Sandbox, ConcurrentRuns) {
  std::vector<std::thread> threads;
  std::vector<RunResult> results(6);
  for (size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&results, i] { results[i] = sh("echo " + std::to_string(i) + "; exit " + std::to_string(i)); });
  for (std::thread &t : threads) t.join();
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].out, std::to_string(i) + "\n");
    EXPECT_EQ(results[i].exitCode, static_cast<int>(i));
  }
}

}  // namespace
}  // namespace xpile::exec
