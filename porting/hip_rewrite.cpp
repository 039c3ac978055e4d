// Placeholder, replaced by the real rewriter.
#include "porting/hip_rewrite.h"

namespace xpile::porting {

FileRewrite rewriteCudaToHip(const std::string &path, const std::string &source, const RewriteOptions &options) {
  FileRewrite r;
  r.clangDiagnostics = path + ":1:1: error: CUDA->HIP source rewriting is not implemented yet\n";
  return r;
}

}  // namespace xpile::porting
