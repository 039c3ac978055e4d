// BANG C (Cambricon MLU): __mlu_global__ kernels and __mlu_func__ helpers, explicit on-chip
// memories (__nram__, __wram__, __mlu_shared__), task/cluster/core indices, __memcpy DMA, the
// __sync_* barriers, and the CNRT runtime on the host.
#include "backends/c_family_printer.h"

namespace xpile::backends {

using namespace ast;

namespace {

// The memory a __memcpy direction names: GDRAM2NRAM, NRAM2SRAM, ...
const char *directionPart(MemSpace space) {
  switch (space) {
  case MemSpace::NRAM: return "NRAM";
  case MemSpace::WRAM: return "WRAM";
  case MemSpace::SRAM: return "SRAM";
  case MemSpace::LDRAM: return "LDRAM";
  default: return "GDRAM";
  }
}

class BangPrinter : public CFamilyPrinter {
public:
  explicit BangPrinter(const Module &m) : CFamilyPrinter(m, Dialect::BANG) {}

protected:
  std::string halfName() const override { return "half"; }
  std::string bfloat16Name() const override { return "bfloat16_t"; }
  std::string restrictKeyword() const override { return "__restrict__"; }

  // __mlu_func__ functions are always inlined, so forceInline needs no spelling; launch bounds
  // have no BANG equivalent and are dropped (they are a hint).
  std::string functionSpecifiers(const Function &f) override {
    std::string s = CFamilyPrinter::functionSpecifiers(f);
    if (f.kind == FunctionKind::Kernel) s += "__mlu_global__ ";
    // BANG has no host-device functions; the device side is the one kernels need.
    if (f.kind == FunctionKind::Device || f.kind == FunctionKind::HostDevice) s += "__mlu_func__ ";
    return s;
  }

  std::optional<std::string> memSpaceQualifier(MemSpace space, bool) const override {
    switch (space) {
    case MemSpace::Default: case MemSpace::Local: return std::string();
    case MemSpace::Global: return std::string("__mlu_device__ ");
    case MemSpace::Constant: return std::string("__mlu_const__ ");
    case MemSpace::NRAM: return std::string("__nram__ ");
    case MemSpace::WRAM: return std::string("__wram__ ");
    case MemSpace::SRAM: return std::string("__mlu_shared__ ");
    case MemSpace::LDRAM: return std::string("__ldram__ ");
    case MemSpace::Shared: return std::nullopt;
    }
    return std::nullopt;
  }

  // The BANG executor gives each cluster its own SRAM: a `__mlu_shared__` variable becomes a
  // thread_local reference bound to the running cluster's copy (see backends/bang/runtime/xpile_bang.h).
  // Its initializer, if any, is dropped as on the chip (SRAM is not initialised by the loader).
  // A const on-chip variable is a plain thread_local const: the executor's NRAM/WRAM sections hold
  // writable data only.
  std::optional<std::string> executionDeclaration(const std::string &name, const TypePtr &type, MemSpace space,
                                                  const ExprPtr &init) override {
    if (space == MemSpace::SRAM) return "thread_local " + declare(type, "(&" + name + ")") + " = XPILE_BANG_SHARED(" + name + ");";
    bool onChip = space == MemSpace::NRAM || space == MemSpace::WRAM || space == MemSpace::LDRAM;
    if (onChip && type && (type->isConst || type->innermostElement().isConst))
      return "thread_local " + declare(type, name) + (init ? " = " + expr(init, kPrecAssign) : "") + ";";
    return std::nullopt;
  }

  std::optional<std::string> parallelIndexName(ParallelAxis axis, int) const override {
    switch (axis) {
    case ParallelAxis::ThreadIdx: case ParallelAxis::BlockIdx: case ParallelAxis::BlockDim:
    case ParallelAxis::GridDim: case ParallelAxis::WarpSize:
      return std::nullopt;
    default: return std::string(parallelAxisName(axis));
    }
  }

  void printSync(const Sync &s) override {
    switch (s.scope) {
    case SyncScope::Cluster: return line("__sync_cluster();");
    case SyncScope::All: return line("__sync_all();");
    case SyncScope::AllIpu: return line("__sync_all_ipu();");
    case SyncScope::AllMpu: return line("__sync_all_mpu();");
    case SyncScope::Core: return line("__sync" + (s.detail.empty() ? "" : "_" + s.detail) + "();");
    default: return CFamilyPrinter::printSync(s);
    }
  }

  void printCopy(const Copy &s) override {
    std::string direction = s.direction.empty()
                                ? std::string(directionPart(s.srcSpace)) + "2" + directionPart(s.dstSpace)
                                : s.direction;
    std::string args = expr(s.dst, kPrecAssign) + ", " + expr(s.src, kPrecAssign) + ", " + expr(s.bytes, kPrecAssign) +
                       ", " + direction;
    if (s.segnum) {
      auto orZero = [&](const ExprPtr &e) { return e ? expr(e, kPrecAssign) : std::string("0"); };
      args += ", " + orZero(s.dstStride) + ", " + orZero(s.srcStride) + ", " + expr(s.segnum, kPrecAssign);
    }
    if (!s.extraArgs.empty()) args += ", " + exprList(s.extraArgs);
    line(std::string(s.async ? "__memcpy_async" : "__memcpy") + "(" + args + ");");
  }

  void printLaunch(const Launch &s) override {
    const LaunchConfig &c = s.config;
    if (!c.isBang())
      return unsupported(s.loc, "a launch of '" + s.kernel + "' with a grid/block configuration (BANG launches take "
                                "<<<taskDim, taskType, queue>>>)");
    std::string name = withTemplateArgs(s.kernel, s.templateArgs);
    if (executing()) {
      std::string args = kernelInfoName(s.kernel, s.templateArgs) + ", " + name + ", " + expr(c.taskDim, kPrecAssign) +
                         ", " + (c.taskType ? expr(c.taskType, kPrecAssign) : std::string("cnrtFuncTypeBlock")) + ", " +
                         (c.queue ? expr(c.queue, kPrecAssign) : nullPointer());
      if (!s.args.empty()) args += ", " + exprList(s.args);
      line("xpile::bang::launch(" + args + ");");
      return;
    }
    std::string config = launchArg(c.taskDim) + ", " +
                         (c.taskType ? launchArg(c.taskType) : std::string("cnrtFuncTypeBlock")) + ", " +
                         (c.queue ? launchArg(c.queue) : nullPointer());
    line(name + "<<<" + config + ">>>(" + exprList(s.args) + ");");
  }

  void printHostAlloc(const HostAlloc &s) override {
    if (s.memory == HostAlloc::Memory::Managed) return unsupported(s.loc, "managed memory allocation");
    std::string fn = s.memory == HostAlloc::Memory::PinnedHost ? "cnrtHostMalloc" : "cnrtMalloc";
    line(fn + "((void **)&" + expr(s.pointer, kPrecUnary) + ", " + expr(s.bytes, kPrecAssign) + ");");
  }

  void printHostFree(const HostFree &s) override {
    std::string fn = s.memory == HostAlloc::Memory::PinnedHost ? "cnrtFreeHost" : "cnrtFree";
    line(fn + "(" + expr(s.pointer, kPrecAssign) + ");");
  }

  void printHostCopy(const HostCopy &s) override {
    if (s.toSymbol || s.fromSymbol) return unsupported(s.loc, "a copy to or from a device symbol");
    const char *dir = "cnrtMemcpyNoDirection";
    switch (s.direction) {
    case CopyDirection::HostToDevice: dir = "cnrtMemcpyHostToDev"; break;
    case CopyDirection::DeviceToHost: dir = "cnrtMemcpyDevToHost"; break;
    case CopyDirection::DeviceToDevice: dir = "cnrtMemcpyDevToDev"; break;
    case CopyDirection::HostToHost: dir = "cnrtMemcpyHostToHost"; break;
    case CopyDirection::Default: break;
    }
    std::string args = expr(s.dst, kPrecAssign) + ", " + expr(s.src, kPrecAssign) + ", " + expr(s.bytes, kPrecAssign);
    if (s.async) line("cnrtMemcpyAsync(" + args + ", " + (s.stream ? expr(s.stream, kPrecAssign) : nullPointer()) +
                      ", " + dir + ");");
    else line("cnrtMemcpy(" + args + ", " + dir + ");");
  }

  void printHostSync(const HostSync &s) override {
    if (!s.stream) return unsupported(s.loc, "device-wide synchronization without a queue");
    line("cnrtQueueSync(" + expr(s.stream, kPrecAssign) + ");");
  }

  std::vector<Include> dialectIncludes() const override {
    std::vector<Include> incs = {{"bang.h", true, {}}};
    if (usage_.hostCode) incs.push_back({"cnrt.h", true, {}});
    return incs;
  }
};

}  // namespace

std::unique_ptr<CFamilyPrinter> makeBangPrinter(const Module &m) { return std::make_unique<BangPrinter>(m); }

}  // namespace xpile::backends
