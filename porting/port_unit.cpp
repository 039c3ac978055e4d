#include "porting/port_unit.h"

#include <llvm/Support/FileSystem.h>

namespace xpile::porting {

std::string relativeToRoot(const std::string &root, const std::string &path, bool *inside) {
  auto strip = [&](const std::string &p, std::string &out) {
    if (p.size() > root.size() && p.compare(0, root.size(), root) == 0 && p[root.size()] == '/') {
      out = p.substr(root.size() + 1);
      return true;
    }
    return false;
  };
  std::string rel;
  if (strip(path, rel)) {
    if (inside) *inside = true;
    return rel;
  }
  llvm::SmallString<256> real;
  if (!llvm::sys::fs::real_path(path, real) && strip(std::string(real), rel)) {
    if (inside) *inside = true;
    return rel;
  }
  if (inside) *inside = false;
  return path;
}

UnitResult rewriteUnit(const std::string &root, const std::string &relativePath, const std::string &source,
                       const RewriteOptions &options) {
  FileRewrite rewrite = rewriteCudaToHip(root + "/" + relativePath, source, options);
  UnitResult unit;
  unit.parsed = rewrite.parsed;
  unit.clangDiagnostics = rewrite.clangDiagnostics;
  for (auto &[file, replacements] : rewrite.replacements) {
    bool inside = false;
    std::string rel = relativeToRoot(root, file, &inside);
    if (!inside) continue;  // never touch files outside the tree
    auto &edits = unit.edits[rel];
    for (const clang::tooling::Replacement &r : replacements)
      edits.push_back({r.getOffset(), r.getLength(), r.getReplacementText().str()});
  }
  auto fix = [&](std::string &file) { file = relativeToRoot(root, file); };
  for (auto &c : rewrite.converted) fix(c.file);
  std::function<void(Diagnostic &)> fixDiagnostic = [&](Diagnostic &d) {
    fix(d.file);
    d.fixes.clear();  // already part of the edits
    for (auto &n : d.notes) fixDiagnostic(n);
  };
  for (auto &d : rewrite.diagnostics) fixDiagnostic(d);
  for (auto &k : rewrite.kept) fix(k.file);
  for (auto &k : rewrite.kernels) fix(k.file);
  unit.converted = std::move(rewrite.converted);
  unit.diagnostics = std::move(rewrite.diagnostics);
  unit.kept = std::move(rewrite.kept);
  unit.kernels = std::move(rewrite.kernels);
  return unit;
}

const char *levelName(Diagnostic::Level level) {
  switch (level) {
  case Diagnostic::Level::Note: return "note";
  case Diagnostic::Level::Warning: return "warning";
  case Diagnostic::Level::Error: return "error";
  }
  return "warning";
}

static Diagnostic::Level levelFromName(const std::string &name) {
  if (name == "note") return Diagnostic::Level::Note;
  if (name == "error") return Diagnostic::Level::Error;
  return Diagnostic::Level::Warning;
}

nlohmann::json diagnosticToJson(const Diagnostic &d) {
  nlohmann::json j = {{"level", levelName(d.level)}, {"file", d.file},       {"offset", d.offset}, {"line", d.line},
                      {"column", d.column},          {"message", d.message}, {"check", d.check}};
  if (!d.notes.empty()) {
    j["notes"] = nlohmann::json::array();
    for (const auto &n : d.notes) j["notes"].push_back(diagnosticToJson(n));
  }
  return j;
}

static Diagnostic diagnosticFromJson(const nlohmann::json &j) {
  Diagnostic d;
  d.level = levelFromName(j.value("level", "warning"));
  d.file = j.value("file", "");
  d.offset = j.value("offset", 0u);
  d.line = j.value("line", 0u);
  d.column = j.value("column", 0u);
  d.message = j.value("message", "");
  d.check = j.value("check", "");
  if (j.contains("notes"))
    for (const auto &n : j["notes"]) d.notes.push_back(diagnosticFromJson(n));
  return d;
}

nlohmann::json unitResultToJson(const UnitResult &unit) {
  nlohmann::json j;
  j["parsed"] = unit.parsed;
  j["clangDiagnostics"] = unit.clangDiagnostics;
  j["edits"] = nlohmann::json::object();
  for (const auto &[file, edits] : unit.edits) {
    auto &list = j["edits"][file] = nlohmann::json::array();
    for (const TextEdit &e : edits) list.push_back({e.offset, e.length, e.text});
  }
  j["converted"] = nlohmann::json::array();
  for (const auto &c : unit.converted)
    j["converted"].push_back({{"file", c.file}, {"line", c.line}, {"column", c.column}, {"library", c.library},
                              {"kind", c.kind}, {"from", c.from}, {"to", c.to}});
  j["diagnostics"] = nlohmann::json::array();
  for (const auto &d : unit.diagnostics) j["diagnostics"].push_back(diagnosticToJson(d));
  j["kept"] = nlohmann::json::array();
  for (const auto &k : unit.kept)
    j["kept"].push_back({{"file", k.file}, {"line", k.line}, {"column", k.column}, {"text", k.text}, {"reason", k.reason}});
  j["kernels"] = nlohmann::json::array();
  for (const auto &k : unit.kernels)
    j["kernels"].push_back({{"file", k.file}, {"name", k.name}, {"line", k.line}, {"verified", k.verified}, {"why", k.why}});
  return j;
}

UnitResult unitResultFromJson(const nlohmann::json &j) {
  UnitResult unit;
  unit.parsed = j.value("parsed", false);
  unit.clangDiagnostics = j.value("clangDiagnostics", "");
  for (const auto &[file, list] : j.at("edits").items())
    for (const auto &e : list) unit.edits[file].push_back({e.at(0).get<size_t>(), e.at(1).get<size_t>(), e.at(2).get<std::string>()});
  for (const auto &c : j.at("converted")) {
    ConvertedReference r;
    r.file = c.value("file", "");
    r.line = c.value("line", 0u);
    r.column = c.value("column", 0u);
    r.library = c.value("library", "");
    r.kind = c.value("kind", "");
    r.from = c.value("from", "");
    r.to = c.value("to", "");
    unit.converted.push_back(std::move(r));
  }
  for (const auto &d : j.at("diagnostics")) unit.diagnostics.push_back(diagnosticFromJson(d));
  for (const auto &k : j.at("kept")) {
    KeptSpan s;
    s.file = k.value("file", "");
    s.line = k.value("line", 0u);
    s.column = k.value("column", 0u);
    s.text = k.value("text", "");
    s.reason = k.value("reason", "");
    unit.kept.push_back(std::move(s));
  }
  for (const auto &k : j.at("kernels")) {
    KernelRewrite r;
    r.file = k.value("file", "");
    r.name = k.value("name", "");
    r.line = k.value("line", 0u);
    r.verified = k.value("verified", false);
    r.why = k.value("why", "");
    unit.kernels.push_back(std::move(r));
  }
  return unit;
}

}  // namespace xpile::porting
