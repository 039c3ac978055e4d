#include "checks/check_registry.h"

#include <algorithm>

namespace xpile::checks {

// One line per check; each defined in its own file.
CheckInfo warpSizeLiteralCheck();
CheckInfo fullWarpMaskCheck();
CheckInfo ballotWidthCheck();
CheckInfo inlineAsmCheck();
CheckInfo sharedMemoryCapacityCheck();
CheckInfo nramCapacityCheck();
CheckInfo unsupportedIntrinsicCheck();
CheckInfo launchBoundsCheck();
CheckInfo hipApiRenameCheck();
CheckInfo hipApiWithoutEquivalentCheck();
CheckInfo textureSurfaceCheck();

const std::vector<CheckInfo> &checkRegistry() {
  static const std::vector<CheckInfo> registry = [] {
    std::vector<CheckInfo> all = {warpSizeLiteralCheck(),      fullWarpMaskCheck(),        ballotWidthCheck(),
                                  inlineAsmCheck(),            sharedMemoryCapacityCheck(), nramCapacityCheck(),
                                  unsupportedIntrinsicCheck(), launchBoundsCheck(),        hipApiRenameCheck(),
                                  hipApiWithoutEquivalentCheck(),     textureSurfaceCheck()};
    std::sort(all.begin(), all.end(), [](const CheckInfo &a, const CheckInfo &b) { return a.name < b.name; });
    return all;
  }();
  return registry;
}

std::vector<const CheckInfo *> enabledChecks(const GlobList &globs, ast::Dialect source, const TargetLimits &target) {
  std::vector<const CheckInfo *> out;
  for (const CheckInfo &info : checkRegistry())
    if (globs.contains(info.name) && info.appliesTo(source, target)) out.push_back(&info);
  return out;
}

}  // namespace xpile::checks
