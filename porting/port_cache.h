// The content-hash cache of `xpile port` (ROOT/.xpile-port-cache.json): for each translation unit
// and lone header, the key it was rewritten under (a hash of its contents, every project header's
// contents, the options and the xpile build) and the result; and the hash of every output file
// written. A re-run with nothing changed parses nothing and writes nothing.
#pragma once

#include "porting/port_unit.h"

#include <map>
#include <optional>
#include <string>

namespace xpile::porting {

constexpr const char *kCacheFileName = ".xpile-port-cache.json";

class PortCache {
public:
  // A missing or unreadable cache is an empty one (everything is recomputed).
  void load(const std::string &path);
  // Written atomically; returns an error message, empty on success.
  std::string save(const std::string &path) const;

  std::optional<UnitResult> lookup(const std::string &relativePath, const std::string &key) const;
  void store(const std::string &relativePath, const std::string &key, const UnitResult &unit);

  // Hash of the output last written for a relative output path ("" when unknown).
  std::string outputHash(const std::string &relativeOutputPath) const;
  void setOutputHash(const std::string &relativeOutputPath, const std::string &hash);

private:
  struct Entry {
    std::string key;
    nlohmann::json result;
  };
  std::map<std::string, Entry> units_;
  std::map<std::string, std::string> outputs_;
};

}  // namespace xpile::porting
