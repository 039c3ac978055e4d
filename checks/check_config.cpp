#include "checks/check_config.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/YAMLTraits.h>

namespace llvm::yaml {

template <> struct MappingTraits<xpile::checks::CheckConfig> {
  static void mapping(IO &io, xpile::checks::CheckConfig &config) {
    io.mapOptional("Checks", config.checks);
    io.mapOptional("WarningsAsErrors", config.warningsAsErrors);
    io.mapOptional("Target", config.target);
  }
};

}  // namespace llvm::yaml

namespace xpile::checks {

std::optional<CheckConfig> parseCheckConfig(const std::string &text, const std::string &fileName, std::string &error) {
  CheckConfig config;
  if (llvm::StringRef(text).trim().empty()) return config;
  std::string messages;
  llvm::yaml::Input input(text, nullptr, [](const llvm::SMDiagnostic &d, void *context) {
    llvm::raw_string_ostream os(*static_cast<std::string *>(context));
    d.print(nullptr, os, /*ShowColors=*/false);
  }, &messages);
  input >> config;
  if (input.error()) {
    // The YAML parser names the buffer "YAML"; name the file instead.
    error = messages.empty() ? fileName + ": error: invalid configuration\n" : messages;
    size_t at = error.find("YAML:");
    if (at != std::string::npos) error.replace(at, 4, fileName);
    return std::nullopt;
  }
  config.source = fileName;
  return config;
}

CheckConfig findCheckConfig(const std::string &path, std::string &error) {
  llvm::SmallString<256> dir(path);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_filename(dir);
  while (!dir.empty()) {
    llvm::SmallString<256> candidate(dir);
    llvm::sys::path::append(candidate, kConfigFileName);
    if (llvm::sys::fs::is_regular_file(candidate)) {
      auto buffer = llvm::MemoryBuffer::getFile(candidate, /*IsText=*/true);
      if (!buffer) {
        error = std::string(candidate.str()) + ": error: cannot read: " + buffer.getError().message() + "\n";
        return {};
      }
      auto config = parseCheckConfig((*buffer)->getBuffer().str(), std::string(candidate.str()), error);
      return config ? *config : CheckConfig{};
    }
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent == dir) break;
    dir = parent;
  }
  return {};
}

EffectiveConfig mergeConfig(const CheckConfig &file, const std::optional<std::string> &commandLineChecks,
                            const std::optional<std::string> &commandLineWarningsAsErrors,
                            const std::optional<std::string> &commandLineTarget) {
  auto join = [](std::string a, const std::optional<std::string> &b) {
    if (b && !b->empty()) a += (a.empty() ? "" : ",") + *b;
    return a;
  };
  EffectiveConfig out;
  out.checks = join(join(kDefaultChecks, file.checks), commandLineChecks);
  out.warningsAsErrors = join(join("", file.warningsAsErrors), commandLineWarningsAsErrors);
  out.target = commandLineTarget ? commandLineTarget : file.target;
  return out;
}

}  // namespace xpile::checks
