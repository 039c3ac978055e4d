#include "porting/library_tables.h"

#include "passes/runtime_api_mapping.h"
#include "porting/data/data_files.h"

#include <nlohmann/json.hpp>

namespace xpile::porting {

namespace {

PortingTables load() {
  PortingTables t;
  const auto &runtime = passes::runtimeApiTable();
  for (const auto &e : runtime.entries) t.names[e.cuda] = MappedName{e.hip, "runtime", e.kind};
  for (const auto &[cuda, hip] : runtime.includeCudaToHip) t.includes[cuda] = {hip, "runtime"};
  for (const auto &n : runtime.cudaOnly)
    t.noEquivalent[n] = UnmappedName{"runtime", "not declared by the HIP headers the runtime table was generated from"};
  for (const auto &file : data::dataFiles()) {
    auto j = nlohmann::json::parse(file.contents);
    LibraryTable lib;
    lib.library = j.at("library").get<std::string>();
    lib.rocmLibrary = j.value("rocm_library", "");
    lib.hipChecked = j.value("hip_checked", false);
    lib.hipNotCheckable = j.value("hip_not_checkable", "");
    for (const auto &e : j.at("entries")) {
      MappedName m{e.at("hip").get<std::string>(), lib.library, e.at("kind").get<std::string>()};
      std::string cuda = e.at("cuda").get<std::string>();
      t.names[cuda] = m;
      lib.entries.push_back(m);
      lib.cudaNames.push_back(cuda);
    }
    for (const auto &e : j.at("no_equivalent"))
      t.noEquivalent[e.at("cuda").get<std::string>()] = UnmappedName{lib.library, e.value("why", "")};
    for (const auto &inc : j.value("includes", nlohmann::json::array()))
      t.includes[inc.at("cuda").get<std::string>()] = {inc.at("hip").get<std::string>(), lib.library};
    for (const auto &ns : j.value("namespaces", nlohmann::json::array()))
      t.namespaces[ns.at("cuda").get<std::string>()] = {ns.at("hip").get<std::string>(), lib.library};
    t.libraries.push_back(std::move(lib));
  }
  return t;
}

}  // namespace

std::string PortingTables::libraryOf(const std::string &n) const {
  auto starts = [&](const char *p) { return n.rfind(p, 0) == 0; };
  for (const char *lib : {"cublas", "curand", "cufft", "cusparse", "cudnn"}) {
    std::string upper;
    for (const char *c = lib; *c; ++c) upper += static_cast<char>(*c - 'a' + 'A');
    if (starts(lib) || starts(upper.c_str())) return lib;
  }
  if (starts("cuda") || starts("CUDA") || starts("cu") || starts("CU")) return "runtime";
  return "";
}

const PortingTables &portingTables() {
  static const PortingTables tables = load();
  return tables;
}

}  // namespace xpile::porting
