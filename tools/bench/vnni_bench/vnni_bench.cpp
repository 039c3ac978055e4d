// vnni_bench.cpp -- benchmark (not a test): VNNI versions of the corpus' int8 GEMM and f32
// NCHW convolution against each other and against oneDNN, on this CPU.
//
// Every version under test is a shared library built by run.sh from entry_shim.c, exporting
// bench_gemm_u8s8s32 or bench_conv2d_nchw_f32 (same contract as the corpus entry); they are
// loaded with dlopen(RTLD_LOCAL) so versions that define the same names never meet. oneDNN is
// called directly (dnnl_gemm_u8s8s32 and convolution_forward). For each shape from the
// manifests every version is first checked against the C reference (exact for int32, the
// manifest's rtol/atol for f32), then timed: warm-up, then the median of --runs samples, each
// sample enough back-to-back calls to last --min-sample-ms (wall clock, all OpenMP threads),
// samples taken round-robin over the versions so that load from other jobs hits all alike.
//
//   vnni_bench --corpus DIR --gemm-ref LIB --conv-ref LIB
//              [--gemm LABEL=LIB]... [--conv LABEL=LIB]...        versions, printed in this order
//              [--gemm-na LABEL=WHY]... [--conv-na LABEL=WHY]...  versions that could not be built
//              [--baseline LABEL] [--gemm-shapes 0,1,4] [--conv-shapes 0,1,2]
//              [--runs 7] [--min-sample-ms 20] [--threads N]
#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#if __has_include(<oneapi/dnnl/dnnl.hpp>) && !defined(BENCH_NO_DNNL)
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl.hpp>
#define BENCH_HAVE_DNNL 1
#else
#define BENCH_HAVE_DNNL 0
#endif

namespace {

using GemmFn = void (*)(const uint8_t *, const int8_t *, int32_t *, int, int, int);
using ConvFn = void (*)(const float *, const float *, float *, int, int, int, int, int, int, int,
                        int, int);

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "vnni_bench: %s\n", msg.c_str());
  std::exit(2);
}

struct Options {
  std::string corpus = "corpus";
  std::string gemmRef, convRef, baseline = "corpus vnni";
  std::vector<std::pair<std::string, std::string>> gemm, conv, gemmNa, convNa;
  std::vector<int> gemmShapes{0, 1, 4}, convShapes{0, 1, 2};
  int runs = 7;
  double minSampleMs = 20;
  int threads = 0;  // 0: OpenMP's default (all cores)
};

std::pair<std::string, std::string> splitLabel(const std::string &s) {
  const size_t eq = s.find('=');
  if (eq == std::string::npos || eq == 0) die("expected LABEL=VALUE, got '" + s + "'");
  return {s.substr(0, eq), s.substr(eq + 1)};
}

std::vector<int> parseIndices(const std::string &s) {
  std::vector<int> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(std::stoi(item));
  return out;
}

Options parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--corpus") o.corpus = value();
    else if (a == "--gemm-ref") o.gemmRef = value();
    else if (a == "--conv-ref") o.convRef = value();
    else if (a == "--gemm") o.gemm.push_back(splitLabel(value()));
    else if (a == "--conv") o.conv.push_back(splitLabel(value()));
    else if (a == "--gemm-na") o.gemmNa.push_back(splitLabel(value()));
    else if (a == "--conv-na") o.convNa.push_back(splitLabel(value()));
    else if (a == "--baseline") o.baseline = value();
    else if (a == "--gemm-shapes") o.gemmShapes = parseIndices(value());
    else if (a == "--conv-shapes") o.convShapes = parseIndices(value());
    else if (a == "--runs") o.runs = std::max(1, std::stoi(value()));
    else if (a == "--min-sample-ms") o.minSampleMs = std::stod(value());
    else if (a == "--threads") o.threads = std::stoi(value());
    else die("unknown argument " + a);
  }
  if (o.gemmRef.empty() || o.convRef.empty()) die("--gemm-ref and --conv-ref are required");
  return o;
}

void *loadEntry(const std::string &lib, const char *symbol) {
  void *h = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) die(std::string("dlopen: ") + dlerror());
  void *f = dlsym(h, symbol);
  if (!f) die(lib + " does not export " + symbol);
  return f;
}

nlohmann::json readManifest(const std::string &path) {
  std::ifstream in(path);
  if (!in) die("cannot read " + path);
  return nlohmann::json::parse(in);
}

const nlohmann::json &entryOf(const nlohmann::json &manifest, const std::string &name) {
  for (const auto &e : manifest.at("entries"))
    if (e.at("name") == name) return e;
  die("manifest has no entry " + name);
}

// Median (and best) over samples of the wall time of one call, in ms; spread = (max - min) /
// median.
struct Timing {
  double ms = 0, best = 0, spread = 0;
};

struct Row {
  std::string version;
  std::function<void()> fn;  // set when the row passed its check: it is timed
  Timing t;
  std::string note;  // why there is no time (check failed, not built)
  bool baseline = false, dnnl = false;
};

// Times every checked row. A sample repeats the call until it has lasted minSampleMs, so short
// kernels are measured well above the clock's and the scheduler's resolution. Samples are taken
// round-robin over the rows (sample r of every row, then sample r + 1), so that a burst of load
// from other jobs on the machine falls on all versions alike instead of on one.
void timeRows(std::vector<Row> &rows, const Options &o) {
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point a, clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  for (Row &row : rows)
    if (row.fn)
      for (int i = 0; i < 2; ++i) row.fn();  // warm-up: first touch, thread pool, oneDNN JIT
  std::vector<std::vector<double>> samples(rows.size());
  for (int r = 0; r < o.runs; ++r)
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].fn) continue;
      const auto t0 = clock::now();
      long calls = 0;
      double elapsed = 0;
      do {
        rows[i].fn();
        ++calls;
        elapsed = ms(t0, clock::now());
      } while (elapsed < o.minSampleMs);
      samples[i].push_back(elapsed / calls);
    }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].fn) continue;
    auto &v = samples[i];
    std::sort(v.begin(), v.end());
    rows[i].t.ms = v[v.size() / 2];
    rows[i].t.best = v.front();
    rows[i].t.spread = (v.back() - v.front()) / rows[i].t.ms;
  }
}

Row notAvailable(const std::string &label, const std::string &why) {
  Row r;
  r.version = label;
  r.note = "n/a: " + why;
  return r;
}

void printTable(const std::string &shape, double gop, std::vector<Row> &rows) {
  double tBase = 0, tDnnl = 0;
  for (const Row &r : rows) {
    if (!r.fn) continue;
    if (r.baseline) tBase = r.t.ms;
    if (r.dnnl && (tDnnl == 0 || r.t.ms < tDnnl)) tDnnl = r.t.ms;
  }
  std::printf("\n  %s  (%.3f GOP per call)\n", shape.c_str(), gop);
  std::printf("    %-38s %10s %9s %7s %8s %10s %10s\n", "version", "median ms", "best ms",
              "spread", "GOP/s", "vs corpus", "vs oneDNN");
  for (const Row &r : rows) {
    if (!r.fn) {
      std::printf("    %-38s %s\n", r.version.c_str(), r.note.c_str());
      continue;
    }
    char vsBase[32] = "-", vsDnnl[32] = "-";
    if (tBase > 0) std::snprintf(vsBase, sizeof vsBase, "x%.2f", tBase / r.t.ms);
    if (tDnnl > 0) std::snprintf(vsDnnl, sizeof vsDnnl, "x%.2f", tDnnl / r.t.ms);
    std::printf("    %-38s %10.4f %9.4f %6.0f%% %8.1f %10s %10s\n", r.version.c_str(), r.t.ms,
                r.t.best, 100 * r.t.spread, gop / (r.t.ms * 1e-3), vsBase, vsDnnl);
  }
}

template <class T>
std::string compareExact(const std::vector<T> &got, const std::vector<T> &want) {
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < want.size(); ++i)
    if (got[i] != want[i] && bad++ == 0) first = i;
  if (bad == 0) return "";
  std::ostringstream os;
  os << "CHECK FAILED: " << bad << " of " << want.size() << " differ, first [" << first
     << "] = " << (long long)got[first] << ", reference " << (long long)want[first];
  return os.str();
}

std::string compareTol(const std::vector<float> &got, const std::vector<float> &want, double rtol,
                       double atol) {
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double d = std::fabs((double)got[i] - want[i]);
    if (!(d <= atol + rtol * std::fabs((double)want[i])) && bad++ == 0) first = i;
  }
  if (bad == 0) return "";
  std::ostringstream os;
  os << "CHECK FAILED: " << bad << " of " << want.size() << " outside rtol " << rtol << " atol "
     << atol << ", first [" << first << "] = " << got[first] << ", reference " << want[first];
  return os.str();
}

// ------------------------------------------------------------------ int8 GEMM ---
void benchGemm(const Options &o) {
  const auto manifest = readManifest(o.corpus + "/matrix/gemm/manifest.json");
  const auto &entry = entryOf(manifest, "gemm_u8s8s32");
  const auto ref = (GemmFn)loadEntry(o.gemmRef, "bench_gemm_u8s8s32");
  std::vector<std::pair<std::string, GemmFn>> versions;
  for (const auto &[label, lib] : o.gemm)
    versions.push_back({label, (GemmFn)loadEntry(lib, "bench_gemm_u8s8s32")});

  std::printf("\nint8 GEMM gemm_u8s8s32: C[MxN] s32 = A[MxK] u8 x B[KxN] s8, row-major "
              "(corpus/matrix/gemm); checked exactly against gemm.c\n");
  for (int si : o.gemmShapes) {
    const auto &shape = entry.at("shapes").at(si);
    const int M = shape.at("M"), N = shape.at("N"), K = shape.at("K");
    std::mt19937 rng(1234 + si);
    std::vector<uint8_t> A((size_t)M * K);
    std::vector<int8_t> B((size_t)K * N);
    for (auto &a : A) a = (uint8_t)(rng() & 0xFF);  // full ranges: VNNI's u8 x s8 is exact
    for (auto &b : B) b = (int8_t)(rng() & 0xFF);
    std::vector<int32_t> want((size_t)M * N), got((size_t)M * N);
    ref(A.data(), B.data(), want.data(), M, N, K);

    std::vector<Row> rows;
    auto run = [&](const std::string &label, const std::function<void()> &fn, bool isBase,
                   bool isDnnl) {
      Row r;
      r.version = label;
      r.baseline = isBase;
      r.dnnl = isDnnl;
      std::fill(got.begin(), got.end(), (int32_t)0x7eadbeef);
      fn();
      r.note = compareExact(got, want);
      if (r.note.empty()) r.fn = fn;
      rows.push_back(r);
    };
    run("C reference (gemm.c)", [&] { ref(A.data(), B.data(), got.data(), M, N, K); }, false,
        false);
    for (const auto &[label, fn] : versions)
      run(label, [&, fn = fn] { fn(A.data(), B.data(), got.data(), M, N, K); },
          label == o.baseline, false);
    for (const auto &[label, why] : o.gemmNa) rows.push_back(notAvailable(label, why));
#if BENCH_HAVE_DNNL
    const int32_t co = 0;
    run("oneDNN dnnl_gemm_u8s8s32",
        [&] {
          if (dnnl_gemm_u8s8s32('N', 'N', 'F', M, N, K, 1.0f, A.data(), K, 0, B.data(), N, 0,
                                0.0f, got.data(), N, &co) != dnnl_success)
            die("dnnl_gemm_u8s8s32 failed");
        },
        false, true);
#endif
    char title[256];
    std::snprintf(title, sizeof title, "%s: M=%d N=%d K=%d",
                  shape.at("name").get<std::string>().c_str(), M, N, K);
    timeRows(rows, o);
    printTable(title, 2.0 * M * N * K * 1e-9, rows);
  }
}

// ----------------------------------------------------------- f32 NCHW conv2d ---
struct ConvShape {
  int N, H, W, C, K, R, S, stride, pad, P, Q;
};

#if BENCH_HAVE_DNNL
// int8 reference for the oneDNN int8 convolution (u8 input, s8 weights, s32 output): the
// C reference's loop nest with integer types.
void convRefInt8(const uint8_t *in, const int8_t *wt, int32_t *out, const ConvShape &s) {
  for (int n = 0; n < s.N; ++n)
    for (int k = 0; k < s.K; ++k)
      for (int p = 0; p < s.P; ++p)
        for (int q = 0; q < s.Q; ++q) {
          int32_t acc = 0;
          for (int c = 0; c < s.C; ++c)
            for (int r = 0; r < s.R; ++r) {
              const int h = p * s.stride - s.pad + r;
              if (h < 0 || h >= s.H) continue;
              for (int t = 0; t < s.S; ++t) {
                const int w = q * s.stride - s.pad + t;
                if (w < 0 || w >= s.W) continue;
                acc += (int32_t)in[((size_t)(n * s.C + c) * s.H + h) * s.W + w] *
                       (int32_t)wt[((size_t)(k * s.C + c) * s.R + r) * s.S + t];
              }
            }
          out[((size_t)(n * s.K + k) * s.P + p) * s.Q + q] = acc;
        }
}

// A oneDNN convolution of one shape and data type. With plain=true the primitive takes the
// corpus' NCHW / OIHW tensors as they are; otherwise oneDNN picks its layouts (format any) and
// run() reorders input, weights and output around the primitive, so both honour the corpus
// contract (plain tensors in, plain tensor out, nothing prepared in advance). runPrimitive()
// times the primitive alone on tensors already in its layouts: oneDNN's best case, as inside a
// network whose activations stay blocked and whose weights are reordered once.
struct DnnlConv {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  dnnl::memory userSrc, userWei, userDst, src, wei, dst;
  dnnl::convolution_forward conv;
  dnnl::reorder toSrc, toWei, fromDst;
  bool plain;
  std::string impl;

  DnnlConv(const ConvShape &s, dnnl::memory::data_type srcT, dnnl::memory::data_type weiT,
           dnnl::memory::data_type dstT, bool plainLayouts, void *in, void *w, void *out)
      : plain(plainLayouts) {
    using md = dnnl::memory::desc;
    using tag = dnnl::memory::format_tag;
    const dnnl::memory::dims srcDims{s.N, s.C, s.H, s.W}, weiDims{s.K, s.C, s.R, s.S},
        dstDims{s.N, s.K, s.P, s.Q};
    const md uSrc(srcDims, srcT, tag::nchw), uWei(weiDims, weiT, tag::oihw),
        uDst(dstDims, dstT, tag::nchw);
    userSrc = dnnl::memory(uSrc, eng, in);
    userWei = dnnl::memory(uWei, eng, w);
    userDst = dnnl::memory(uDst, eng, out);
    // padding_r = pad as in the corpus: oneDNN checks (H + pl + pr - R) / stride + 1 == P with
    // the same integer division, so the floor semantics of P and Q carry over.
    dnnl::convolution_forward::desc d(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        plain ? uSrc : md(srcDims, srcT, tag::any), plain ? uWei : md(weiDims, weiT, tag::any),
        plain ? uDst : md(dstDims, dstT, tag::any), {s.stride, s.stride}, {s.pad, s.pad},
        {s.pad, s.pad});
    dnnl::convolution_forward::primitive_desc pd(d, eng);
    impl = pd.impl_info_str();
    conv = dnnl::convolution_forward(pd);
    if (plain) {
      src = userSrc, wei = userWei, dst = userDst;
    } else {
      src = dnnl::memory(pd.src_desc(), eng);
      wei = dnnl::memory(pd.weights_desc(), eng);
      dst = dnnl::memory(pd.dst_desc(), eng);
      toSrc = dnnl::reorder(userSrc, src);
      toWei = dnnl::reorder(userWei, wei);
      fromDst = dnnl::reorder(dst, userDst);
    }
  }
  void runPrimitive() {
    conv.execute(strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
    strm.wait();
  }
  void run() {
    if (!plain) {
      toSrc.execute(strm, userSrc, src);
      toWei.execute(strm, userWei, wei);
    }
    conv.execute(strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
    if (!plain) fromDst.execute(strm, dst, userDst);
    strm.wait();
  }
};
#endif

void benchConv(const Options &o) {
  const auto manifest = readManifest(o.corpus + "/convolution/conv2d_nchw/manifest.json");
  const auto &entry = entryOf(manifest, "conv2d_nchw_f32");
  const double rtol = entry.at("tolerance").at("rtol"), atol = entry.at("tolerance").at("atol");
  const auto ref = (ConvFn)loadEntry(o.convRef, "bench_conv2d_nchw_f32");
  std::vector<std::pair<std::string, ConvFn>> versions;
  for (const auto &[label, lib] : o.conv)
    versions.push_back({label, (ConvFn)loadEntry(lib, "bench_conv2d_nchw_f32")});

  std::printf("\nf32 convolution conv2d_nchw_f32: input NCHW, weight KCRS, output NKPQ "
              "(corpus/convolution/conv2d_nchw); checked against conv2d_nchw.c with rtol %g "
              "atol %g\n",
              rtol, atol);
  std::vector<std::string> impls;
  for (int si : o.convShapes) {
    const auto &js = entry.at("shapes").at(si);
    ConvShape s{js.at("N"), js.at("H"), js.at("W"), js.at("C"),      js.at("K"), js.at("R"),
                js.at("S"), js.at("stride"), js.at("pad"), 0, 0};
    s.P = (s.H + 2 * s.pad - s.R) / s.stride + 1;
    s.Q = (s.W + 2 * s.pad - s.S) / s.stride + 1;
    const size_t inN = (size_t)s.N * s.C * s.H * s.W, wN = (size_t)s.K * s.C * s.R * s.S,
                 outN = (size_t)s.N * s.K * s.P * s.Q;
    std::mt19937 rng(777 + si);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    std::vector<float> in(inN), w(wN), want(outN), got(outN);
    for (auto &x : in) x = uni(rng);
    for (auto &x : w) x = uni(rng);
    ref(in.data(), w.data(), want.data(), s.N, s.H, s.W, s.C, s.K, s.R, s.S, s.stride, s.pad);

    std::vector<Row> rows;
    auto run = [&](const std::string &label, const std::function<void()> &fn,
                   const std::function<std::string()> &check, bool isBase, bool isDnnl) {
      Row r;
      r.version = label;
      r.baseline = isBase;
      r.dnnl = isDnnl;
      fn();
      r.note = check();
      if (r.note.empty()) r.fn = fn;
      rows.push_back(r);
    };
    auto checkF32 = [&] { return compareTol(got, want, rtol, atol); };
    auto poison = [&] { std::fill(got.begin(), got.end(), std::nanf("")); };
    auto call = [&](ConvFn f) {
      return [&, f] {
        f(in.data(), w.data(), got.data(), s.N, s.H, s.W, s.C, s.K, s.R, s.S, s.stride, s.pad);
      };
    };
    poison();
    run("C reference (conv2d_nchw.c)", call(ref), checkF32, false, false);
    for (const auto &[label, fn] : versions) {
      poison();
      run(label, call(fn), checkF32, label == o.baseline, false);
    }
    for (const auto &[label, why] : o.convNa) rows.push_back(notAvailable(label, why));
#if BENCH_HAVE_DNNL
    // every object a timed row refers to lives until timeRows below
    using dt = dnnl::memory::data_type;
    poison();
    DnnlConv plainConv(s, dt::f32, dt::f32, dt::f32, true, in.data(), w.data(), got.data());
    run("oneDNN f32, nchw/oihw as given", [&] { plainConv.run(); }, checkF32, false, true);
    impls.push_back("f32 nchw: " + plainConv.impl);
    poison();
    DnnlConv anyConv(s, dt::f32, dt::f32, dt::f32, false, in.data(), w.data(), got.data());
    run("oneDNN f32, own layouts + reorders", [&] { anyConv.run(); }, checkF32, false, true);
    run("oneDNN f32, primitive only", [&] { anyConv.runPrimitive(); },
        [] { return std::string(); }, false, false);  // checked through run() just above
    impls.push_back("f32 any:  " + anyConv.impl);
    // int8 path (u8 input, s8 weights, s32 output), checked exactly against convRefInt8:
    // the VNNI instruction's own use case, for scale next to the f32 versions
    std::vector<uint8_t> in8(inN);
    std::vector<int8_t> w8(wN);
    std::vector<int32_t> want8(outN), got8(outN, (int32_t)0x7eadbeef);
    for (auto &x : in8) x = (uint8_t)(rng() & 0xFF);
    for (auto &x : w8) x = (int8_t)(rng() & 0xFF);
    convRefInt8(in8.data(), w8.data(), want8.data(), s);
    DnnlConv q(s, dt::u8, dt::s8, dt::s32, false, in8.data(), w8.data(), got8.data());
    run("oneDNN int8 u8s8s32, layouts+reorders", [&] { q.run(); },
        [&] { return compareExact(got8, want8); }, false, false);
    impls.push_back("int8 any: " + q.impl);
#endif
    const double gop = 2.0 * s.N * s.K * s.P * s.Q * s.C * s.R * s.S * 1e-9;
    char title[320];
    std::snprintf(title, sizeof title,
                  "%s: N=%d C=%d H=%d W=%d -> K=%d P=%d Q=%d, %dx%d stride %d pad %d",
                  js.at("name").get<std::string>().c_str(), s.N, s.C, s.H, s.W, s.K, s.P, s.Q,
                  s.R, s.S, s.stride, s.pad);
    timeRows(rows, o);
    printTable(title, gop, rows);
  }
  if (!impls.empty()) {
    std::printf("\n  oneDNN implementations chosen (per shape, in order):\n");
    for (const auto &i : impls) std::printf("    %s\n", i.c_str());
  }
}

}  // namespace

int main(int argc, char **argv) {
  const Options o = parseArgs(argc, argv);
  // every version and oneDNN (built on GNU OpenMP here) share the one OpenMP runtime
  if (o.threads > 0) omp_set_num_threads(o.threads);
  std::printf("vnni_bench: %d OpenMP threads; per call: median and best of %d samples, each "
              ">= %.0f ms of back-to-back calls; spread = (max - min) / median\n",
              omp_get_max_threads(), o.runs, o.minSampleMs);
  std::printf("vs corpus / vs oneDNN: median time of the baseline / median time of the row "
              "(x2.00 = twice as fast as the baseline); the oneDNN baseline is its fastest row "
              "with the corpus' contract (plain layouts in and out, nothing prepared ahead)\n");
#if BENCH_HAVE_DNNL
  const dnnl_version_t *v = dnnl_version();
  const dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
  const char *isaName = isa == dnnl_cpu_isa_avx512_core_amx    ? "avx512_core_amx"
                        : isa == dnnl_cpu_isa_avx512_core_bf16 ? "avx512_core_bf16"
                        : isa == dnnl_cpu_isa_avx512_core_vnni ? "avx512_core_vnni"
                        : isa == dnnl_cpu_isa_avx512_core      ? "avx512_core"
                                                               : "older than avx512_core";
  std::printf("oneDNN %d.%d.%d, JIT ISA in use: %s\n", v->major, v->minor, v->patch, isaName);
#else
  std::printf("oneDNN: not available at build time (no oneDNN rows)\n");
#endif
  benchGemm(o);
  benchConv(o);
  return 0;
}
