#include "tests/passes/pass_test_util.h"

#include "backends/printer.h"
#include "frontends/frontend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace xpile::passes::test {

ast::Module parse(const std::string &name, const std::string &source) {
  frontends::ParseOptions opts;
  opts.showWarnings = false;
  frontends::ParseResult r = frontends::parseSource(name, source, opts);
  EXPECT_TRUE(r.module.has_value()) << r.diagnostics;
  if (!r.module) return ast::Module{};
  return std::move(*r.module);
}

std::string print(const ast::Module &m) {
  backends::PrintOptions opts;
  backends::PrintResult p = backends::printModule(m, m.dialect, opts);
  for (const auto &e : p.errors) ADD_FAILURE() << e.loc.str() << ": " << e.message;
  return p.code;
}

exec::Verdict verifyEntry(const ast::Module &before, const ast::Module &after, const std::string &entry,
                          const std::vector<std::string> &args, double rtol, double atol) {
  exec::RunRequest request;
  request.mode = exec::RunRequest::Mode::Entry;
  request.name = entry;
  for (const auto &text : args) {
    std::string error;
    auto spec = exec::parseArgSpec(text, &error);
    EXPECT_TRUE(spec.has_value()) << text << ": " << error;
    if (spec) request.args.push_back(*spec);
  }
  request.limits.timeoutSeconds = 60;
  exec::VerifyOptions options;
  options.seeds = 2;
  options.rtol = rtol;
  options.atol = atol;
  options.nameA = "before";
  options.nameB = "after";
  std::string dir = std::filesystem::temp_directory_path().string() + "/xpile-pass-test-" +
                    std::to_string(getpid()) + "-" + entry;
  std::filesystem::create_directories(dir);
  exec::Verdict v = exec::verifyWithArguments(before, after, request, entry, options, dir);
  std::filesystem::remove_all(dir);
  return v;
}

}  // namespace xpile::passes::test
