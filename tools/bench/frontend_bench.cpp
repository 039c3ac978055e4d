// Benchmark (not a test): how long parse + lower + print takes on a realistic 500-line CUDA file,
// against the baseline of Clang alone parsing and type-checking the same file with the same
// prelude. Prints median times over repeated runs and the ratios.
//
//   xpile-bench-frontend [FILE] [--runs N]
#include "backends/printer.h"
#include "frontends/frontend.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace xpile;

namespace {

double medianMs(int runs, const std::function<void()> &body) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    body();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char **argv) {
  std::string path = XPILE_SOURCE_DIR "/tests/starter/cuda/large_500_lines.cu";
  int runs = 15;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else path = a;
  }
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "xpile-bench-frontend: error: cannot read '%s'\n", path.c_str());
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string source = ss.str();
  long lines = std::count(source.begin(), source.end(), '\n');

  frontends::ParseOptions parseOnly;
  parseOnly.lower = false;
  frontends::ParseOptions full;

  // Warm up caches (file system, allocator) once before measuring.
  auto warm = frontends::parseSource(path, source, full);
  if (!warm.module) {
    std::fprintf(stderr, "%s", warm.diagnostics.c_str());
    return 1;
  }
  ast::Dialect dialect = warm.module->dialect;

  double clangMs = medianMs(runs, [&] { frontends::parseSource(path, source, parseOnly); });
  double parseLowerMs = medianMs(runs, [&] { frontends::parseSource(path, source, full); });
  double printMs = medianMs(runs, [&] { backends::printModule(*warm.module, dialect); });
  double printUnformattedMs = medianMs(runs, [&] { backends::printModule(*warm.module, dialect, {/*format=*/false}); });
  double totalMs = medianMs(runs, [&] {
    auto r = frontends::parseSource(path, source, full);
    backends::printModule(*r.module, dialect);
  });

  std::printf("file: %s (%ld lines, dialect %s), median of %d runs\n", path.c_str(), lines, ast::dialectName(dialect), runs);
  std::printf("  %-38s %9.1f ms   (baseline)\n", "clang parse + sema only", clangMs);
  std::printf("  %-38s %9.1f ms   x%.2f of baseline\n", "parse + lower", parseLowerMs, parseLowerMs / clangMs);
  std::printf("  %-38s %9.1f ms\n", "print (unformatted)", printUnformattedMs);
  std::printf("  %-38s %9.1f ms\n", "print + clang-format", printMs);
  std::printf("  %-38s %9.1f ms   x%.2f of baseline\n", "parse + lower + print (total)", totalMs, totalMs / clangMs);
  std::printf("  lowering overhead over clang: %.1f ms; throughput %.0f lines/s\n", parseLowerMs - clangMs,
              lines / (totalMs / 1000.0));
  return 0;
}
