// Corpus manifests: count expressions and the --arg lists built from entries and shapes.
#include "tools/xpile/corpus_manifest.h"

#include <gtest/gtest.h>

using namespace xpile::tools;

TEST(CorpusCount, ArithmeticOverShapeVariables) {
  std::map<std::string, long long> vars = {{"N", 2}, {"H", 147}, {"KH", 3}, {"SH", 2}, {"C", 64}};
  std::string error;
  EXPECT_EQ(evaluateCount("N*((H-KH)/SH+1)*C", vars, error), 2 * 73 * 64);
  EXPECT_EQ(evaluateCount(" 4 * (N + 1) - -2 ", vars, error), 14);
  EXPECT_FALSE(evaluateCount("N*Q", vars, error).has_value());
  EXPECT_NE(error.find("unknown variable 'Q'"), std::string::npos) << error;
  EXPECT_FALSE(evaluateCount("N/(C-64)", vars, error).has_value());
  EXPECT_NE(error.find("division by zero"), std::string::npos) << error;
  EXPECT_FALSE(evaluateCount("(N", vars, error).has_value());
}

TEST(CorpusArguments, InputsRandomOutputsZerosScalarsFromTheShape) {
  CorpusEntry e;
  e.name = "gemm_f32";
  e.params = {{"A", xpile::exec::DType::F32, CorpusParam::Role::In, "M*K", ""},
              {"C", xpile::exec::DType::F32, CorpusParam::Role::Out, "M*N", ""},
              {"M", xpile::exec::DType::I32, CorpusParam::Role::Scalar, "", ""},
              {"alpha", xpile::exec::DType::F32, CorpusParam::Role::Scalar, "", "0.5"}};
  CorpusShape s{"tiny", "test", {{"M", 3}, {"N", 5}, {"K", 7}}, {{"M", "3"}, {"N", "5"}, {"K", "7"}}};
  std::string error;
  auto args = corpusArguments(e, s, error);
  ASSERT_TRUE(args.has_value()) << error;
  ASSERT_EQ(args->size(), 4u);
  EXPECT_EQ((*args)[0].count, 21u);
  EXPECT_EQ((*args)[0].init, xpile::exec::ArgSpec::Init::Random);
  EXPECT_EQ((*args)[1].count, 15u);
  EXPECT_EQ((*args)[1].init, xpile::exec::ArgSpec::Init::Zeros);
  EXPECT_EQ((*args)[2].intValue, 3);
  EXPECT_EQ((*args)[3].floatValue, 0.5);
  s.values.erase("M");
  EXPECT_FALSE(corpusArguments(e, s, error).has_value());
}
