#!/usr/bin/env python3
"""Writes the CUDA library headers of xpile's prelude (frontends/prelude/cuda/cublas_v2.h, curand.h,
cufft.h, cusparse.h, cudnn.h, library_types.h, cuComplex.h) from the real CUDA headers, so user
code that includes them parses in xpile's Clang configuration (the CUDA 13 headers themselves do
not parse in Clang 16's CUDA mode).

How: Clang reads each library header as host C++ and dumps, as JSON, every declaration whose name
contains the library's prefix (-ast-dump-filter). The script re-prints the *signatures* only:
functions as prototypes, enums with their values, typedefs, structs with their fields, and the
object-like macros whose body is a single number or identifier (cublasSgemm -> cublasSgemm_v2,
version numbers). No header text is copied: comments, bodies and attributes are not carried.

Usage: tools/gen/gen_library_prelude.py [--cuda /usr/local/cuda/include] [-o frontends/prelude/cuda]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# prelude file -> (headers to read, declaration-name filters, macro prefixes, prelude headers it includes)
LIBRARIES = [
    ("library_types.h", ["library_types.h"], ["cudaDataType", "libraryPropertyType", "cudaEmulation"],
     ("CUDA_R_", "CUDA_C_", "MAJOR_VERSION", "MINOR_VERSION", "PATCH_LEVEL"), []),
    ("cuComplex.h", ["cuComplex.h"], ["cuComplex", "cuFloatComplex", "cuDoubleComplex", "cuCreal", "cuCimag",
                                      "make_cuComplex", "make_cuFloatComplex", "make_cuDoubleComplex", "cuConj",
                                      "cuCadd", "cuCsub", "cuCmul", "cuCdiv", "cuCabs", "cuCfma",
                                      "cuComplexFloatToDouble", "cuComplexDoubleToFloat"], (), []),
    ("cublas_api.h", ["cublas_v2.h"], ["cublas"], ("CUBLAS_VER",),
     ["library_types.h", "cuComplex.h", "cuda_fp16.h", "cuda_bf16.h"]),
    ("curand.h", ["curand.h"], ["curand"], ("CURAND_VER",), ["library_types.h"]),
    ("cufft.h", ["cufft.h"], ["cufft"], ("CUFFT_VER", "CUFFT_FORWARD", "CUFFT_INVERSE"), ["library_types.h", "cuComplex.h"]),
    ("cusparse.h", ["cusparse.h"], ["cusparse", "Info"], ("CUSPARSE_VER",),
     ["cstdio", "library_types.h", "cuComplex.h", "cuda_fp16.h", "cuda_bf16.h"]),
    ("cudnn.h", ["cudnn.h"], ["cudnn"], ("CUDNN_MAJOR", "CUDNN_MINOR", "CUDNN_PATCHLEVEL", "CUDNN_VERSION", "CUDNN_DIM_MAX"),
     ["library_types.h"]),
]
# Macros of cublas_v2.h that map the classic names to the _v2 entry points, taken as a whole.
MACRO_RENAMES = {"cublas_api.h": re.compile(r"^cublas\w+$")}
DEVICE_INLINE = {"cuComplex.h"}  # functions callable from kernels


def clang(cuda, headers, extra):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.cpp")
        with open(src, "w") as f:
            f.write("".join("#include <%s>\n" % h for h in headers))
        cmd = ["clang++-16", "-x", "c++", "-std=c++17", "-w", "-I" + cuda] + extra + [src]
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if res.returncode != 0:
            sys.exit("gen: %s failed:\n%s" % (" ".join(cmd), res.stderr[-4000:]))
        return res.stdout


def include_order(cuda, headers):
    """Files in the order the preprocessor first enters them (declarations are emitted in this order)."""
    order = {}
    for line in clang(cuda, headers, ["-E"]).splitlines():
        m = re.match(r'^# \d+ "([^"]+)"', line)
        if m and m.group(1) not in order:
            order[m.group(1)] = len(order)
    return order


def dumped_decls(cuda, headers, name_filter):
    """The JSON objects -ast-dump-filter prints, one per matching declaration, in source order."""
    text = clang(cuda, headers, ["-fsyntax-only", "-Xclang", "-ast-dump=json", "-Xclang", "-ast-dump-filter=" + name_filter])
    decoder, i, out = json.JSONDecoder(), 0, []
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("Dumping", i):
            i = text.index("\n", i) + 1
        else:
            obj, i = decoder.raw_decode(text, i)
            out.append(obj)
    return out


def file_of(decl):
    loc = decl.get("loc", {})
    loc = loc.get("spellingLoc", loc) if "file" not in loc else loc
    return loc.get("file", "")


def offset_of(decl):
    loc = decl.get("loc", {})
    return loc.get("offset", loc.get("spellingLoc", {}).get("offset", 0))


def declarator(qual_type, name):
    """`int [4]` + x -> `int x[4]`; `void (*)(int)` + f -> `void (*f)(int)`; `T *` + p -> `T *p`."""
    if "(*)" in qual_type:
        return qual_type.replace("(*)", "(*%s)" % name, 1)
    m = re.match(r"^(.*?) ?((?:\[\d*\])+)$", qual_type)
    if m:
        return "%s %s%s" % (m.group(1), name, m.group(2))
    return "%s%s%s" % (qual_type, "" if qual_type.endswith("*") else " ", name)


def enumerators(enum):
    items = []
    for c in enum.get("inner", []):
        if c["kind"] != "EnumConstantDecl":
            continue
        value = None
        for e in c.get("inner", []):
            if "value" in e:
                value = e["value"]
        items.append("  %s%s" % (c["name"], "" if value is None else " = " + value))
    return ",\n".join(items)


def fields(record):
    return "".join("  %s;\n" % declarator(f["type"]["qualType"], f["name"])
                   for f in record.get("inner", []) if f["kind"] == "FieldDecl")


def function_prototype(fn, device):
    qt = fn["type"]["qualType"]
    # `R (A, B)`: the return type ends at the parameter list's opening parenthesis (top level).
    depth, split = 0, None
    for i in range(len(qt) - 1, -1, -1):
        if qt[i] == ")":
            depth += 1
        elif qt[i] == "(":
            depth -= 1
            if depth == 0:
                split = i
                break
    ret, params = qt[:split].rstrip(), qt[split:]
    prefix = "__host__ __device__ " if device else ""
    return "%s%s %s%s;\n" % (prefix, ret, fn["name"], params)


def render(decls, device, wanted_file):
    out, overloads, seen, owned = [], [], set(), {}
    for d in decls:
        if d["kind"] == "TypedefDecl":
            for t in d.get("inner", []):
                if "ownedTagDecl" in t:
                    owned[t["ownedTagDecl"]["id"]] = d["name"]
    pending = {}
    for d in decls:
        if d["id"] in seen or not wanted_file(file_of(d)):
            continue
        seen.add(d["id"])
        kind, name = d["kind"], d.get("name", "")
        if kind == "EnumDecl":
            body = "{\n%s\n}" % enumerators(d)
            if d["id"] in owned and not name:
                pending[d["id"]] = "typedef enum %s %s;\n" % (body, owned[d["id"]])
            else:
                out.append("enum %s %s;\n" % (name, body))
        elif kind in ("CXXRecordDecl", "RecordDecl"):
            tag = d.get("tagUsed", "struct")
            if not d.get("completeDefinition"):
                out.append("%s %s;\n" % (tag, name)) if name else None
            elif d["id"] in owned and not name:
                pending[d["id"]] = "typedef %s {\n%s} %s;\n" % (tag, fields(d), owned[d["id"]])
            else:
                out.append("%s %s {\n%s};\n" % (tag, name, fields(d)))
        elif kind == "TypedefDecl":
            tag = [t["ownedTagDecl"]["id"] for t in d.get("inner", []) if "ownedTagDecl" in t]
            if tag and tag[0] in pending:
                out.append(pending.pop(tag[0]))
            elif not tag or tag[0] not in seen or d["type"]["qualType"].split()[-1] != d["name"]:
                out.append("typedef %s;\n" % declarator(d["type"]["qualType"], name))
        elif kind == "FunctionDecl" and (device or d.get("storageClass") != "static"):
            out.append(function_prototype(d, device))
        elif kind == "FunctionDecl":  # a C++ convenience overload (static inline in the header)
            overloads.append(function_prototype(d, device))
    return out, overloads


def simple_macros(cuda, headers, prefixes, rename_pattern):
    out = []
    for line in clang(cuda, headers, ["-E", "-dM"]).splitlines():
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[0] != "#define" or "(" in parts[1]:
            continue
        name, body = parts[1], parts[2].strip()
        simple = re.fullmatch(r"\(?-?\d+[uUlL]*\)?|[A-Za-z_]\w*", body)
        if simple and (name.startswith(prefixes) or (rename_pattern and rename_pattern.match(name))):
            out.append("#define %s %s\n" % (name, body))
    return sorted(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cuda", default="/usr/local/cuda/include")
    ap.add_argument("-o", "--out", default=os.path.join(ROOT, "frontends/prelude/cuda"))
    args = ap.parse_args()
    for prelude, headers, filters, macro_prefixes, includes in LIBRARIES:
        decls, ids = [], set()
        for flt in filters:
            for d in dumped_decls(args.cuda, headers, flt):
                if d["id"] not in ids:
                    ids.add(d["id"])
                    decls.append(d)
        order = include_order(args.cuda, headers)
        decls.sort(key=lambda d: (order.get(file_of(d), len(order)), offset_of(d)))
        lib_files = tuple(os.path.join(args.cuda, h) for h in headers)
        lib_stem = headers[0].split("_")[0].split(".")[0]
        wanted = lambda f: f.startswith(args.cuda) and (f in lib_files or os.path.basename(f).startswith(lib_stem))
        body, overloads = render(decls, prelude in DEVICE_INLINE, wanted)
        macros = simple_macros(args.cuda, headers, macro_prefixes, MACRO_RENAMES.get(prelude)) if macro_prefixes or MACRO_RENAMES.get(prelude) else []
        with open(os.path.join(args.out, prelude), "w") as f:
            f.write("// xpile prelude: %s declarations (signatures only), generated by tools/gen/gen_library_prelude.py\n"
                    "// from %s in %s. Do not edit; rerun the script.\n" % (prelude, ", ".join(headers), args.cuda))
            f.write("#pragma once\n\n#include <cuda_runtime.h>\n")
            for inc in includes:
                f.write("#include <%s>\n" % inc)
            f.write("\n")
            f.writelines(macros)
            if macros:
                f.write("\n")
            c_linkage = prelude not in DEVICE_INLINE
            if c_linkage:
                f.write('extern "C" {\n\n')
            f.writelines(body)
            if c_linkage:
                f.write('\n}  // extern "C"\n')
            if overloads:
                f.write("\n// C++ overloads\n")
                f.writelines(overloads)
        print("gen: %s: %d declarations, %d macros" % (prelude, len(body), len(macros)))


if __name__ == "__main__":
    main()
