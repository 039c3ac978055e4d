// `xpile port` on tests/porting/repo (several folders, CMake and a Makefile, .cu and .cuh, macros,
// templates, comments mentioning CUDA, cuBLAS and cuRAND, a warp-shuffle reduction): the ported
// tree compiles with hipcc, its kernels verify against the originals, comment lines stay byte
// for byte, a second run writes nothing, and an in-place run killed midway loses nothing.
#include "tests/e2e/process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

using namespace xpile::test;
namespace fs = std::filesystem;

namespace {

const std::string kRepo = std::string(XPILE_SOURCE_DIR) + "/tests/porting/repo";
const std::string kXpile = XPILE_BINARY;

ProcessResult port(const std::string &args) {
  return run(shellQuote(kXpile) + " port --to hip -I" + shellQuote(kRepo + "/common") + " " + args);
}

// Relative path -> contents of every file under `dir`, without what `xpile port` writes for itself.
std::map<std::string, std::string> tree(const std::string &dir) {
  std::map<std::string, std::string> files;
  for (auto &e : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(e.path(), dir).string();
    if (!e.is_regular_file() || rel.rfind(".xpile-port", 0) == 0 || rel.rfind("xpile-port-report", 0) == 0) continue;
    files[rel] = readFile(e.path().string());
  }
  return files;
}

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p < text.size()) {
    size_t nl = text.find('\n', p);
    out.push_back(text.substr(p, nl == std::string::npos ? std::string::npos : nl - p));
    p = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out;
}

class PortRepo : public ::testing::Test {
protected:
  void SetUp() override { work_ = makeTempDir(); }
  void TearDown() override { fs::remove_all(work_); }
  std::string work_;
};

TEST_F(PortRepo, OutDirCompilesVerifiesKeepsUntouchedLinesAndRerunsAsNoOp) {
  std::string out = work_ + "/out";
  auto before = tree(kRepo);
  ProcessResult r = port(shellQuote(kRepo) + " --out-dir " + shellQuote(out) + " -j2");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(tree(kRepo), before) << "the source tree was written";
  auto ported = tree(out);
  for (const char *f : {"kernels/vector_ops.hip", "kernels/reduce.hip", "blas/gemm_random.hip", "app/main.hip",
                        "common/cuda_check.cuh", "common/warp_reduce.cuh", "CMakeLists.txt", "Makefile", "README.md"})
    EXPECT_TRUE(ported.count(f)) << f;
  EXPECT_FALSE(ported.count("kernels/vector_ops.cu"));
  EXPECT_NE(ported["kernels/CMakeLists.txt"].find("add_library(kernels STATIC vector_ops.hip reduce.hip)"), std::string::npos);
  EXPECT_EQ(ported["blas/gemm_random.hip"].find("cublas"), std::string::npos);
  EXPECT_EQ(ported["blas/gemm_random.hip"].find("curand"), std::string::npos);

  // Comment lines and blank lines of every source are byte-identical, at the same line.
  for (const auto &[rel, original] : before) {
    std::string outName = rel.size() > 3 && rel.compare(rel.size() - 3, 3, ".cu") == 0 ? rel.substr(0, rel.size() - 3) + ".hip" : rel;
    auto a = lines(original), b = lines(ported[outName]);
    for (size_t i = 0; i < a.size(); ++i) {
      bool source = outName != rel || rel.find(".cuh") != std::string::npos;
      if (!source || !(a[i].empty() || a[i].rfind("//", 0) == 0)) continue;
      ASSERT_LT(i, b.size()) << rel;
      EXPECT_EQ(a[i], b[i]) << rel << ":" << i + 1;
    }
  }

  // The report: JSON totals agree with the files.
  std::string json = readFile(out + "/xpile-port-report.json");
  EXPECT_NE(json.find("\"success\": true"), std::string::npos);
  EXPECT_NE(readFile(out + "/xpile-port-report.md").find("| converted references |"), std::string::npos);

  // Every translated source compiles with hipcc for gfx90a.
  if (!haveProgram("/usr/bin/hipcc")) {
    GTEST_SKIP() << "hipcc not installed";
  }
  bool haveHipblas = run("echo '#include <hipblas/hipblas.h>' | /usr/bin/hipcc --offload-arch=gfx90a -x hip -fsyntax-only -").exitCode == 0;
  for (const char *f : {"kernels/vector_ops.hip", "kernels/reduce.hip", "blas/gemm_random.hip", "app/main.hip"}) {
    if (!haveHipblas && std::string(f) == "blas/gemm_random.hip") {
      std::printf("note: hipBLAS headers are not installed; %s not compiled\n", f);
      continue;
    }
    ProcessResult c = run("/usr/bin/hipcc --offload-arch=gfx90a -c -I" + shellQuote(out + "/common") + " " +
                          shellQuote(out + "/" + f) + " -o " + shellQuote(work_ + "/x.o"));
    EXPECT_EQ(c.exitCode, 0) << f << "\n" << c.err;
  }

  // Kernels verify against the originals on the executors. Each side must see its own headers:
  // the ported sources are verified next to copies of the ported headers (a quoted include looks
  // in the includer's directory first), the originals with -I to the original headers.
  std::string hipSide = work_ + "/verify-hip";
  fs::create_directories(hipSide);
  for (const char *f : {"kernels/vector_ops.hip", "kernels/reduce.hip", "common/cuda_check.cuh", "common/warp_reduce.cuh"})
    fs::copy_file(out + "/" + f, hipSide + "/" + fs::path(f).filename().string());
  std::string includes = " -I" + shellQuote(kRepo + "/common");
  ProcessResult v1 = run(shellQuote(kXpile) + " verify " + shellQuote(kRepo + "/kernels/vector_ops.cu") + " " +
                         shellQuote(hipSide + "/vector_ops.hip") + includes +
                         " --kernel saxpy --grid 4 --block 256 --arg i32:1000 --arg f32:2.5 --arg 'f32[1000]:rand' --arg 'f32[1000]:rand'");
  EXPECT_EQ(v1.exitCode, 0) << v1.out << v1.err;
  ProcessResult v2 = run(shellQuote(kXpile) + " verify " + shellQuote(kRepo + "/kernels/reduce.cu") + " " +
                         shellQuote(hipSide + "/reduce.hip") + includes +
                         " --kernel blockSum --grid 4 --block 256 --arg 'f32[1000]:rand' --arg 'f32[4]:zeros' --arg i32:1000");
  EXPECT_EQ(v2.exitCode, 0) << v2.out << v2.err;
  // The header's shuffle is the exact HIP form (width 32: CUDA's 32-lane segments).
  EXPECT_NE(ported["common/warp_reduce.cuh"].find("    value += __shfl_down(value, offset, 32);\n"), std::string::npos)
      << ported["common/warp_reduce.cuh"];

  // A second run parses nothing and writes nothing.
  std::map<std::string, fs::file_time_type> times;
  for (auto &[rel, text] : ported) times[rel] = fs::last_write_time(out + "/" + rel);
  ProcessResult again = port(shellQuote(kRepo) + " --out-dir " + shellQuote(out) + " -j2");
  ASSERT_EQ(again.exitCode, 0) << again.err;
  EXPECT_EQ(tree(out), ported);
  for (auto &[rel, t] : times) EXPECT_EQ(fs::last_write_time(out + "/" + rel), t) << rel;
  std::string json2 = readFile(out + "/xpile-port-report.json");
  EXPECT_NE(json2.find("\"written\": 0"), std::string::npos);
  EXPECT_NE(json2.find("\"cached\": 4"), std::string::npos);
}

TEST_F(PortRepo, InPlaceKeepsBackupsAndSurvivesBeingKilled) {
  std::string clean = work_ + "/clean", copy = work_ + "/copy";
  ASSERT_EQ(port(shellQuote(kRepo) + " --out-dir " + shellQuote(clean)).exitCode, 0);
  auto expected = tree(clean), originals = tree(kRepo);
  fs::copy(kRepo, copy, fs::copy_options::recursive);

  // Start an in-place run and kill it once it has written its first backup.
  ProcessResult started = run(shellQuote(kXpile) + " port --to hip --in-place -j1 -I" + shellQuote(copy + "/common") + " " +
                              shellQuote(copy) + " >/dev/null 2>&1 & echo $!");
  int pid = std::stoi(started.out);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(copy + "/.xpile-port-backup") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  run("kill -9 " + std::to_string(pid));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  // Every file is its original or its complete port; every backup is an original. A temporary
  // file the kill interrupted is not a file of the tree (it is only ever renamed into place when
  // complete); the re-run below removes it.
  for (const auto &[rel, text] : tree(copy)) {
    if (fs::path(rel).filename().string().find(".xpile-tmp-") != std::string::npos) continue;
    bool isOriginal = originals.count(rel) && originals[rel] == text;
    bool isPorted = expected.count(rel) && expected[rel] == text;
    EXPECT_TRUE(isOriginal || isPorted) << rel;
  }
  if (fs::exists(copy + "/.xpile-port-backup"))
    for (auto &e : fs::recursive_directory_iterator(copy + "/.xpile-port-backup"))
      if (e.is_regular_file() && e.path().filename().string().find(".xpile-tmp-") == std::string::npos) {
        std::string rel = fs::relative(e.path(), copy + "/.xpile-port-backup").string();
        EXPECT_EQ(readFile(e.path().string()), originals[rel]) << rel;
      }

  // The re-run finishes the job: the tree equals a clean run's, and the backups hold every original.
  ProcessResult rerun = run(shellQuote(kXpile) + " port --to hip --in-place -I" + shellQuote(copy + "/common") + " " + shellQuote(copy));
  ASSERT_EQ(rerun.exitCode, 0) << rerun.err;
  EXPECT_EQ(tree(copy), expected);
  for (const auto &[rel, text] : originals) {
    if (expected.count(rel) == 0 || expected[rel] != text) {
      EXPECT_EQ(readFile(copy + "/.xpile-port-backup/" + rel), text) << rel;
    }
  }
}

}  // namespace
