#include "backends/cuda/cuda_printer.h"

namespace xpile::backends {

using namespace ast;

std::optional<std::string> CudaPrinter::vectorName(ScalarType s, int lanes) const {
  if (s == ScalarType::F16 && lanes == 2) return halfName() + "2";
  if (s == ScalarType::BF16 && lanes == 2) return bfloat16Name() + "2";
  if (lanes < 1 || lanes > 4) return std::nullopt;
  const char *base = nullptr;
  switch (s) {
  case ScalarType::Char: case ScalarType::I8: base = "char"; break;
  case ScalarType::U8: base = "uchar"; break;
  case ScalarType::I16: base = "short"; break;
  case ScalarType::U16: base = "ushort"; break;
  case ScalarType::I32: base = "int"; break;
  case ScalarType::U32: base = "uint"; break;
  case ScalarType::I64: base = "longlong"; break;
  case ScalarType::U64: base = "ulonglong"; break;
  case ScalarType::F32: base = "float"; break;
  case ScalarType::F64: base = "double"; break;
  default: return std::nullopt;
  }
  return base + std::to_string(lanes);
}

std::string CudaPrinter::functionSpecifiers(const Function &f) {
  Function plain = f;
  plain.isInline = f.isInline && !f.forceInline;  // __forceinline__ says it already
  std::string s = CFamilyPrinter::functionSpecifiers(plain);
  switch (f.kind) {
  case FunctionKind::Kernel: s += "__global__ "; break;
  case FunctionKind::Device: s += "__device__ "; break;
  case FunctionKind::HostDevice: s += "__host__ __device__ "; break;
  case FunctionKind::Host: break;
  }
  if (f.forceInline) s += "__forceinline__ ";
  return s;
}

std::string CudaPrinter::functionAttributes(const Function &f) {
  if (!f.launchBounds || f.kind != FunctionKind::Kernel) return "";
  std::string s = "__launch_bounds__(" + std::to_string(f.launchBounds->maxThreadsPerBlock);
  if (f.launchBounds->minBlocksPerMultiprocessor > 0) s += ", " + std::to_string(f.launchBounds->minBlocksPerMultiprocessor);
  return s + ") ";
}

std::optional<std::string> CudaPrinter::memSpaceQualifier(MemSpace space, bool) const {
  switch (space) {
  case MemSpace::Default: case MemSpace::Local: return std::string();
  case MemSpace::Global: return std::string("__device__ ");
  case MemSpace::Shared: return std::string("__shared__ ");
  case MemSpace::Constant: return std::string("__constant__ ");
  default: return std::nullopt;
  }
}

std::optional<std::string> CudaPrinter::parallelIndexName(ParallelAxis axis, int dim) const {
  switch (axis) {
  case ParallelAxis::ThreadIdx: case ParallelAxis::BlockIdx: case ParallelAxis::BlockDim: case ParallelAxis::GridDim:
    if (dim < 0 || dim > 2) return std::nullopt;
    return std::string(parallelAxisName(axis)) + "." + "xyz"[dim];
  case ParallelAxis::WarpSize: return std::string("warpSize");
  default: return std::nullopt;
  }
}

void CudaPrinter::printSync(const Sync &s) {
  switch (s.scope) {
  case SyncScope::Block: return line("__syncthreads();");
  case SyncScope::Warp: return line("__syncwarp(" + exprList(s.args) + ");");
  case SyncScope::ThreadFence:
    if (s.detail.empty()) return line("__threadfence();");
    if (s.detail == "block" || s.detail == "system") return line("__threadfence_" + s.detail + "();");
    break;
  default: break;
  }
  CFamilyPrinter::printSync(s);
}

std::string CudaPrinter::kernelName(const Launch &s) const { return withTemplateArgs(s.kernel, s.templateArgs); }

void CudaPrinter::printLaunch(const Launch &s) {
  const LaunchConfig &c = s.config;
  if (c.isBang() || !c.grid || !c.block)
    return unsupported(s.loc, "a launch of '" + s.kernel + "' without a grid/block configuration");
  if (executing()) {
    // The SIMT executor's launch: grid and block become dim3 (they may be integers), a missing
    // stream is null.
    std::string args = kernelInfoName(s.kernel, s.templateArgs) + ", " + kernelName(s) + ", dim3(" +
                       expr(c.grid, kPrecAssign) + "), dim3(" + expr(c.block, kPrecAssign) + "), " +
                       (c.sharedBytes ? expr(c.sharedBytes, kPrecAssign) : "0") + ", (void *)(" +
                       (c.stream ? expr(c.stream, kPrecAssign) : "0") + ")";
    if (!s.args.empty()) args += ", " + exprList(s.args);
    line("xpile::simt::launch(" + args + ");");
    return;
  }
  std::string config = launchArg(c.grid) + ", " + launchArg(c.block);
  if (c.sharedBytes || c.stream) config += ", " + (c.sharedBytes ? launchArg(c.sharedBytes) : "0");
  if (c.stream) config += ", " + launchArg(c.stream);
  line(kernelName(s) + "<<<" + config + ">>>(" + exprList(s.args) + ");");
}

void CudaPrinter::printHostAlloc(const HostAlloc &s) {
  std::string fn = runtimePrefix() + "Malloc";
  if (s.memory == HostAlloc::Memory::Managed) fn = runtimePrefix() + "MallocManaged";
  if (s.memory == HostAlloc::Memory::PinnedHost) fn = pinnedAllocName();
  // The runtime's C++ overloads take `T **`, so no (void **) cast is needed.
  line(fn + "(&" + expr(s.pointer, kPrecUnary) + ", " + expr(s.bytes, kPrecAssign) + ");");
}

void CudaPrinter::printHostFree(const HostFree &s) {
  std::string fn = s.memory == HostAlloc::Memory::PinnedHost ? pinnedFreeName() : runtimePrefix() + "Free";
  line(fn + "(" + expr(s.pointer, kPrecAssign) + ");");
}

std::string CudaPrinter::copyKind(CopyDirection d) const {
  const char *name = "Default";
  switch (d) {
  case CopyDirection::HostToDevice: name = "HostToDevice"; break;
  case CopyDirection::DeviceToHost: name = "DeviceToHost"; break;
  case CopyDirection::DeviceToDevice: name = "DeviceToDevice"; break;
  case CopyDirection::HostToHost: name = "HostToHost"; break;
  case CopyDirection::Default: break;
  }
  return runtimePrefix() + "Memcpy" + name;
}

void CudaPrinter::printHostCopy(const HostCopy &s) {
  std::string async = s.async ? "Async" : "";
  std::string bytes = expr(s.bytes, kPrecAssign);
  if (s.toSymbol || s.fromSymbol) {
    // (symbol, src, bytes[, offset, kind]) or (dst, symbol, bytes[, offset, kind]); the kind
    // defaults to the natural direction, and the async forms spell offset and kind out.
    CopyDirection natural = s.toSymbol ? CopyDirection::HostToDevice : CopyDirection::DeviceToHost;
    std::string args = s.toSymbol ? symbol(s.dst) + ", " + expr(s.src, kPrecAssign)
                                  : expr(s.dst, kPrecAssign) + ", " + symbol(s.src);
    args += ", " + bytes;
    bool explicitKind = s.direction != CopyDirection::Default && s.direction != natural;
    if (s.async || explicitKind)
      args += ", 0, " + copyKind(s.direction == CopyDirection::Default ? natural : s.direction);
    if (s.async && s.stream) args += ", " + expr(s.stream, kPrecAssign);
    line(runtimePrefix() + "Memcpy" + (s.toSymbol ? "ToSymbol" : "FromSymbol") + async + "(" + args + ");");
    return;
  }
  std::string args = expr(s.dst, kPrecAssign) + ", " + expr(s.src, kPrecAssign) + ", " + bytes + ", " + copyKind(s.direction);
  if (s.async && s.stream) args += ", " + expr(s.stream, kPrecAssign);
  line(runtimePrefix() + "Memcpy" + async + "(" + args + ");");
}

void CudaPrinter::printHostSync(const HostSync &s) {
  if (s.stream) line(runtimePrefix() + "StreamSynchronize(" + expr(s.stream, kPrecAssign) + ");");
  else line(runtimePrefix() + "DeviceSynchronize();");
}

std::vector<Include> CudaPrinter::dialectIncludes() const {
  std::vector<Include> incs = {{"cuda_runtime.h", true, {}}};
  if (usage_.f16) incs.push_back({"cuda_fp16.h", true, {}});
  if (usage_.bf16) incs.push_back({"cuda_bf16.h", true, {}});
  if (usage_.wmma) incs.push_back({"mma.h", true, {}});
  return incs;
}

std::unique_ptr<CFamilyPrinter> makeCudaPrinter(const Module &m) { return std::make_unique<CudaPrinter>(m); }

}  // namespace xpile::backends
