#include "ast/type.h"

#include <cassert>

namespace xpile::ast {

TypePtr Type::scalarOf(ScalarType s, bool isConst) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::Scalar;
  t->scalar = s;
  t->isConst = isConst;
  return t;
}

TypePtr Type::vectorOf(ScalarType s, int lanes) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::Vector;
  t->scalar = s;
  t->lanes = lanes;
  return t;
}

TypePtr Type::pointerTo(TypePtr pointee, bool isConst, bool isRestrict) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::Pointer;
  t->element = std::move(pointee);
  t->isConst = isConst;
  t->isRestrict = isRestrict;
  return t;
}

TypePtr Type::referenceTo(TypePtr referee) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::Reference;
  t->element = std::move(referee);
  return t;
}

TypePtr Type::arrayOf(TypePtr element, std::optional<int64_t> extent) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::Array;
  t->element = std::move(element);
  t->extent = extent;
  return t;
}

TypePtr Type::named(std::string spelling, bool isConst) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::Named;
  t->name = std::move(spelling);
  t->isConst = isConst;
  return t;
}

bool Type::isFloat() const {
  if (kind != Kind::Scalar && kind != Kind::Vector) return false;
  switch (scalar) {
  case ScalarType::F16: case ScalarType::BF16: case ScalarType::F32: case ScalarType::F64: return true;
  default: return false;
  }
}

bool Type::isInteger() const {
  if (kind != Kind::Scalar) return false;
  switch (scalar) {
  case ScalarType::Void: case ScalarType::F16: case ScalarType::BF16: case ScalarType::F32: case ScalarType::F64:
    return false;
  default: return true;
  }
}

const Type &Type::innermostElement() const {
  const Type *t = this;
  while (t->kind == Kind::Array && t->element) t = t->element.get();
  return *t;
}

bool operator==(const Type &a, const Type &b) {
  if (a.kind != b.kind || a.scalar != b.scalar || a.lanes != b.lanes || a.extent != b.extent || a.name != b.name ||
      a.isConst != b.isConst || a.isVolatile != b.isVolatile || a.isRestrict != b.isRestrict)
    return false;
  if (!a.element || !b.element) return a.element == b.element;
  return *a.element == *b.element;
}

namespace {
struct ScalarInfo {
  ScalarType type;
  const char *name;
  int bytes;
};
constexpr ScalarInfo kScalars[] = {
    {ScalarType::Void, "void", 0}, {ScalarType::Bool, "bool", 1}, {ScalarType::Char, "char", 1},
    {ScalarType::I8, "i8", 1},     {ScalarType::U8, "u8", 1},     {ScalarType::I16, "i16", 2},
    {ScalarType::U16, "u16", 2},   {ScalarType::I32, "i32", 4},   {ScalarType::U32, "u32", 4},
    {ScalarType::I64, "i64", 8},   {ScalarType::U64, "u64", 8},   {ScalarType::F16, "f16", 2},
    {ScalarType::BF16, "bf16", 2}, {ScalarType::F32, "f32", 4},   {ScalarType::F64, "f64", 8},
};
}  // namespace

const char *scalarTypeName(ScalarType s) {
  for (const auto &info : kScalars)
    if (info.type == s) return info.name;
  return "?";
}

std::optional<ScalarType> scalarTypeFromName(const std::string &name) {
  for (const auto &info : kScalars)
    if (name == info.name) return info.type;
  return std::nullopt;
}

int scalarTypeBytes(ScalarType s) {
  for (const auto &info : kScalars)
    if (info.type == s) return info.bytes;
  return 0;
}

const char *memSpaceName(MemSpace m) {
  switch (m) {
  case MemSpace::Default: return "default";
  case MemSpace::Global: return "global";
  case MemSpace::Shared: return "shared";
  case MemSpace::Constant: return "constant";
  case MemSpace::Local: return "local";
  case MemSpace::NRAM: return "nram";
  case MemSpace::WRAM: return "wram";
  case MemSpace::SRAM: return "sram";
  case MemSpace::LDRAM: return "ldram";
  }
  return "?";
}

std::string describe(const Type &t) {
  std::string quals = std::string(t.isConst ? "const " : "") + (t.isVolatile ? "volatile " : "");
  switch (t.kind) {
  case Type::Kind::Scalar: return quals + scalarTypeName(t.scalar);
  case Type::Kind::Vector: return quals + scalarTypeName(t.scalar) + "x" + std::to_string(t.lanes);
  case Type::Kind::Named: return quals + "named(" + t.name + ")";
  case Type::Kind::Pointer:
    return describe(*t.element) + "*" + (t.isConst ? " const" : "") + (t.isRestrict ? " restrict" : "");
  case Type::Kind::Reference: return describe(*t.element) + "&";
  case Type::Kind::Array: {
    // Print dimensions outermost first: f32[4][8].
    std::string dims;
    const Type *cur = &t;
    while (cur->kind == Type::Kind::Array) {
      dims += "[" + (cur->extent ? std::to_string(*cur->extent) : std::string()) + "]";
      cur = cur->element.get();
    }
    return describe(*cur) + dims;
  }
  }
  return "?";
}

}  // namespace xpile::ast
