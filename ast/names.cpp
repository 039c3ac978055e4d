// Spellings and stable names of the AST's enumerations, shared by dumps, JSON and printers.
#include "ast/module.h"

namespace xpile::ast {

const char *unaryOpSpelling(UnaryOp op) {
  switch (op) {
  case UnaryOp::Neg: return "-";
  case UnaryOp::Plus: return "+";
  case UnaryOp::Not: return "!";
  case UnaryOp::BitNot: return "~";
  case UnaryOp::AddrOf: return "&";
  case UnaryOp::Deref: return "*";
  case UnaryOp::PreInc: case UnaryOp::PostInc: return "++";
  case UnaryOp::PreDec: case UnaryOp::PostDec: return "--";
  }
  return "?";
}

const char *binaryOpSpelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Mul: return "*";
  case BinaryOp::Div: return "/";
  case BinaryOp::Mod: return "%";
  case BinaryOp::Shl: return "<<";
  case BinaryOp::Shr: return ">>";
  case BinaryOp::BitAnd: return "&";
  case BinaryOp::BitOr: return "|";
  case BinaryOp::BitXor: return "^";
  case BinaryOp::LT: return "<";
  case BinaryOp::LE: return "<=";
  case BinaryOp::GT: return ">";
  case BinaryOp::GE: return ">=";
  case BinaryOp::EQ: return "==";
  case BinaryOp::NE: return "!=";
  case BinaryOp::LAnd: return "&&";
  case BinaryOp::LOr: return "||";
  case BinaryOp::Comma: return ",";
  }
  return "?";
}

const char *callKindName(CallKind k) {
  switch (k) {
  case CallKind::User: return "user";
  case CallKind::Math: return "math";
  case CallKind::Intrinsic: return "intrinsic";
  case CallKind::Atomic: return "atomic";
  case CallKind::Warp: return "warp";
  case CallKind::Runtime: return "runtime";
  case CallKind::Builtin: return "builtin";
  }
  return "?";
}

const char *parallelAxisName(ParallelAxis a) {
  switch (a) {
  case ParallelAxis::ThreadIdx: return "threadIdx";
  case ParallelAxis::BlockIdx: return "blockIdx";
  case ParallelAxis::BlockDim: return "blockDim";
  case ParallelAxis::GridDim: return "gridDim";
  case ParallelAxis::WarpSize: return "warpSize";
  case ParallelAxis::TaskId: return "taskId";
  case ParallelAxis::TaskIdX: return "taskIdX";
  case ParallelAxis::TaskIdY: return "taskIdY";
  case ParallelAxis::TaskIdZ: return "taskIdZ";
  case ParallelAxis::TaskDim: return "taskDim";
  case ParallelAxis::TaskDimX: return "taskDimX";
  case ParallelAxis::TaskDimY: return "taskDimY";
  case ParallelAxis::TaskDimZ: return "taskDimZ";
  case ParallelAxis::ClusterId: return "clusterId";
  case ParallelAxis::ClusterDim: return "clusterDim";
  case ParallelAxis::CoreId: return "coreId";
  case ParallelAxis::CoreDim: return "coreDim";
  }
  return "?";
}

const char *syncScopeName(SyncScope s) {
  switch (s) {
  case SyncScope::Block: return "block";
  case SyncScope::Warp: return "warp";
  case SyncScope::Cluster: return "cluster";
  case SyncScope::All: return "all";
  case SyncScope::AllIpu: return "all_ipu";
  case SyncScope::AllMpu: return "all_mpu";
  case SyncScope::Core: return "core";
  case SyncScope::ThreadFence: return "threadfence";
  }
  return "?";
}

const char *forKindName(ForKind k) {
  switch (k) {
  case ForKind::Serial: return "serial";
  case ForKind::Parallel: return "parallel";
  case ForKind::Vectorized: return "vectorized";
  case ForKind::Unrolled: return "unrolled";
  }
  return "?";
}

const char *copyDirectionName(CopyDirection d) {
  switch (d) {
  case CopyDirection::HostToDevice: return "host_to_device";
  case CopyDirection::DeviceToHost: return "device_to_host";
  case CopyDirection::DeviceToDevice: return "device_to_device";
  case CopyDirection::HostToHost: return "host_to_host";
  case CopyDirection::Default: return "default";
  }
  return "?";
}

const char *functionKindName(FunctionKind k) {
  switch (k) {
  case FunctionKind::Kernel: return "kernel";
  case FunctionKind::Device: return "device";
  case FunctionKind::Host: return "host";
  case FunctionKind::HostDevice: return "host_device";
  }
  return "?";
}

const char *dialectName(Dialect d) {
  switch (d) {
  case Dialect::CUDA: return "cuda";
  case Dialect::HIP: return "hip";
  case Dialect::BANG: return "bang";
  case Dialect::VNNI: return "vnni";
  case Dialect::C: return "c";
  }
  return "?";
}

std::optional<Dialect> dialectFromName(const std::string &name) {
  for (Dialect d : {Dialect::CUDA, Dialect::HIP, Dialect::BANG, Dialect::VNNI, Dialect::C})
    if (name == dialectName(d)) return d;
  return std::nullopt;
}

const char *sourceExtension(Dialect d, bool isCxx) {
  switch (d) {
  case Dialect::CUDA: return ".cu";
  case Dialect::HIP: return ".hip";
  case Dialect::BANG: return ".mlu";
  case Dialect::VNNI:
  case Dialect::C: return isCxx ? ".cpp" : ".c";
  }
  return ".txt";
}

}  // namespace xpile::ast
