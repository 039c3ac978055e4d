#include "frontends/call_classification.h"

#include <set>

namespace xpile::frontends {

namespace {

bool startsWith(const std::string &s, const char *prefix) { return s.rfind(prefix, 0) == 0; }

// The C/C++ and CUDA/HIP math library, including CUDA's fast-math intrinsics.
bool isMathFunction(std::string name) {
  if (startsWith(name, "std::")) name = name.substr(5);
  static const std::set<std::string> kMath = {
      "abs", "fabs", "fabsf", "exp", "expf", "exp2", "exp2f", "expm1", "expm1f", "exp10", "exp10f", "log", "logf",
      "log2", "log2f", "log10", "log10f", "log1p", "log1pf", "pow", "powf", "sqrt", "sqrtf", "rsqrt", "rsqrtf",
      "cbrt", "cbrtf", "rcbrt", "rcbrtf", "sin", "sinf", "cos", "cosf", "tan", "tanf", "asin", "asinf", "acos",
      "acosf", "atan", "atanf", "atan2", "atan2f", "sinh", "sinhf", "cosh", "coshf", "tanh", "tanhf", "asinh",
      "asinhf", "acosh", "acoshf", "atanh", "atanhf", "erf", "erff", "erfc", "erfcf", "erfinv", "erfinvf",
      "lgamma", "lgammaf", "tgamma", "tgammaf", "ceil", "ceilf", "floor", "floorf", "round", "roundf", "rint",
      "rintf", "lrint", "lrintf", "llrint", "llrintf", "lround", "lroundf", "llround", "llroundf", "trunc",
      "truncf", "fmod", "fmodf", "remainder", "remainderf", "fma", "fmaf", "fmax", "fmaxf", "fmin", "fminf",
      "fdim", "fdimf", "hypot", "hypotf", "copysign", "copysignf", "isnan", "isinf", "isfinite", "signbit",
      "ldexp", "ldexpf", "frexp", "frexpf", "modf", "modff", "sincos", "sincosf", "sincospi", "sincospif",
      "sinpi", "sinpif", "cospi", "cospif", "normcdf", "normcdff", "max", "min", "__expf", "__exp10f", "__logf",
      "__log2f", "__log10f", "__powf", "__sinf", "__cosf", "__tanf", "__sincosf", "__fdividef", "__fdiv_rn",
      "__frcp_rn", "__fsqrt_rn", "__frsqrt_rn", "__fmaf_rn", "__fmaf_rz", "__fadd_rn", "__fsub_rn", "__fmul_rn",
      "__saturatef", "__dadd_rn", "__dmul_rn", "__fma_rn", "__drcp_rn", "__dsqrt_rn"};
  return kMath.count(name) != 0;
}

bool isWarpOperation(const std::string &n) {
  return startsWith(n, "__shfl") || startsWith(n, "__ballot") || n == "__any" || n == "__all" ||
         n == "__any_sync" || n == "__all_sync" || n == "__uni_sync" || n == "__activemask" ||
         startsWith(n, "__match_") || startsWith(n, "__reduce_") || startsWith(n, "__lane");
}

bool isAtomic(const std::string &n) {
  return startsWith(n, "atomic") || startsWith(n, "__bang_atomic") || startsWith(n, "__bang_discrete_atomic") ||
         startsWith(n, "__hip_atomic") || startsWith(n, "unsafeAtomic") || startsWith(n, "safeAtomic");
}

bool isIntrinsic(const std::string &n) {
  if (startsWith(n, "__bang_") || startsWith(n, "_mm") || startsWith(n, "__builtin_amdgcn_") ||
      startsWith(n, "__builtin_ia32_") || startsWith(n, "nvcuda::wmma::") || startsWith(n, "wmma::"))
    return true;
  // Half/bfloat16 arithmetic and conversions, integer bit intrinsics, read-only loads.
  static const char *kPrefixes[] = {"__hadd", "__hsub", "__hmul", "__hdiv", "__hfma", "__hneg", "__habs", "__hmax",
                                    "__hmin", "__heq", "__hne", "__hlt", "__hle", "__hgt", "__hge", "__hisnan",
                                    "__float2half", "__half2float", "__float22half", "__half22float", "__floats2half",
                                    "__low2", "__high2", "__halves2", "__float2bfloat16", "__bfloat162float",
                                    "__floats2bfloat16", "__bfloat1622float", "h2", "hexp", "hlog", "hsqrt",
                                    "hrsqrt", "hrcp", "hsin", "hcos", "hceil", "hfloor", "htrunc", "hrint",
                                    "__float2int", "__float2uint", "__int2float", "__uint2float", "__float_as",
                                    "__int_as_float", "__uint_as_float", "__double2", "__popc", "__ffs", "__clz",
                                    "__brev", "__byte_perm", "__dp4a", "__dp2a", "__ldg", "__ldcg", "__ldca",
                                    "__ldcs", "__stcg", "__stwb", "__funnelshift", "__mul24", "__umul24",
                                    "__mulhi", "__umulhi", "__sad", "__usad", "__vadd", "__vsub", "__memcpy",
                                    "__is_", "__nramset", "__sramset", "__gdramset", "__ldramset"};
  for (const char *p : kPrefixes)
    if (startsWith(n, p)) return true;
  return false;
}

bool isRuntimeApi(const std::string &n) {
  return startsWith(n, "cuda") || startsWith(n, "hip") || startsWith(n, "cnrt") || startsWith(n, "cn") ||
         startsWith(n, "cu");
}

}  // namespace

ast::CallKind classifyCall(const std::string &name, DeclOrigin origin) {
  if (origin == DeclOrigin::User) return ast::CallKind::User;
  if (isWarpOperation(name)) return ast::CallKind::Warp;
  if (isAtomic(name)) return ast::CallKind::Atomic;
  if (isMathFunction(name)) return ast::CallKind::Math;
  if (isIntrinsic(name)) return ast::CallKind::Intrinsic;
  if (origin == DeclOrigin::Prelude && isRuntimeApi(name)) return ast::CallKind::Runtime;
  return ast::CallKind::Builtin;
}

}  // namespace xpile::frontends
