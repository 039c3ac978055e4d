#include "frontends/dialect_detection.h"

#include <gtest/gtest.h>

using xpile::ast::Dialect;
using xpile::frontends::detectDialect;
using xpile::frontends::isCSource;

TEST(DialectDetection, ExtensionsDecideForDialectSpecificFiles) {
  EXPECT_EQ(detectDialect("k.cu", ""), Dialect::CUDA);
  EXPECT_EQ(detectDialect("k.cuh", ""), Dialect::CUDA);
  EXPECT_EQ(detectDialect("k.hip", ""), Dialect::HIP);
  EXPECT_EQ(detectDialect("dir/k.hip.cpp", ""), Dialect::HIP);
  EXPECT_EQ(detectDialect("k.mlu", ""), Dialect::BANG);
}

TEST(DialectDetection, ContentDecidesForCppFiles) {
  EXPECT_EQ(detectDialect("k.cpp", "#include <hip/hip_runtime.h>\n__global__ void k() {}"), Dialect::HIP);
  EXPECT_EQ(detectDialect("k.cpp", "#include <cuda_runtime.h>\nint main() {}"), Dialect::CUDA);
  EXPECT_EQ(detectDialect("k.cpp", "__global__ void k(float *a) {}"), Dialect::CUDA);
  EXPECT_EQ(detectDialect("k.cpp", "#include <bang.h>\n__mlu_global__ void k() {}"), Dialect::BANG);
  EXPECT_EQ(detectDialect("k.c", "#include <immintrin.h>\nvoid f() {}"), Dialect::VNNI);
  EXPECT_EQ(detectDialect("k.c", "#include <stdio.h>\nint main(void) { return 0; }"), Dialect::C);
}

TEST(DialectDetection, CommentsAndStringsDoNotCount) {
  EXPECT_EQ(detectDialect("k.cpp", "// ported from __global__ CUDA code\nconst char *s = \"__global__\";"), Dialect::C);
}

TEST(DialectDetection, UnknownExtensionIsUndecided) {
  EXPECT_FALSE(detectDialect("notes.txt", "__global__").has_value());
}

TEST(DialectDetection, OnlyDotCFilesAreC) {
  EXPECT_TRUE(isCSource("a.c", Dialect::C));
  EXPECT_TRUE(isCSource("a.c", Dialect::VNNI));
  EXPECT_FALSE(isCSource("a.cpp", Dialect::C));
  EXPECT_FALSE(isCSource("a.c", Dialect::CUDA));
}
