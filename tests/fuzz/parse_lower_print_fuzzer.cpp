// libFuzzer target: any bytes, read as a source file of one of the five dialects (chosen by the
// first byte), must go through parse + lower + print without crashing, and whatever parses must
// print without errors in its own dialect.
#include "backends/printer.h"
#include "frontends/frontend.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace xpile;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const struct {
    ast::Dialect dialect;
    const char *name;
  } kInputs[] = {{ast::Dialect::CUDA, "fuzz.cu"},  {ast::Dialect::HIP, "fuzz.hip"}, {ast::Dialect::BANG, "fuzz.mlu"},
                 {ast::Dialect::VNNI, "fuzz.cpp"}, {ast::Dialect::C, "fuzz.c"}};
  const auto &input = kInputs[data[0] % 5];
  std::string source(reinterpret_cast<const char *>(data + 1), size - 1);
  frontends::ParseOptions opts;
  opts.dialect = input.dialect;
  opts.showWarnings = false;
  frontends::ParseResult parsed = frontends::parseSource(input.name, source, opts);
  if (!parsed.module) return 0;
  backends::PrintResult printed = backends::printModule(*parsed.module, input.dialect);
  // The identity direction can express everything the front end produced.
  if (!printed.ok()) abort();
  return 0;
}
