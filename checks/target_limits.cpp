#include "checks/target_limits.h"

namespace xpile::checks {

TargetLimits targetLimits(ast::Dialect dialect) {
  TargetLimits t;
  t.dialect = dialect;
  switch (dialect) {
  case ast::Dialect::CUDA:
    // H100: 48 KiB of static shared memory per block, 227 KiB with cudaFuncSetAttribute (xpile_cuda.h).
    t.architecture = "sm_90";
    t.warpSize = 32;
    t.staticSharedBytes = 48 * 1024;
    t.optInSharedBytes = 227 * 1024;
    break;
  case ast::Dialect::HIP:
    // CDNA2 (MI200, gfx90a): wavefront 64, 64 KiB of LDS per workgroup (xpile_hip.h).
    t.architecture = "gfx90a";
    t.warpSize = 64;
    t.staticSharedBytes = 64 * 1024;
    t.optInSharedBytes = 64 * 1024;
    break;
  case ast::Dialect::BANG:
    // MLU370 (__BANG_ARCH__ 372): 768 KiB of NRAM per core (__xpile_bang_config.h, bang-c.md §1.1).
    t.architecture = "MLU370";
    t.nramBytes = 768 * 1024;
    break;
  case ast::Dialect::VNNI:
  case ast::Dialect::C: t.architecture = "x86-64"; break;
  }
  return t;
}

ast::Dialect defaultTarget(ast::Dialect source) {
  switch (source) {
  case ast::Dialect::CUDA: return ast::Dialect::HIP;
  case ast::Dialect::HIP: return ast::Dialect::CUDA;
  default: return source;
  }
}

}  // namespace xpile::checks
