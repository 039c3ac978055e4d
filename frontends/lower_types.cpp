// Clang types -> shared-AST types. Half and bfloat16 are recognised by the names every dialect's
// headers give them; CUDA-style vector structs (float4, half2) become vector types; everything
// the model does not know is carried by its spelling.
#include "frontends/lowerer.h"

#include <clang/AST/Type.h>

#include <map>

namespace xpile::frontends {

namespace {

std::optional<ast::ScalarType> halfOrBfloat(llvm::StringRef name) {
  if (name == "half" || name == "__half") return ast::ScalarType::F16;
  if (name == "__nv_bfloat16" || name == "nv_bfloat16" || name == "__hip_bfloat16" || name == "hip_bfloat16" ||
      name == "bfloat16_t" || name == "bfloat16")
    return ast::ScalarType::BF16;
  return std::nullopt;
}

// Standard typedefs kept by name because they are portable and say what the programmer meant.
bool isPortableTypedef(llvm::StringRef name) {
  static const char *kNames[] = {"size_t",   "ptrdiff_t", "int8_t",   "uint8_t",   "int16_t",  "uint16_t",
                                 "int32_t",  "uint32_t",  "int64_t",  "uint64_t",  "intptr_t", "uintptr_t",
                                 "ssize_t"};
  for (const char *n : kNames)
    if (name == n) return true;
  return false;
}

std::optional<ast::ScalarType> builtinScalar(const clang::BuiltinType *bt) {
  using K = clang::BuiltinType::Kind;
  switch (bt->getKind()) {
  case K::Void: return ast::ScalarType::Void;
  case K::Bool: return ast::ScalarType::Bool;
  case K::Char_S: case K::Char_U: return ast::ScalarType::Char;
  case K::SChar: return ast::ScalarType::I8;
  case K::UChar: return ast::ScalarType::U8;
  case K::Short: return ast::ScalarType::I16;
  case K::UShort: return ast::ScalarType::U16;
  case K::Int: return ast::ScalarType::I32;
  case K::UInt: return ast::ScalarType::U32;
  case K::Long: case K::LongLong: return ast::ScalarType::I64;
  case K::ULong: case K::ULongLong: return ast::ScalarType::U64;
  case K::Half: case K::Float16: return ast::ScalarType::F16;
  case K::BFloat16: return ast::ScalarType::BF16;
  case K::Float: return ast::ScalarType::F32;
  case K::Double: return ast::ScalarType::F64;
  default: return std::nullopt;
  }
}

// float4, uchar2, half2, __half2, nv_bfloat162, ... -> (lane type, lanes).
std::optional<std::pair<ast::ScalarType, int>> vectorStruct(llvm::StringRef name) {
  static const std::map<std::string, ast::ScalarType> kBases = {
      {"char", ast::ScalarType::I8},      {"uchar", ast::ScalarType::U8},       {"short", ast::ScalarType::I16},
      {"ushort", ast::ScalarType::U16},   {"int", ast::ScalarType::I32},        {"uint", ast::ScalarType::U32},
      {"long", ast::ScalarType::I64},     {"ulong", ast::ScalarType::U64},      {"longlong", ast::ScalarType::I64},
      {"ulonglong", ast::ScalarType::U64}, {"float", ast::ScalarType::F32},     {"double", ast::ScalarType::F64},
      {"half", ast::ScalarType::F16},     {"__half", ast::ScalarType::F16},     {"nv_bfloat16", ast::ScalarType::BF16},
      {"__nv_bfloat16", ast::ScalarType::BF16}, {"__hip_bfloat16", ast::ScalarType::BF16}};
  if (name.empty() || !isdigit(static_cast<unsigned char>(name.back()))) return std::nullopt;
  int lanes = name.back() - '0';
  if (lanes < 1 || lanes > 4) return std::nullopt;
  auto it = kBases.find(name.drop_back().str());
  if (it == kBases.end()) return std::nullopt;
  return std::make_pair(it->second, lanes);
}

}  // namespace

ast::TypePtr Lowerer::type(clang::QualType qt) {
  if (qt.isNull()) return nullptr;
  bool isConst = qt.isLocalConstQualified() || (qt.isConstQualified() && !qt->isPointerType());
  bool isVolatile = qt.isVolatileQualified();
  bool isRestrict = qt.isRestrictQualified();
  auto finish = [&](std::shared_ptr<ast::Type> t) {
    t->isConst = t->isConst || isConst;
    t->isVolatile = isVolatile;
    t->isRestrict = isRestrict;
    return ast::TypePtr(std::move(t));
  };
  auto named = [&](std::string spelling) {
    return finish(std::const_pointer_cast<ast::Type>(ast::Type::named(std::move(spelling))));
  };

  // Typedef sugar first: it carries half/bfloat16 and the portable integer names.
  for (clang::QualType cur = qt;;) {
    if (auto *et = llvm::dyn_cast<clang::ElaboratedType>(cur.getTypePtr())) {
      cur = et->getNamedType();
      continue;
    }
    auto *td = llvm::dyn_cast<clang::TypedefType>(cur.getTypePtr());
    if (!td) break;
    llvm::StringRef name = td->getDecl()->getName();
    if (auto s = halfOrBfloat(name)) return finish(std::const_pointer_cast<ast::Type>(ast::Type::scalarOf(*s)));
    clang::QualType underlying = td->desugar();
    const clang::Type *canon = underlying.getCanonicalType().getTypePtr();
    if (auto *bt = llvm::dyn_cast<clang::BuiltinType>(canon)) {
      if (auto s = builtinScalar(bt)) {
        auto t = std::const_pointer_cast<ast::Type>(ast::Type::scalarOf(*s));
        // The program's own typedefs and the standard ones keep their names; the dialect's
        // (BANG's int8, prelude aliases) are replaced by the printer's spelling.
        if (isPortableTypedef(name) || (!isFromPrelude(td->getDecl()) && !isFromSystemHeader(td->getDecl())))
          t->name = name.str();
        return finish(t);
      }
    }
    // SIMD register types and runtime handles (__m512i, cudaStream_t, dim3 typedefs) by name.
    if (canon->isVectorType() || canon->isPointerType() || canon->isRecordType() || canon->isEnumeralType()) {
      if (canon->isRecordType()) {
        if (auto v = vectorStruct(name)) return finish(std::const_pointer_cast<ast::Type>(ast::Type::vectorOf(v->first, v->second)));
      }
      return named(name.str());
    }
    cur = underlying;
  }

  const clang::Type *t = qt.getTypePtr();
  if (auto *et = llvm::dyn_cast<clang::ElaboratedType>(t)) {
    ast::TypePtr inner = type(et->getNamedType().withFastQualifiers(qt.getLocalFastQualifiers()));
    // Types carried by spelling keep the qualifier the program wrote (std::vector<float>).
    if (inner && inner->kind == ast::Type::Kind::Named && inner->name != "auto") {
      clang::PrintingPolicy policy = ctx.getPrintingPolicy();
      policy.SuppressTagKeyword = isCxx;
      return named(qt.getLocalUnqualifiedType().getAsString(policy));
    }
    return inner;
  }
  if (auto *st = llvm::dyn_cast<clang::SubstTemplateTypeParmType>(t))
    return type(st->getReplacementType().withFastQualifiers(qt.getLocalFastQualifiers()));
  if (auto *pt = llvm::dyn_cast<clang::ParenType>(t)) return type(pt->getInnerType());
  if (auto *adj = llvm::dyn_cast<clang::AdjustedType>(t)) return type(adj->getOriginalType());
  if (auto *at = llvm::dyn_cast<clang::AttributedType>(t)) return type(at->getModifiedType());
  if (auto *dt = llvm::dyn_cast<clang::DecltypeType>(t)) return type(dt->getUnderlyingType());
  if (auto *auto_ = llvm::dyn_cast<clang::AutoType>(t)) {
    if (auto_->isDeduced() && !auto_->getDeducedType().isNull()) {
      ast::TypePtr deduced = type(auto_->getDeducedType());
      if (deduced && deduced->kind == ast::Type::Kind::Scalar) return deduced;
    }
    return named("auto");
  }
  if (auto *bt = llvm::dyn_cast<clang::BuiltinType>(t)) {
    if (auto s = builtinScalar(bt)) return finish(std::const_pointer_cast<ast::Type>(ast::Type::scalarOf(*s)));
    return named(qt.getUnqualifiedType().getAsString(ctx.getPrintingPolicy()));
  }
  if (auto *pt = llvm::dyn_cast<clang::PointerType>(t)) {
    auto p = std::const_pointer_cast<ast::Type>(ast::Type::pointerTo(type(pt->getPointeeType())));
    p->isConst = qt.isLocalConstQualified();
    p->isRestrict = isRestrict;
    p->isVolatile = isVolatile;
    return p;
  }
  if (auto *rt = llvm::dyn_cast<clang::ReferenceType>(t)) return ast::Type::referenceTo(type(rt->getPointeeType()));
  if (auto *cat = llvm::dyn_cast<clang::ConstantArrayType>(t))
    return ast::Type::arrayOf(type(cat->getElementType()), cat->getSize().getSExtValue());
  if (auto *iat = llvm::dyn_cast<clang::IncompleteArrayType>(t)) return ast::Type::arrayOf(type(iat->getElementType()), std::nullopt);
  if (auto *rec = llvm::dyn_cast<clang::RecordType>(t)) {
    llvm::StringRef name = rec->getDecl()->getName();
    if (auto s = halfOrBfloat(name)) return finish(std::const_pointer_cast<ast::Type>(ast::Type::scalarOf(*s)));
    if (isFromPrelude(rec->getDecl()))
      if (auto v = vectorStruct(name)) return finish(std::const_pointer_cast<ast::Type>(ast::Type::vectorOf(v->first, v->second)));
  }
  // Everything else (records, enums, template specialisations, dependent types) by spelling.
  clang::PrintingPolicy policy = ctx.getPrintingPolicy();
  policy.SuppressTagKeyword = isCxx;
  policy.SuppressScope = false;
  return named(qt.getLocalUnqualifiedType().getAsString(policy));
}

}  // namespace xpile::frontends
