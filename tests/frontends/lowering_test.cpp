// Lowering known answers: small programs of each dialect, parsed with the real front end, checked
// node by node against what the source says.
#include "ast/dump.h"
#include "frontends/frontend.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace xpile;
using namespace xpile::ast;

namespace {

Module parse(const std::string &path, const std::string &source) {
  frontends::ParseResult r = frontends::parseSource(path, source, {});
  EXPECT_TRUE(r.module.has_value()) << r.diagnostics;
  EXPECT_EQ(r.warningCount, 0u) << r.diagnostics;
  return r.module ? *r.module : Module();
}

const Function &fn(const Module &m, const std::string &name) {
  const Function *f = m.findFunction(name);
  if (!f) throw std::runtime_error("no function " + name);
  return *f;
}

const std::vector<StmtPtr> &body(const Function &f) { return f.body->as<Seq>()->body; }

}  // namespace

TEST(Lowering, CudaKernelIndexingBecomesParallelIndex) {
  Module m = parse("k.cu", R"(
__global__ void __launch_bounds__(256) add(const float *__restrict__ a, float *b, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) b[i] += a[i];
})");
  const Function &f = fn(m, "add");
  EXPECT_EQ(f.kind, FunctionKind::Kernel);
  ASSERT_TRUE(f.launchBounds.has_value());
  EXPECT_EQ(f.launchBounds->maxThreadsPerBlock, 256);
  ASSERT_EQ(f.params.size(), 3u);
  EXPECT_EQ(describe(*f.params[0].type), "const f32* restrict");
  auto *decl = body(f)[0]->as<Decl>();
  ASSERT_NE(decl, nullptr);
  EXPECT_EQ(dumpExpr(decl->init), "((blockIdx.x * blockDim.x) + threadIdx.x)");
  auto *pi = decl->init->as<Binary>()->rhs->as<ParallelIndex>();
  ASSERT_NE(pi, nullptr);
  EXPECT_EQ(pi->axis, ParallelAxis::ThreadIdx);
  EXPECT_EQ(pi->dim, 0);
  auto *guard = body(f)[1]->as<If>();
  ASSERT_NE(guard, nullptr);
  auto *store = guard->thenBody->as<AssignStmt>();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->op, BinaryOp::Add);
  EXPECT_EQ(dumpExpr(store->target), "b[i]");
}

TEST(Lowering, SharedMemoryBarriersAndWarpShuffles) {
  Module m = parse("r.cu", R"(
__global__ void reduce(const float *in, float *out) {
  __shared__ float tile[8][33];
  extern __shared__ float dyn[];
  float v = in[threadIdx.x];
  tile[threadIdx.y][threadIdx.x] = v;
  __syncthreads();
  v += __shfl_down_sync(0xffffffff, v, 16);
  if (threadIdx.x == 0) atomicAdd(out, v + dyn[0]);
})");
  const auto &b = body(fn(m, "reduce"));
  auto *tile = b[0]->as<Alloc>();
  ASSERT_NE(tile, nullptr);
  EXPECT_EQ(tile->space, MemSpace::Shared);
  EXPECT_EQ(describe(*tile->type), "f32[8][33]");
  auto *dyn = b[1]->as<Alloc>();
  ASSERT_NE(dyn, nullptr);
  EXPECT_TRUE(dyn->isExtern);
  EXPECT_FALSE(dyn->type->extent.has_value());
  auto *sync = b[4]->as<Sync>();
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->scope, SyncScope::Block);
  auto *shfl = b[5]->as<AssignStmt>()->value->as<Call>();
  ASSERT_NE(shfl, nullptr);
  EXPECT_EQ(shfl->callee, "__shfl_down_sync");
  EXPECT_EQ(shfl->callKind, CallKind::Warp);
  EXPECT_EQ(shfl->args[0]->as<IntLit>()->spelling, "0xffffffff");
  auto *atomic = b[6]->as<If>()->thenBody->as<Eval>()->value->as<Call>();
  ASSERT_NE(atomic, nullptr);
  EXPECT_EQ(atomic->callKind, CallKind::Atomic);
}

TEST(Lowering, CanonicalAndGeneralLoops) {
  Module m = parse("loops.c", R"(
void f(float *a, int n) {
  for (int i = 0; i < n; i += 4) a[i] = 0;
  for (int i = n - 1; i >= 0; --i) a[i] = 1;
  for (int i = 0; i <= n; i++) { if (a[i] > 0) i++; }
  int k = 0;
  while (k < n) k++;
  do { k--; } while (k > 0);
})");
  const auto &b = body(fn(m, "f"));
  auto *strided = b[0]->as<For>();
  ASSERT_NE(strided, nullptr);
  EXPECT_EQ(strided->var, "i");
  EXPECT_EQ(dumpExpr(strided->step), "4");
  EXPECT_EQ(strided->cmp, BinaryOp::LT);
  auto *down = b[1]->as<Loop>();
  ASSERT_NE(down, nullptr) << "a decreasing loop is not canonical";
  EXPECT_EQ(down->form, Loop::Form::For);
  ASSERT_NE(b[2]->as<Loop>(), nullptr) << "a loop whose body writes its variable is not canonical";
  EXPECT_EQ(b[4]->as<Loop>()->form, Loop::Form::While);
  EXPECT_EQ(b[5]->as<Loop>()->form, Loop::Form::DoWhile);
}

TEST(Lowering, UnrollPragmaAndOpenMP) {
  Module m = parse("p.cpp", R"(
#include <immintrin.h>
void f(float *a, int n) {
#pragma omp parallel for schedule(static) num_threads(4)
  for (int i = 0; i < n; ++i) {
#pragma unroll 4
    for (int j = 0; j < 16; ++j) a[i * 16 + j] *= 2.0f;
  }
})");
  auto *par = body(fn(m, "f"))[0]->as<For>();
  ASSERT_NE(par, nullptr);
  EXPECT_EQ(par->forKind, ForKind::Parallel);
  EXPECT_EQ(par->parallelClauses, "schedule(static) num_threads(4)");
  auto *inner = par->body->as<Seq>()->body[0]->as<For>();
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->forKind, ForKind::Unrolled);
  EXPECT_EQ(inner->unrollFactor, 4);
}

TEST(Lowering, HostAllocationCopyLaunchAreStructured) {
  Module m = parse("h.cu", R"(
__global__ void k(float *a, int n) {}
int main() {
  const int n = 1024;
  float *d = nullptr;
  float h[1024];
  cudaStream_t s;
  cudaStreamCreate(&s);
  cudaMalloc((void **)&d, n * sizeof(float));
  cudaMemcpy(d, h, n * sizeof(float), cudaMemcpyHostToDevice);
  dim3 grid((n + 255) / 256), block(256);
  k<<<grid, block, 0, s>>>(d, n);
  cudaMemcpyAsync(h, d, n * sizeof(float), cudaMemcpyDeviceToHost, s);
  cudaStreamSynchronize(s);
  cudaDeviceSynchronize();
  cudaFree(d);
  return 0;
})");
  const auto &b = body(fn(m, "main"));
  auto *alloc = b[5]->as<HostAlloc>();
  ASSERT_NE(alloc, nullptr);
  EXPECT_EQ(dumpExpr(alloc->pointer), "d");
  EXPECT_EQ(dumpExpr(alloc->bytes), "(n * sizeof(f32))");
  auto *h2d = b[6]->as<HostCopy>();
  ASSERT_NE(h2d, nullptr);
  EXPECT_EQ(h2d->direction, CopyDirection::HostToDevice);
  EXPECT_FALSE(h2d->async);
  // `dim3 grid(...), block(256);` is two declarations.
  auto *launch = b[8]->as<Launch>();
  ASSERT_NE(launch, nullptr) << dumpText(m);
  EXPECT_EQ(launch->kernel, "k");
  EXPECT_EQ(dumpExpr(launch->config.grid), "grid");
  EXPECT_EQ(dumpExpr(launch->config.block), "block");
  EXPECT_EQ(dumpExpr(launch->config.sharedBytes), "0");
  EXPECT_EQ(dumpExpr(launch->config.stream), "s");
  EXPECT_EQ(launch->args.size(), 2u);
  auto *d2h = b[9]->as<HostCopy>();
  ASSERT_NE(d2h, nullptr);
  EXPECT_TRUE(d2h->async);
  EXPECT_EQ(dumpExpr(d2h->stream), "s");
  ASSERT_NE(b[10]->as<HostSync>(), nullptr);
  EXPECT_EQ(dumpExpr(b[10]->as<HostSync>()->stream), "s");
  ASSERT_NE(b[11]->as<HostSync>(), nullptr);
  EXPECT_EQ(b[11]->as<HostSync>()->stream, nullptr);
  ASSERT_NE(b[12]->as<HostFree>(), nullptr);
}

TEST(Lowering, TemplatesAreLoweredAsInstantiated) {
  Module m = parse("t.cu", R"(
template <int TILE, typename T>
__global__ void scale(T *a, T s) {
  __shared__ T buf[TILE];
  buf[threadIdx.x] = a[threadIdx.x] * s;
  a[threadIdx.x] = buf[TILE - 1 - threadIdx.x];
}
template <typename T> __device__ T never_used(T x) { return x; }
void run(float *f, double *d) {
  scale<128, float><<<1, 128>>>(f, 2.0f);
  scale<64, double><<<1, 64>>>(d, 2.0);
})");
  std::vector<const Function *> instances;
  for (auto &item : m.items)
    if (auto *f = std::get_if<Function>(&item); f && f->name == "scale") instances.push_back(f);
  ASSERT_EQ(instances.size(), 2u);
  const Function &f128 = *instances[0];
  ASSERT_TRUE(f128.templateInstance.has_value());
  EXPECT_EQ(f128.templateInstance->parameterList, "int TILE, typename T");
  EXPECT_EQ(f128.templateInstance->arguments, (std::vector<std::string>{"128", "float"}));
  EXPECT_EQ(describe(*f128.params[0].type), "f32*");
  EXPECT_EQ(describe(*f128.templateInstance->primaryParams[0].second), "named(T)*");
  auto *buf = body(f128)[0]->as<Alloc>();
  ASSERT_NE(buf, nullptr);
  EXPECT_EQ(describe(*buf->type), "f32[128]");
  // The template argument is substituted inside the body.
  EXPECT_EQ(dumpExpr(body(f128)[2]->as<AssignStmt>()->value), "buf[((128 - 1) - threadIdx.x)]");
  // An uninstantiated template is carried verbatim and reported.
  bool carried = false;
  for (auto &span : m.carriedSpans()) carried |= span.reason == "template without instantiations";
  EXPECT_TRUE(carried);
  auto *launch = body(fn(m, "run"))[0]->as<Launch>();
  ASSERT_NE(launch, nullptr);
  EXPECT_EQ(launch->templateArgs, (std::vector<std::string>{"128", "float"}));
}

TEST(Lowering, HalfAndVectorTypes) {
  Module m = parse("v.cu", R"(
#include <cuda_fp16.h>
#include <cuda_bf16.h>
__global__ void k(const float4 *a, half *h, __nv_bfloat16 *b) {
  float4 v = a[threadIdx.x];
  h[threadIdx.x] = __float2half(v.x + v.y);
})");
  const Function &f = fn(m, "k");
  EXPECT_EQ(describe(*f.params[0].type), "const f32x4*");
  EXPECT_EQ(describe(*f.params[1].type), "f16*");
  EXPECT_EQ(describe(*f.params[2].type), "bf16*");
  auto *conv = body(f)[1]->as<AssignStmt>()->value->as<Call>();
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->callKind, CallKind::Intrinsic);
  EXPECT_EQ(dumpExpr(conv->args[0]), "(v.x + v.y)");
}

TEST(Lowering, BangKernelMemoryCopiesAndTasks) {
  Module m = parse("b.mlu", R"(
#include <bang.h>
#define N 256
__nram__ float buf_a[N];
__mlu_global__ void add(float *a, float *b, float *out) {
  __nram__ float buf_b[N];
  if (__is_mpu()) return;
  int off = taskId * N;
  __memcpy(buf_a, a + off, N * sizeof(float), GDRAM2NRAM);
  __memcpy(buf_b, b + off, 4 * sizeof(float), GDRAM2NRAM, 4 * sizeof(float), 8 * sizeof(float), 63);
  __bang_add(buf_a, buf_a, buf_b, N);
  __sync_cluster();
  __memcpy(out + off, buf_a, N * sizeof(float), NRAM2GDRAM);
}
int main() {
  cnrtQueue_t q;
  cnrtQueueCreate(&q);
  cnrtDim3_t dim = {4, 1, 1};
  float *a, *b, *o;
  cnrtMalloc((void **)&a, 1024 * sizeof(float));
  add<<<dim, cnrtFuncTypeUnion1, q>>>(a, b, o);
  cnrtQueueSync(q);
  return 0;
})");
  bool sawGlobal = false;
  for (auto &item : m.items)
    if (auto *g = std::get_if<GlobalVar>(&item); g && g->name == "buf_a") {
      sawGlobal = true;
      EXPECT_EQ(g->space, MemSpace::NRAM);
    }
  EXPECT_TRUE(sawGlobal);
  const auto &b = body(fn(m, "add"));
  EXPECT_EQ(b[0]->as<Alloc>()->space, MemSpace::NRAM);
  EXPECT_EQ(dumpExpr(b[2]->as<Decl>()->init), "(taskId * 256)");
  auto *load = b[3]->as<Copy>();
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(load->direction, "GDRAM2NRAM");
  EXPECT_EQ(load->srcSpace, MemSpace::Global);
  EXPECT_EQ(load->dstSpace, MemSpace::NRAM);
  EXPECT_EQ(load->segnum, nullptr);
  auto *strided = b[4]->as<Copy>();
  ASSERT_NE(strided, nullptr);
  EXPECT_EQ(dumpExpr(strided->segnum), "63");
  EXPECT_EQ(b[5]->as<Eval>()->value->as<Call>()->callKind, CallKind::Intrinsic);
  EXPECT_EQ(b[6]->as<Sync>()->scope, SyncScope::Cluster);
  EXPECT_EQ(b[7]->as<Copy>()->direction, "NRAM2GDRAM");
  const auto &host = body(fn(m, "main"));
  ASSERT_NE(host[4]->as<HostAlloc>(), nullptr);
  auto *launch = host[5]->as<Launch>();
  ASSERT_NE(launch, nullptr);
  EXPECT_TRUE(launch->config.isBang());
  EXPECT_EQ(dumpExpr(launch->config.taskType), "cnrtFuncTypeUnion1");
  EXPECT_EQ(dumpExpr(launch->config.queue), "q");
  EXPECT_EQ(dumpExpr(host[6]->as<HostSync>()->stream), "q");
}

TEST(Lowering, HipLaunchMacroAndWarpSize) {
  Module m = parse("k.hip", R"(
#include <hip/hip_runtime.h>
__global__ void k(float *a) { a[threadIdx.x % warpSize] = 1.0f; }
void run(float *a) { hipLaunchKernelGGL(k, dim3(1), dim3(64), 0, 0, a); }
)");
  auto *store = body(fn(m, "k"))[0]->as<AssignStmt>();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(dumpExpr(store->target), "a[(threadIdx.x % warpSize)]");
  auto *launch = body(fn(m, "run"))[0]->as<Launch>();
  ASSERT_NE(launch, nullptr);
  EXPECT_TRUE(launch->viaMacro);
  EXPECT_EQ(launch->kernel, "k");
}

TEST(Lowering, UnmodelledConstructsAreCarriedNotDropped) {
  Module m = parse("u.cu", R"(
struct Params { int n; float scale; };
__global__ void k(Params p, float *a) {
  auto f = [](float x) { return x * 2.0f; };
  asm volatile("membar.gl;");
  a[0] = f(p.scale);
})");
  auto spans = m.carriedSpans();
  std::vector<std::string> reasons;
  for (auto &s : spans) reasons.push_back(s.reason);
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "CXXRecord declaration"), reasons.end());
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "inline assembly"), reasons.end());
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "lambda expression"), reasons.end());
  for (auto &s : spans) EXPECT_TRUE(s.loc.valid()) << s.reason;
}

TEST(Lowering, ClangErrorsAreReportedWithLocations) {
  frontends::ParseResult r = frontends::parseSource("bad.cu", "__global__ void k(float *a) {\n  a[0] = b;\n}\n", {});
  EXPECT_FALSE(r.module.has_value());
  EXPECT_EQ(r.errorCount, 1u);
  EXPECT_NE(r.diagnostics.find("bad.cu:2:10: error: use of undeclared identifier 'b'"), std::string::npos)
      << r.diagnostics;
}

TEST(Lowering, UserFlagsAreHonoured) {
  frontends::ParseOptions opts;
  opts.extraArgs = {"-DWIDTH=32"};
  frontends::ParseResult r = frontends::parseSource("d.c", "int w(void) { return WIDTH; }\n", opts);
  ASSERT_TRUE(r.module.has_value()) << r.diagnostics;
  auto *ret = body(*r.module->findFunction("w"))[0]->as<Return>();
  EXPECT_EQ(dumpExpr(ret->value), "32");
}

TEST(Lowering, CompilationDatabaseFlagsAreHonoured) {
  // A build directory whose compile_commands.json gives the file an include path and a macro.
  char model[] = "/tmp/xpile-cdb-XXXXXX";
  ASSERT_NE(mkdtemp(model), nullptr);
  std::string dir = model;
  std::string include = dir + "/include";
  ASSERT_EQ(system(("mkdir -p " + include).c_str()), 0);
  {
    std::ofstream header(include + "/tile.h");
    header << "#define TILE_FROM_HEADER 16\n";
    std::ofstream db(dir + "/compile_commands.json");
    db << "[{\"directory\": \"" << dir << "\", \"file\": \"" << dir << "/k.cu\", \"command\": \"nvcc -c -I"
       << include << " -DSCALE=3 -arch=sm_80 -O3 " << dir << "/k.cu\"}]\n";
  }
  std::string source = "#include <tile.h>\n__global__ void k(float *a) { a[threadIdx.x] = TILE_FROM_HEADER * SCALE; }\n";
  std::ofstream(dir + "/k.cu") << source;
  frontends::ParseOptions opts;
  opts.compilationDatabaseDir = dir;
  frontends::ParseResult r = frontends::parseFile(dir + "/k.cu", opts);
  ASSERT_TRUE(r.module.has_value()) << r.diagnostics;
  auto *store = body(*r.module->findFunction("k"))[0]->as<AssignStmt>();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(dumpExpr(store->value), "(16 * 3)");
  // Without the database the same file does not parse.
  EXPECT_FALSE(frontends::parseFile(dir + "/k.cu", {}).module.has_value());
  ASSERT_EQ(system(("rm -rf " + dir).c_str()), 0);
}

TEST(Lowering, MemberCallsKeepTheirReceiver) {
  Module m = parse("m.cu", R"(
#include <vector>
void copy(float *d, std::vector<float> &h, const std::vector<float> *p) {
  cudaMemcpy(d, h.data(), h.size() * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d, p->data(), p->size() * sizeof(float), cudaMemcpyHostToDevice);
})");
  const auto &b = body(fn(m, "copy"));
  auto *first = b[0]->as<HostCopy>();
  ASSERT_NE(first, nullptr);
  auto *data = first->src->as<Call>();
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->callee, "data");
  EXPECT_EQ(dumpExpr(data->receiver), "h");
  EXPECT_FALSE(data->arrow);
  EXPECT_EQ(dumpExpr(first->bytes), "(h.size() * sizeof(f32))");
  EXPECT_EQ(dumpExpr(b[1]->as<HostCopy>()->src), "p->data()");
  EXPECT_TRUE(m.carriedSpans().empty());
}

TEST(Lowering, OpenMPRegionsKeepTheirPragmaAndBlock) {
  Module m = parse("omp.c", R"(
#include <omp.h>
void f(float *a, int n) {
#pragma omp parallel num_threads(2)
  {
    int t = omp_get_thread_num();
#pragma omp for schedule(static)
    for (int i = 0; i < n; ++i) a[i] = t;
#pragma omp barrier
  }
})");
  auto *region = body(fn(m, "f"))[0]->as<Seq>();
  ASSERT_NE(region, nullptr);
  EXPECT_FALSE(region->scoped);
  ASSERT_EQ(region->body.size(), 2u);
  EXPECT_EQ(region->body[0]->as<VerbatimStmt>()->text, "#pragma omp parallel num_threads(2)");
  const auto &inner = region->body[1]->as<Seq>()->body;
  auto *forPragma = inner[1]->as<Seq>();
  ASSERT_NE(forPragma, nullptr);
  EXPECT_EQ(forPragma->body[0]->as<VerbatimStmt>()->text, "#pragma omp for schedule(static)");
  ASSERT_NE(forPragma->body[1]->as<For>(), nullptr) << "the loop of `omp for` is kept";
  EXPECT_EQ(inner[2]->as<VerbatimStmt>()->text, "#pragma omp barrier");
}

// `typedef union { ... } T;` is one declaration: its union (anonymous or named) is carried inside
// the typedef's text, not a second time on its own (which would define it twice when printed).
TEST(Lowering, AnonymousTagOfATypedefIsCarriedOnce) {
  for (const char *path : {"t.c", "t.cpp"}) {
    Module m = parse(path, "typedef union {\n  float f[4];\n  int i[4];\n} vec4;\n"
                           "typedef struct Named { int a; } named_t;\n"
                           "float first(vec4 v) { return v.f[0]; }\n");
    std::vector<std::string> reasons;
    for (auto &s : m.carriedSpans()) reasons.push_back(s.reason);
    EXPECT_EQ(reasons, std::vector<std::string>({"Typedef declaration", "Typedef declaration"})) << path;
  }
}
