// portability-texture-surface: texture fetches, surface reads/writes and the creation of texture and
// surface objects. HIP 5.2 has the object API (hipCreateTextureObject, tex2D<T>, surf2Dwrite...) but
// for fewer element types and without boundary modes on surfaces (amd_detail/
// texture_indirect_functions.h, amd_surface_functions.h); MLU and x86 have no texture hardware at all,
// there a fetch becomes an explicit load whose clamping and filtering the descriptor decides.
#include "checks/check_registry.h"
#include "checks/device_code_matchers.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace xpile::checks {

namespace {

using namespace clang::ast_matchers;

// Names as in CUDA's texture_indirect_functions.h and surface_indirect_functions.h.
const std::vector<llvm::StringRef> &textureFetches() {
  static const std::vector<llvm::StringRef> names = {
      "tex1Dfetch",       "tex1D",           "tex2D",           "tex3D",          "tex1DLayered",
      "tex2DLayered",     "texCubemap",      "texCubemapLayered", "tex2Dgather",  "tex1DLod",
      "tex2DLod",         "tex3DLod",        "tex1DLayeredLod", "tex2DLayeredLod", "texCubemapLod",
      "texCubemapLayeredLod", "tex1DGrad",   "tex2DGrad",       "tex3DGrad",      "tex1DLayeredGrad",
      "tex2DLayeredGrad", "texCubemapGrad",  "texCubemapLayeredGrad"};
  return names;
}

const std::vector<llvm::StringRef> &surfaceAccesses() {
  static const std::vector<llvm::StringRef> names = {
      "surf1Dread",  "surf2Dread",  "surf3Dread",  "surf1DLayeredread",  "surf2DLayeredread",  "surfCubemapread",
      "surfCubemapLayeredread",     "surf1Dwrite", "surf2Dwrite",        "surf3Dwrite",        "surf1DLayeredwrite",
      "surf2DLayeredwrite",         "surfCubemapwrite", "surfCubemapLayeredwrite"};
  return names;
}

// The descriptor fields whose values decide what a fetch without texture hardware must compute.
const std::vector<llvm::StringRef> kDescriptorFields = {"addressMode",     "filterMode",      "readMode",
                                                        "normalizedCoords", "borderColor",     "seamlessCubemap",
                                                        "disableTrilinearOptimization"};

// Whether HIP 5.2's __hip_is_itex_channel_type / __hip_is_isurf_channel_type accept `type`:
// char, unsigned char, short, unsigned short, int, unsigned int, float, and vectors of them
// (HIP_vector_type, which CUDA's charN...floatN become) of 1, 2 or 4 components (surfaces: 1 to 4).
bool hipAcceptsElement(clang::QualType type, bool surface) {
  auto scalar = [](clang::QualType t, bool inVector) {
    const auto *b = t.getCanonicalType()->getAs<clang::BuiltinType>();
    if (!b) return false;
    switch (b->getKind()) {
    case clang::BuiltinType::Char_S:
    case clang::BuiltinType::Char_U:
    case clang::BuiltinType::UChar:
    case clang::BuiltinType::Short:
    case clang::BuiltinType::UShort:
    case clang::BuiltinType::Int:
    case clang::BuiltinType::UInt:
    case clang::BuiltinType::Float: return true;
    case clang::BuiltinType::SChar: return inVector;  // CUDA's char1..char4 hold signed char, HIP's hold char
    default: return false;
    }
  };
  type = type.getCanonicalType().getUnqualifiedType();
  if (scalar(type, false)) return true;
  const auto *record = type->getAsRecordDecl();
  if (!record) return false;
  unsigned components = 0;
  clang::QualType element;
  for (const clang::FieldDecl *field : record->fields()) {
    if (components && field->getType().getCanonicalType() != element.getCanonicalType()) return false;
    element = field->getType();
    ++components;
  }
  if (components == 0 || components > 4 || (components == 3 && !surface)) return false;
  return scalar(element, true);
}

std::string callName(const clang::FunctionDecl &function, const clang::CallExpr &call) {
  std::string name = function.getNameAsString();
  // `tex2D<float>(obj, x, y)`: the element type is only in the explicit template argument.
  if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(call.getCallee()->IgnoreImpCasts()))
    if (ref->hasExplicitTemplateArgs() && function.getTemplateSpecializationArgs())
      name += "<" + function.getTemplateSpecializationArgs()->get(0).getAsType().getAsString() + ">";
  return name;
}

// The object argument of a fetch or surface access, and its element type.
struct Access {
  unsigned objectArgument = 0;
  clang::QualType element;
};

Access accessOf(const clang::FunctionDecl &function) {
  Access a;
  const auto *args = function.getTemplateSpecializationArgs();
  if (args && args->size() > 0) a.element = args->get(0).getAsType();
  // `T tex2D(obj, ...)`, `void tex2D(T *ret, obj, ...)`, `void surf2Dwrite(T v, obj, ...)`: the first
  // parameter of the object typedef.
  for (unsigned i = 0; i < function.getNumParams(); ++i) {
    const auto *typedefType = function.getParamDecl(i)->getType()->getAs<clang::TypedefType>();
    if (typedefType && (typedefType->getDecl()->getName() == "cudaTextureObject_t" ||
                        typedefType->getDecl()->getName() == "cudaSurfaceObject_t")) {
      a.objectArgument = i;
      break;
    }
  }
  return a;
}

class TextureSurfaceCheck : public Check {
public:
  using Check::Check;

  void registerMatchers(MatchFinder &finder) override {
    finder.addMatcher(callExpr(callee(functionDecl(hasAnyName(textureFetches())).bind("fetch")), inDeviceCode(),
                               hasAncestor(functionDecl(hasAttr(clang::attr::CUDAGlobal)).bind("kernel")))
                          .bind("call"),
                      this);
    finder.addMatcher(callExpr(callee(functionDecl(hasAnyName(surfaceAccesses())).bind("surface")), inDeviceCode(),
                               hasAncestor(functionDecl(hasAttr(clang::attr::CUDAGlobal)).bind("kernel")))
                          .bind("call"),
                      this);
    finder.addMatcher(callExpr(callee(functionDecl(hasAnyName("cudaCreateTextureObject", "cudaCreateSurfaceObject"))
                                          .bind("create")),
                               hasAncestor(functionDecl().bind("host")))
                          .bind("call"),
                      this);
    finder.addMatcher(cudaKernelCallExpr().bind("launch"), this);
  }

  void run(const MatchFinder::MatchResult &result) override {
    const clang::SourceManager &sm = *result.SourceManager;
    if (const auto *launch = result.Nodes.getNodeAs<clang::CUDAKernelCallExpr>("launch")) {
      if (const clang::FunctionDecl *kernel = launch->getDirectCallee()) launches_[kernel->getCanonicalDecl()].push_back(launch);
      return;
    }
    const auto *call = result.Nodes.getNodeAs<clang::CallExpr>("call");
    if (!call) return;
    if (const auto *create = result.Nodes.getNodeAs<clang::FunctionDecl>("create"))
      return reportCreation(sm, *result.Context, *create, *call, *result.Nodes.getNodeAs<clang::FunctionDecl>("host"));
    const auto *fetch = result.Nodes.getNodeAs<clang::FunctionDecl>("fetch");
    const auto *surface = result.Nodes.getNodeAs<clang::FunctionDecl>("surface");
    const clang::FunctionDecl *function = fetch ? fetch : surface;
    if (!function) return;
    Access access = accessOf(*function);
    CheckDiagnostic &d = diag(sm, call->getBeginLoc(), accessMessage(*function, *call, access, surface != nullptr),
                              call->getCallee()->getSourceRange());
    // The object comes from a kernel parameter: its descriptor is found at the kernel's launches.
    if (access.objectArgument < call->getNumArgs())
      if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(call->getArg(access.objectArgument)->IgnoreImpCasts()))
        if (const auto *parameter = llvm::dyn_cast<clang::ParmVarDecl>(ref->getDecl()))
          pending_.push_back({context().diagnostics.size() - 1, result.Nodes.getNodeAs<clang::FunctionDecl>("kernel"),
                              parameter->getFunctionScopeIndex()});
    (void)d;
  }

  void onEndOfTranslationUnit(clang::ASTContext &ctx) override {
    const clang::SourceManager &sm = ctx.getSourceManager();
    for (const Pending &p : pending_) {
      auto launches = launches_.find(p.kernel->getCanonicalDecl());
      if (launches == launches_.end()) continue;
      for (const clang::CUDAKernelCallExpr *launch : launches->second) {
        if (p.parameter >= launch->getNumArgs()) continue;
        const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(launch->getArg(p.parameter)->IgnoreImpCasts());
        if (!ref) continue;
        auto created = descriptors_.find(ref->getDecl()->getCanonicalDecl());
        if (created == descriptors_.end()) continue;
        CheckDiagnostic &d = context().diagnostics[p.diagnostic];
        note(sm, d, launch->getBeginLoc(),
             "'" + ref->getDecl()->getNameAsString() + "' is passed to '" + p.kernel->getNameAsString() + "' here");
        for (const clang::BinaryOperator *setting : created->second) noteSetting(sm, ctx, d, *setting);
      }
    }
  }

private:
  struct Pending {
    size_t diagnostic;
    const clang::FunctionDecl *kernel;
    unsigned parameter;
  };

  std::string targetName() {
    return context().target.architecture + " (" + ast::dialectName(context().target.dialect) + ")";
  }

  std::string accessMessage(const clang::FunctionDecl &function, const clang::CallExpr &call, const Access &access,
                            bool surface) {
    const std::string name = callName(function, call), plain = function.getNameAsString();
    const bool write = surface && plain.find("write") != std::string::npos;
    const std::string what = std::string(surface ? (write ? "surface write '" : "surface read '") : "texture fetch '") +
                             name + "'";
    if (context().target.dialect != ast::Dialect::HIP) {
      if (!surface)
        return what + " has no equivalent on " + targetName() +
               ", which has no texture hardware: it must become an explicit load from the underlying array, "
               "clamped or wrapped as the address mode says and interpolated as the filter mode says";
      return what + " has no equivalent on " + targetName() + ", which has no surface hardware: it must become a " +
             (write ? "store into" : "load from") +
             " the underlying array at byte offset x, bounds-checked as the boundary mode says";
    }
    const std::string hipTypes = std::string("HIP 5.2 ") + (surface ? "reads and writes" : "samples") +
                                 " only char, unsigned char, short, unsigned short, int, unsigned int, float and "
                                 "their " +
                                 (surface ? "1- to 4-component" : "1-, 2- and 4-component") + " vectors";
    if (!access.element.isNull() && !access.element->isDependentType() && !hipAcceptsElement(access.element, surface))
      return what + " has no HIP equivalent for '" + access.element.getAsString() + "': " + hipTypes;
    if (!surface) return what + " has a HIP 5.2 equivalent: " + name + " on a hipTextureObject_t";
    if (plain == "surfCubemapLayeredwrite")
      return what + " differs in HIP 5.2, which declares surfCubemapLayeredwrite(T *data, ...) with a pointer";
    // CUDA's last parameter is the boundary mode (default cudaBoundaryModeTrap); HIP takes an int and ignores it.
    std::string mode = "cudaBoundaryModeTrap";
    const unsigned last = function.getNumParams() - 1;
    if (last < call.getNumArgs() && !llvm::isa<clang::CXXDefaultArgExpr>(call.getArg(last)))
      if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(call.getArg(last)->IgnoreImpCasts()))
        mode = ref->getDecl()->getNameAsString();
    return what + " has a HIP 5.2 equivalent on a hipSurfaceObject_t, but HIP ignores the boundary mode (" + mode +
           (mode == "cudaBoundaryModeTrap" ? ", CUDA's default" : "") + "): out-of-range coordinates are not " +
           (mode == "cudaBoundaryModeClamp" ? "clamped" : mode == "cudaBoundaryModeZero" ? "zeroed" : "trapped");
  }

  void reportCreation(const clang::SourceManager &sm, clang::ASTContext &ctx, const clang::FunctionDecl &create,
                      const clang::CallExpr &call, const clang::FunctionDecl &host) {
    const std::string name = create.getNameAsString();
    const bool texture = name == "cudaCreateTextureObject";
    std::string message;
    if (context().target.dialect == ast::Dialect::HIP)
      message = "'" + name + "' has a HIP 5.2 equivalent, " + (texture ? "hipCreateTextureObject" : "hipCreateSurfaceObject") +
                "; whether " + context().target.architecture + " runs it is reported by hipDeviceAttributeImageSupport";
    else
      message = "'" + name + "' has no equivalent on " + targetName() + ": without " +
                (texture ? "texture" : "surface") +
                " hardware the kernel takes the underlying array's pointer and applies the descriptor's modes itself";
    CheckDiagnostic &d = diag(sm, call.getBeginLoc(), message, call.getCallee()->getSourceRange());

    // The descriptor: `cudaCreateTextureObject(&obj, &resDesc, &texDesc, ...)`; its settings in this function.
    std::vector<const clang::BinaryOperator *> settings;
    if (texture && call.getNumArgs() > 2 && host.hasBody())
      if (const clang::VarDecl *descriptor = addressedVariable(call.getArg(2))) {
        auto field = memberExpr(member(hasAnyName(kDescriptorFields)),
                                hasObjectExpression(ignoringParenImpCasts(declRefExpr(to(varDecl(equalsNode(descriptor)))))));
        auto matches = match(findAll(binaryOperator(isAssignmentOperator(),
                                                    hasLHS(ignoringParenImpCasts(anyOf(
                                                        field, arraySubscriptExpr(hasBase(ignoringParenImpCasts(field)))))))
                                         .bind("setting")),
                             *host.getBody(), ctx);
        for (const auto &m : matches) settings.push_back(m.getNodeAs<clang::BinaryOperator>("setting"));
        std::sort(settings.begin(), settings.end(), [&](const auto *a, const auto *b) {
          return sm.isBeforeInTranslationUnit(a->getBeginLoc(), b->getBeginLoc());
        });
        for (const clang::BinaryOperator *setting : settings) noteSetting(sm, ctx, d, *setting);
      }
    if (const clang::VarDecl *object = call.getNumArgs() > 0 ? addressedVariable(call.getArg(0)) : nullptr)
      descriptors_[object->getCanonicalDecl()] = settings;
  }

  static const clang::VarDecl *addressedVariable(const clang::Expr *e) {
    const auto *address = llvm::dyn_cast<clang::UnaryOperator>(e->IgnoreParenImpCasts());
    if (!address || address->getOpcode() != clang::UO_AddrOf) return nullptr;
    const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(address->getSubExpr()->IgnoreParenImpCasts());
    return ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
  }

  void noteSetting(const clang::SourceManager &sm, clang::ASTContext &ctx, CheckDiagnostic &d,
                   const clang::BinaryOperator &setting) {
    auto text = [&](const clang::Expr *e) {
      return clang::Lexer::getSourceText(clang::CharSourceRange::getTokenRange(e->getSourceRange()), sm,
                                         ctx.getLangOpts())
          .str();
    };
    std::string field = text(setting.getLHS());
    if (const auto *dot = std::strchr(field.c_str(), '.')) field = dot + 1;
    std::string consequence;
    const bool hip = context().target.dialect == ast::Dialect::HIP;
    if (field == "seamlessCubemap" || field == "disableTrilinearOptimization")
      consequence = hip ? ": HIP 5.2's hipTextureDesc has no such field" : "";
    else if (!hip && field.rfind("addressMode", 0) == 0)
      consequence = ": the load must handle out-of-range coordinates this way";
    else if (!hip && field == "filterMode")
      consequence = ": the load must interpolate this way";
    note(sm, d, setting.getBeginLoc(), "the descriptor sets " + field + " = " + text(setting.getRHS()) + consequence,
         setting.getSourceRange());
  }

  std::vector<Pending> pending_;
  std::map<const clang::FunctionDecl *, std::vector<const clang::CUDAKernelCallExpr *>> launches_;
  std::map<const clang::Decl *, std::vector<const clang::BinaryOperator *>> descriptors_;
};

}  // namespace

CheckInfo textureSurfaceCheck() {
  return {"portability-texture-surface",
          "texture fetches, surface reads/writes and texture/surface object creation, which other targets lack or "
          "restrict",
          [](ast::Dialect source, const TargetLimits &target) { return source != target.dialect; },
          [](CheckContext &c) { return std::make_unique<TextureSurfaceCheck>("portability-texture-surface", c); }};
}

}  // namespace xpile::checks
