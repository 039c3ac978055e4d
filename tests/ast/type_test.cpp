#include "ast/dump.h"
#include "ast/type.h"

#include <gtest/gtest.h>

using namespace xpile::ast;

TEST(Type, DescribesNestedArraysOutermostFirst) {
  TypePtr t = Type::arrayOf(Type::arrayOf(Type::scalarOf(ScalarType::F32), 8), 4);
  EXPECT_EQ(describe(*t), "f32[4][8]");
  EXPECT_EQ(t->innermostElement().scalar, ScalarType::F32);
}

TEST(Type, DescribesConstRestrictPointers) {
  TypePtr t = Type::pointerTo(Type::scalarOf(ScalarType::F16, /*isConst=*/true), false, /*isRestrict=*/true);
  EXPECT_EQ(describe(*t), "const f16* restrict");
}

TEST(Type, EqualityLooksThroughElements) {
  EXPECT_EQ(*Type::pointerTo(Type::scalarOf(ScalarType::I8)), *Type::pointerTo(Type::scalarOf(ScalarType::I8)));
  EXPECT_NE(*Type::pointerTo(Type::scalarOf(ScalarType::I8)), *Type::pointerTo(Type::scalarOf(ScalarType::U8)));
  EXPECT_NE(*Type::vectorOf(ScalarType::F32, 4), *Type::vectorOf(ScalarType::F32, 2));
}

TEST(Type, ScalarNamesRoundTripAndSizes) {
  for (ScalarType s : {ScalarType::F64, ScalarType::F32, ScalarType::F16, ScalarType::BF16, ScalarType::I64,
                       ScalarType::I32, ScalarType::I16, ScalarType::I8, ScalarType::U8})
    EXPECT_EQ(scalarTypeFromName(scalarTypeName(s)), s);
  EXPECT_EQ(scalarTypeBytes(ScalarType::BF16), 2);
  EXPECT_EQ(scalarTypeBytes(ScalarType::F64), 8);
  EXPECT_FALSE(scalarTypeFromName("f128").has_value());
}

TEST(Type, JsonFormIsStructured) {
  auto j = toJson(*Type::arrayOf(Type::scalarOf(ScalarType::I32), 16));
  EXPECT_EQ(j["kind"], "array");
  EXPECT_EQ(j["extent"], 16);
  EXPECT_EQ(j["element"]["scalar"], "i32");
}
