// CUDA C++: __global__/__device__ functions, __shared__/__constant__ memory, threadIdx/blockIdx,
// __syncthreads, and the CUDA runtime on the host (cudaMalloc, cudaMemcpy, <<<...>>> launches).
// HIP is CUDA with other names, so the HIP printer derives from this one and renames.
#pragma once

#include "backends/c_family_printer.h"

namespace xpile::backends {

class CudaPrinter : public CFamilyPrinter {
public:
  explicit CudaPrinter(const ast::Module &m, ast::Dialect d = ast::Dialect::CUDA) : CFamilyPrinter(m, d) {}

protected:
  // What HIP renames.
  virtual std::string runtimePrefix() const { return "cuda"; }  // cudaMalloc / hipMalloc
  virtual std::string pinnedAllocName() const { return "cudaMallocHost"; }
  virtual std::string pinnedFreeName() const { return "cudaFreeHost"; }
  virtual std::string symbol(const ast::ExprPtr &e) { return expr(e, kPrecAssign); }  // HIP: HIP_SYMBOL(x)

  std::string halfName() const override { return "half"; }
  std::string bfloat16Name() const override { return "__nv_bfloat16"; }
  std::optional<std::string> vectorName(ast::ScalarType s, int lanes) const override;
  std::string restrictKeyword() const override { return "__restrict__"; }
  std::string functionSpecifiers(const ast::Function &f) override;
  std::string functionAttributes(const ast::Function &f) override;
  std::optional<std::string> memSpaceQualifier(ast::MemSpace space, bool atFileScope) const override;
  std::optional<std::string> parallelIndexName(ast::ParallelAxis axis, int dim) const override;
  void printSync(const ast::Sync &s) override;
  void printLaunch(const ast::Launch &s) override;
  void printHostAlloc(const ast::HostAlloc &s) override;
  void printHostFree(const ast::HostFree &s) override;
  void printHostCopy(const ast::HostCopy &s) override;
  void printHostSync(const ast::HostSync &s) override;
  std::vector<ast::Include> dialectIncludes() const override;

  std::string kernelName(const ast::Launch &s) const;  // k or k<256>
  std::string copyKind(ast::CopyDirection d) const;      // cudaMemcpyHostToDevice, ...
};

}  // namespace xpile::backends
