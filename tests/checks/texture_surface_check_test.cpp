// portability-texture-surface: a kernel sampling a texture object with tex2D<float> and writing a
// surface with surf2Dwrite, and the host code creating both objects, checked for HIP, BANG and C.
#include "tests/checks/check_test_util.h"

#include <gtest/gtest.h>

namespace xpile::checks::test {
namespace {

using Lines = std::vector<std::string>;

const std::string kScaleSource = R"(__global__ void scale(cudaTextureObject_t in, cudaSurfaceObject_t out, float factor) {
  int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y;
  float v = tex2D<float>(in, x + 0.5f, y + 0.5f);
  surf2Dwrite(v * factor, out, x * 4, y);
}
void launch(cudaArray_t input, cudaArray_t output) {
  cudaResourceDesc resource = {};
  resource.resType = cudaResourceTypeArray;
  resource.res.array.array = input;
  cudaTextureDesc sampling = {};
  sampling.addressMode[0] = cudaAddressModeClamp;
  sampling.filterMode = cudaFilterModeLinear;
  cudaTextureObject_t texture = 0;
  cudaCreateTextureObject(&texture, &resource, &sampling, nullptr);
  resource.res.array.array = output;
  cudaSurfaceObject_t surface = 0;
  cudaCreateSurfaceObject(&surface, &resource);
  scale<<<dim3(1, 64), 64>>>(texture, surface, 2.0f);
}
)";

TEST(TextureSurfaceCheck, ToHipNamesWhatHip52ProvidesAndWhereItDiffers) {
  FileCheckResult r = runChecks("scale.cu", kScaleSource, "-*,portability-texture-surface");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(findings(r), (Lines{
      "3:13: portability-texture-surface: texture fetch 'tex2D<float>' has a HIP 5.2 equivalent: tex2D<float> on a "
      "hipTextureObject_t",
      "  note 18:3: 'texture' is passed to 'scale' here",
      "  note 11:3: the descriptor sets addressMode[0] = cudaAddressModeClamp",
      "  note 12:3: the descriptor sets filterMode = cudaFilterModeLinear",
      "4:3: portability-texture-surface: surface write 'surf2Dwrite' has a HIP 5.2 equivalent on a hipSurfaceObject_t, "
      "but HIP ignores the boundary mode (cudaBoundaryModeTrap, CUDA's default): out-of-range coordinates are not "
      "trapped",
      "  note 18:3: 'surface' is passed to 'scale' here",
      "14:3: portability-texture-surface: 'cudaCreateTextureObject' has a HIP 5.2 equivalent, hipCreateTextureObject; "
      "whether gfx90a runs it is reported by hipDeviceAttributeImageSupport",
      "  note 11:3: the descriptor sets addressMode[0] = cudaAddressModeClamp",
      "  note 12:3: the descriptor sets filterMode = cudaFilterModeLinear",
      "17:3: portability-texture-surface: 'cudaCreateSurfaceObject' has a HIP 5.2 equivalent, hipCreateSurfaceObject; "
      "whether gfx90a runs it is reported by hipDeviceAttributeImageSupport"}));
}

TEST(TextureSurfaceCheck, ToBangAndCTheFetchBecomesAnExplicitLoad) {
  FileCheckResult bang = runChecks("scale.cu", kScaleSource, "-*,portability-texture-surface", ast::Dialect::BANG);
  ASSERT_TRUE(bang.parsed) << bang.clangDiagnostics;
  EXPECT_EQ(findings(bang), (Lines{
      "3:13: portability-texture-surface: texture fetch 'tex2D<float>' has no equivalent on MLU370 (bang), which has no "
      "texture hardware: it must become an explicit load from the underlying array, clamped or wrapped as the address "
      "mode says and interpolated as the filter mode says",
      "  note 18:3: 'texture' is passed to 'scale' here",
      "  note 11:3: the descriptor sets addressMode[0] = cudaAddressModeClamp: the load must handle out-of-range "
      "coordinates this way",
      "  note 12:3: the descriptor sets filterMode = cudaFilterModeLinear: the load must interpolate this way",
      "4:3: portability-texture-surface: surface write 'surf2Dwrite' has no equivalent on MLU370 (bang), which has no "
      "surface hardware: it must become a store into the underlying array at byte offset x, bounds-checked as the "
      "boundary mode says",
      "  note 18:3: 'surface' is passed to 'scale' here",
      "14:3: portability-texture-surface: 'cudaCreateTextureObject' has no equivalent on MLU370 (bang): without texture "
      "hardware the kernel takes the underlying array's pointer and applies the descriptor's modes itself",
      "  note 11:3: the descriptor sets addressMode[0] = cudaAddressModeClamp: the load must handle out-of-range "
      "coordinates this way",
      "  note 12:3: the descriptor sets filterMode = cudaFilterModeLinear: the load must interpolate this way",
      "17:3: portability-texture-surface: 'cudaCreateSurfaceObject' has no equivalent on MLU370 (bang): without surface "
      "hardware the kernel takes the underlying array's pointer and applies the descriptor's modes itself"}));
  FileCheckResult c = runChecks("scale.cu", kScaleSource, "-*,portability-texture-surface", ast::Dialect::C);
  ASSERT_TRUE(c.parsed) << c.clangDiagnostics;
  EXPECT_EQ(findings(c), (Lines{
      "3:13: portability-texture-surface: texture fetch 'tex2D<float>' has no equivalent on x86-64 (c), which has no "
      "texture hardware: it must become an explicit load from the underlying array, clamped or wrapped as the address "
      "mode says and interpolated as the filter mode says",
      "  note 18:3: 'texture' is passed to 'scale' here",
      "  note 11:3: the descriptor sets addressMode[0] = cudaAddressModeClamp: the load must handle out-of-range "
      "coordinates this way",
      "  note 12:3: the descriptor sets filterMode = cudaFilterModeLinear: the load must interpolate this way",
      "4:3: portability-texture-surface: surface write 'surf2Dwrite' has no equivalent on x86-64 (c), which has no "
      "surface hardware: it must become a store into the underlying array at byte offset x, bounds-checked as the "
      "boundary mode says",
      "  note 18:3: 'surface' is passed to 'scale' here",
      "14:3: portability-texture-surface: 'cudaCreateTextureObject' has no equivalent on x86-64 (c): without texture "
      "hardware the kernel takes the underlying array's pointer and applies the descriptor's modes itself",
      "  note 11:3: the descriptor sets addressMode[0] = cudaAddressModeClamp: the load must handle out-of-range "
      "coordinates this way",
      "  note 12:3: the descriptor sets filterMode = cudaFilterModeLinear: the load must interpolate this way",
      "17:3: portability-texture-surface: 'cudaCreateSurfaceObject' has no equivalent on x86-64 (c): without surface "
      "hardware the kernel takes the underlying array's pointer and applies the descriptor's modes itself"}));
}

TEST(TextureSurfaceCheck, ToHipFlagsElementTypesHip52DoesNotSample) {
  // Both calls compile with nvcc 13; hipcc 5.2 finds no matching tex1Dfetch/surf2Dwrite for them.
  const std::string source = R"(__global__ void widen(cudaTextureObject_t in, cudaSurfaceObject_t out) {
  signed char c = tex1Dfetch<signed char>(in, threadIdx.x);
  surf2Dwrite((long long)c, out, threadIdx.x * 8, 0, cudaBoundaryModeClamp);
}
)";
  FileCheckResult r = runChecks("widen.cu", source, "-*,portability-texture-surface");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(findings(r), (Lines{
      "2:19: portability-texture-surface: texture fetch 'tex1Dfetch<signed char>' has no HIP equivalent for 'signed "
      "char': HIP 5.2 samples only char, unsigned char, short, unsigned short, int, unsigned int, float and their 1-, "
      "2- and 4-component vectors",
      "3:3: portability-texture-surface: surface write 'surf2Dwrite' has no HIP equivalent for 'long long': HIP 5.2 "
      "reads and writes only char, unsigned char, short, unsigned short, int, unsigned int, float and their 1- to "
      "4-component vectors"}));
}

TEST(TextureSurfaceCheck, NolintSilencesOneFetch) {
  const std::string source = R"(__global__ void copy(cudaTextureObject_t in, float *out) {
  out[threadIdx.x] = tex1Dfetch<float>(in, threadIdx.x);  // NOLINT(portability-texture-surface)
  out[threadIdx.x + 64] = tex1Dfetch<float>(in, threadIdx.x + 64);
}
)";
  FileCheckResult r = runChecks("copy.cu", source, "-*,portability-texture-surface", ast::Dialect::VNNI);
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(r.suppressedByNolint, 1u);
  EXPECT_EQ(findings(r), (Lines{
      "3:27: portability-texture-surface: texture fetch 'tex1Dfetch<float>' has no equivalent on x86-64 (vnni), which "
      "has no texture hardware: it must become an explicit load from the underlying array, clamped or wrapped as the "
      "address mode says and interpolated as the filter mode says"}));
}

}  // namespace
}  // namespace xpile::checks::test
