#include "tools/xpile/corpus_manifest.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace xpile::tools {

namespace fs = std::filesystem;

namespace {

// Recursive descent over: expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*;
// factor := number | identifier | '(' expr ')' | '-' factor.
class CountParser {
public:
  CountParser(const std::string &text, const std::map<std::string, long long> &vars) : s_(text), vars_(vars) {}

  std::optional<long long> parse(std::string &error) {
    auto v = expr();
    skipSpace();
    if (v && pos_ != s_.size()) fail("unexpected '" + s_.substr(pos_, 1) + "'");
    if (!error_.empty()) {
      error = "count '" + s_ + "': " + error_;
      return std::nullopt;
    }
    return v;
  }

private:
  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  std::optional<long long> fail(const std::string &message) {
    if (error_.empty()) error_ = message;
    return std::nullopt;
  }
  std::optional<long long> expr() {
    auto v = term();
    while (v) {
      skipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '+' && s_[pos_] != '-')) break;
      char op = s_[pos_++];
      auto rhs = term();
      if (!rhs) return std::nullopt;
      v = op == '+' ? *v + *rhs : *v - *rhs;
    }
    return v;
  }
  std::optional<long long> term() {
    auto v = factor();
    while (v) {
      skipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '*' && s_[pos_] != '/')) break;
      char op = s_[pos_++];
      auto rhs = factor();
      if (!rhs) return std::nullopt;
      if (op == '/' && *rhs == 0) return fail("division by zero");
      v = op == '*' ? *v * *rhs : *v / *rhs;
    }
    return v;
  }
  std::optional<long long> factor() {
    skipSpace();
    if (pos_ >= s_.size()) return fail("unexpected end");
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      auto v = expr();
      skipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ')') return fail("missing ')'");
      ++pos_;
      return v;
    }
    if (c == '-') {
      ++pos_;
      auto v = factor();
      return v ? std::optional<long long>(-*v) : std::nullopt;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      return std::stoll(s_.substr(start, pos_ - start));
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
      std::string name = s_.substr(start, pos_ - start);
      auto it = vars_.find(name);
      if (it == vars_.end()) return fail("unknown variable '" + name + "'");
      return it->second;
    }
    return fail("unexpected '" + std::string(1, c) + "'");
  }

  const std::string &s_;
  const std::map<std::string, long long> &vars_;
  size_t pos_ = 0;
  std::string error_;
};

std::optional<CorpusOperator> loadOperator(const fs::path &manifest, std::string &error) {
  std::ifstream in(manifest);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    error = manifest.string() + ": not valid JSON";
    return std::nullopt;
  }
  try {
    CorpusOperator op;
    op.dir = manifest.parent_path().string();
    op.name = j.at("operator").get<std::string>();
    op.family = j.value("family", manifest.parent_path().parent_path().filename().string());
    op.description = j.value("description", "");
    for (auto &[dialect, file] : j.at("files").items()) op.files[dialect] = (manifest.parent_path() / file.get<std::string>()).string();
    for (const auto &je : j.at("entries")) {
      CorpusEntry e;
      e.name = je.at("name").get<std::string>();
      for (const auto &jp : je.at("params")) {
        CorpusParam p;
        p.name = jp.at("name").get<std::string>();
        auto type = exec::parseDType(jp.at("type").get<std::string>());
        if (!type) throw std::runtime_error("parameter '" + p.name + "' has an unknown type");
        p.type = *type;
        std::string role = jp.value("role", "");
        p.role = role == "in" ? CorpusParam::Role::In : role == "out" ? CorpusParam::Role::Out : CorpusParam::Role::Scalar;
        if (p.role != CorpusParam::Role::Scalar) p.count = jp.at("count").is_string() ? jp.at("count").get<std::string>()
                                                                                     : std::to_string(jp.at("count").get<long long>());
        if (jp.contains("value")) p.value = jp.at("value").is_string() ? jp.at("value").get<std::string>() : jp.at("value").dump();
        e.params.push_back(p);
      }
      for (const auto &js : je.at("shapes")) {
        CorpusShape s;
        s.name = js.value("name", "");
        s.source = js.value("source", "");
        for (auto &[key, value] : js.items()) {
          if (value.is_number_integer()) s.vars[key] = value.get<long long>();
          if (value.is_number()) s.values[key] = value.dump();
        }
        e.shapes.push_back(s);
      }
      if (je.contains("tolerance")) {
        e.rtol = je["tolerance"].value("rtol", -1.0);
        e.atol = je["tolerance"].value("atol", -1.0);
      }
      op.entries.push_back(e);
    }
    return op;
  } catch (const std::exception &ex) {
    error = manifest.string() + ": " + ex.what();
    return std::nullopt;
  }
}

}  // namespace

std::optional<long long> evaluateCount(const std::string &expression, const std::map<std::string, long long> &vars,
                                       std::string &error) {
  return CountParser(expression, vars).parse(error);
}

std::vector<CorpusOperator> loadCorpus(const std::string &root, std::vector<std::string> &errors) {
  std::vector<CorpusOperator> ops;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; it != end && !ec; it.increment(ec)) {
    if (it->path().filename() != "manifest.json") continue;
    std::string error;
    if (auto op = loadOperator(it->path(), error)) ops.push_back(*op);
    else errors.push_back(error);
  }
  if (ec) errors.push_back(root + ": " + ec.message());
  std::sort(ops.begin(), ops.end(), [](const auto &a, const auto &b) {
    return std::tie(a.family, a.name) < std::tie(b.family, b.name);
  });
  return ops;
}

std::optional<std::vector<exec::ArgSpec>> corpusArguments(const CorpusEntry &entry, const CorpusShape &shape,
                                                          std::string &error) {
  std::vector<exec::ArgSpec> args;
  for (const CorpusParam &p : entry.params) {
    exec::ArgSpec spec;
    spec.type = p.type;
    std::string text;
    if (p.role == CorpusParam::Role::Scalar) {
      std::string value = p.value;
      if (value.empty()) {
        auto it = shape.values.find(p.name);
        if (it == shape.values.end()) {
          error = "shape '" + shape.name + "' gives no value for scalar '" + p.name + "'";
          return std::nullopt;
        }
        value = it->second;
      }
      text = std::string(exec::dtypeName(p.type)) + ":" + value;
    } else {
      auto count = evaluateCount(p.count, shape.vars, error);
      if (!count) return std::nullopt;
      if (*count <= 0) {
        error = "count of '" + p.name + "' is " + std::to_string(*count) + " on shape '" + shape.name + "'";
        return std::nullopt;
      }
      text = std::string(exec::dtypeName(p.type)) + "[" + std::to_string(*count) + "]:" +
             (p.role == CorpusParam::Role::In ? "rand" : "zeros");
    }
    auto parsed = exec::parseArgSpec(text, &error);
    if (!parsed) return std::nullopt;
    args.push_back(*parsed);
  }
  return args;
}

}  // namespace xpile::tools
