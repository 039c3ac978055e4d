// HIP: CUDA's programming model under other names (hipMalloc, hipMemcpy, __hip_bfloat16), plus
// the hipLaunchKernelGGL launch macro.
#include "backends/cuda/cuda_printer.h"

namespace xpile::backends {

using namespace ast;

namespace {

class HipPrinter : public CudaPrinter {
public:
  explicit HipPrinter(const Module &m) : CudaPrinter(m, Dialect::HIP) {}

protected:
  std::string runtimePrefix() const override { return "hip"; }
  std::string pinnedAllocName() const override { return "hipHostMalloc"; }
  std::string pinnedFreeName() const override { return "hipHostFree"; }
  std::string symbol(const ExprPtr &e) override { return "HIP_SYMBOL(" + expr(e, kPrecAssign) + ")"; }
  std::string bfloat16Name() const override { return "__hip_bfloat16"; }

  void printLaunch(const Launch &s) override {
    if (!s.viaMacro || executing() || s.config.isBang() || !s.config.grid || !s.config.block) return CudaPrinter::printLaunch(s);
    const LaunchConfig &c = s.config;
    // HIP_KERNEL_NAME protects the commas of template arguments inside the macro call.
    std::string name = s.templateArgs.empty() ? s.kernel : "HIP_KERNEL_NAME(" + kernelName(s) + ")";
    std::string args = name + ", " + expr(c.grid, kPrecAssign) + ", " + expr(c.block, kPrecAssign) + ", " +
                       (c.sharedBytes ? expr(c.sharedBytes, kPrecAssign) : "0") + ", " +
                       (c.stream ? expr(c.stream, kPrecAssign) : "0");
    if (!s.args.empty()) args += ", " + exprList(s.args);
    line("hipLaunchKernelGGL(" + args + ");");
  }

  std::vector<Include> dialectIncludes() const override {
    std::vector<Include> incs = {{"hip/hip_runtime.h", true, {}}};
    if (usage_.f16) incs.push_back({"hip/hip_fp16.h", true, {}});
    if (usage_.bf16) incs.push_back({"hip/hip_bf16.h", true, {}});
    return incs;
  }
};

}  // namespace

std::unique_ptr<CFamilyPrinter> makeHipPrinter(const Module &m) { return std::make_unique<HipPrinter>(m); }

}  // namespace xpile::backends
