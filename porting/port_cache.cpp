#include "porting/port_cache.h"
#include "porting/port_files.h"

namespace xpile::porting {

static constexpr int kCacheFormat = 1;

void PortCache::load(const std::string &path) {
  units_.clear();
  outputs_.clear();
  std::optional<std::string> text = readWholeFile(path);
  if (!text) return;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("format", 0) != kCacheFormat) return;
  try {
    for (const auto &[rel, e] : j.at("units").items()) units_[rel] = {e.at("key").get<std::string>(), e.at("result")};
    for (const auto &[rel, h] : j.at("outputs").items()) outputs_[rel] = h.get<std::string>();
  } catch (const nlohmann::json::exception &) {
    units_.clear();
    outputs_.clear();
  }
}

std::string PortCache::save(const std::string &path) const {
  nlohmann::json j = {{"format", kCacheFormat}, {"units", nlohmann::json::object()}, {"outputs", outputs_}};
  for (const auto &[rel, e] : units_) j["units"][rel] = {{"key", e.key}, {"result", e.result}};
  return writeFileAtomically(path, j.dump(1) + "\n");
}

std::optional<UnitResult> PortCache::lookup(const std::string &relativePath, const std::string &key) const {
  auto it = units_.find(relativePath);
  if (it == units_.end() || it->second.key != key) return std::nullopt;
  try {
    return unitResultFromJson(it->second.result);
  } catch (const nlohmann::json::exception &) {
    return std::nullopt;
  }
}

void PortCache::store(const std::string &relativePath, const std::string &key, const UnitResult &unit) {
  units_[relativePath] = {key, unitResultToJson(unit)};
}

std::string PortCache::outputHash(const std::string &relativeOutputPath) const {
  auto it = outputs_.find(relativeOutputPath);
  return it == outputs_.end() ? "" : it->second;
}

void PortCache::setOutputHash(const std::string &relativeOutputPath, const std::string &hash) {
  outputs_[relativeOutputPath] = hash;
}

}  // namespace xpile::porting
