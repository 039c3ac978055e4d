// The corpus manifests (corpus/<family>/<operator>/manifest.json, see corpus/README.md): what each
// operator's entries take, on which shapes, with which tolerance, in which files.
#pragma once

#include "backends/exec/arg_spec.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace xpile::tools {

struct CorpusParam {
  std::string name;
  exec::DType type = exec::DType::F32;
  enum class Role { In, Out, Scalar } role = Role::Scalar;
  std::string count;  // tensors: an expression over the shape's variables
  std::string value;  // scalars: a fixed value, when given
};

struct CorpusShape {
  std::string name, source;
  std::map<std::string, long long> vars;       // integer variables (sizes), for counts and scalars
  std::map<std::string, std::string> values;   // every numeric variable as written (eps: 1e-12), for scalars
};

struct CorpusEntry {
  std::string name;
  std::vector<CorpusParam> params;
  std::vector<CorpusShape> shapes;
  double rtol = -1, atol = -1;
};

struct CorpusOperator {
  std::string name, family, description, dir;
  std::map<std::string, std::string> files;  // dialect name -> path
  std::vector<CorpusEntry> entries;
};

// Every operator under `root`, sorted by family and name; errors (unreadable manifests) collected.
std::vector<CorpusOperator> loadCorpus(const std::string &root, std::vector<std::string> &errors);

// Evaluates `+ - * / ( )` over integers and the shape's variables; nullopt (with `error`) otherwise.
std::optional<long long> evaluateCount(const std::string &expression, const std::map<std::string, long long> &vars,
                                       std::string &error);

// The --arg list of an entry on a shape: inputs random, outputs zeros, scalars their values.
std::optional<std::vector<exec::ArgSpec>> corpusArguments(const CorpusEntry &entry, const CorpusShape &shape,
                                                          std::string &error);

}  // namespace xpile::tools
