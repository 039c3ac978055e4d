#!/usr/bin/env python3
"""Derives the CUDA library -> ROCm library tables (porting/data/<library>.json) from the real headers.

For each library, Clang reads the CUDA headers (host C++, -ast-dump and -E -dM) and lists every
declaration and macro with the library's prefix. Each name is renamed the way the ROCm library
names it (cublasX -> hipblasX, curand_init -> hiprand_init, ...). Where Debian packages the ROCm
headers (hipRAND, hipSPARSE), Clang reads those too and a CUDA name becomes an entry only when the
renamed declaration exists; the rest are listed under `no_equivalent`. hipBLAS, hipFFT and MIOpen
are not packaged: their tables say `"hip_checked": false`, their renames are systematic, and the
names known to have no exact counterpart come from tools/gen/cuda_hip_library_curated.json (as do
the CUB, Thrust and cuDNN tables, which are curated: CUB and Thrust are C++ templates that the
CUDA 13 headers do not let Clang 16 parse, and cuDNN -> MIOpen is exact only for a few names).

Usage: tools/gen/gen_cuda_hip_libraries.py [--cuda /usr/local/cuda/include] [--hip /usr/include]
                                           [-o porting/data]
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
sys.path.insert(0, HERE)
from gen_cuda_hip_runtime import DECL_KINDS, DECL_LINE  # noqa: E402  (the same AST-dump reader)


def run(cmd, text, suffix, allow_errors=False):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe" + suffix)
        with open(src, "w") as f:
            f.write(text)
        res = subprocess.run(cmd + [src], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if res.returncode != 0 and not (allow_errors and res.stdout):
            sys.exit("gen: %s failed:\n%s" % (" ".join(cmd), res.stderr[-4000:]))
        return res.stdout


def declarations(cmd, includes, prefixes, suffix, allow_errors=False):
    """{name: kind} of the declarations and macros named with one of `prefixes`."""
    text = "".join("#include <%s>\n" % h for h in includes)
    names = {}
    for line in run(cmd + ["-fsyntax-only", "-ferror-limit=0", "-Xclang", "-ast-dump"], text, suffix, allow_errors).splitlines():
        m = DECL_LINE.match(line)
        if m and m.group(1) in DECL_KINDS and m.group(2).startswith(prefixes):
            names.setdefault(m.group(2), DECL_KINDS[m.group(1)])
    for line in run(cmd + ["-E", "-dM"], text, suffix, allow_errors).splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "#define":
            name = parts[1].split("(")[0]
            if name.startswith(prefixes):
                names.setdefault(name, "macro")
    return names


def rename(name, pairs):
    for cuda, hip in pairs:
        if name.startswith(cuda):
            return hip + name[len(cuda):]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cuda", default="/usr/local/cuda/include")
    ap.add_argument("--hip", default="/usr/include")
    ap.add_argument("-o", "--out", default=os.path.join(ROOT, "porting/data"))
    args = ap.parse_args()
    curated = json.load(open(os.path.join(HERE, "cuda_hip_library_curated.json")))
    cuda_cmd = ["clang++-16", "-x", "c++", "-std=c++17", "-w", "-I" + args.cuda]
    # hipRAND's AMD headers need rocRAND (not packaged); its NVIDIA-platform headers declare the
    # same hiprand* API over cuRAND, so they are read that way (errors in HIP's own NVIDIA runtime
    # shim against CUDA 13 do not affect hipRAND's declarations).
    hip_nvidia_cmd = ["clang++-16", "-x", "c++", "-std=c++17", "-w", "-D__HIP_PLATFORM_NVIDIA__",
                      "-I" + args.hip, "-I" + args.cuda]
    hip_amd_cmd = ["hipcc", "--offload-arch=gfx90a", "-std=c++17", "-w", "-I" + args.hip]

    for lib in curated["libraries"]:
        name = lib["library"]
        table = {k: lib[k] for k in ("library", "rocm_library", "includes") if k in lib}
        table["generated_by"] = "tools/gen/gen_cuda_hip_libraries.py"
        table["cuda_headers"] = {"dir": args.cuda, "files": lib["cuda_headers"]}
        entries, no_equivalent = [], []
        curated_missing = lib.get("no_exact_equivalent", {})
        if lib.get("rename"):
            pairs = [tuple(p) for p in lib["rename"]]
            cuda = declarations(cuda_cmd, lib["cuda_headers"], tuple(p[0] for p in pairs), ".cpp")
            hip = None
            if lib.get("hip_headers"):
                cmd = hip_nvidia_cmd if lib.get("hip_parse") == "nvidia-platform" else hip_amd_cmd
                suffix = ".cpp" if cmd is hip_nvidia_cmd else ".hip"
                hip = declarations(cmd, lib["hip_headers"], tuple(p[1] for p in pairs), suffix, allow_errors=True)
                table["hip_headers"] = {"dir": args.hip, "files": lib["hip_headers"], "parsed_as": lib.get("hip_parse", "hip")}
            table["hip_checked"] = hip is not None
            if hip is None:
                table["hip_not_checkable"] = lib["hip_not_checkable"]
            skip = re.compile(lib["skip"]) if lib.get("skip") else None
            extra = {e["cuda"] for e in lib.get("extra_entries", [])}
            for cname in sorted(cuda):
                if (skip and skip.match(cname)) or cname in extra:
                    continue
                kind = cuda[cname]
                hname = rename(cname, pairs)
                for suffix_from, suffix_to in lib.get("suffixes", []):
                    if hname.endswith(suffix_from):
                        hname = hname[: len(hname) - len(suffix_from)] + suffix_to
                if cname in curated_missing:
                    no_equivalent.append({"cuda": cname, "kind": kind, "why": curated_missing[cname]})
                elif any(re.match(p, cname) for p in lib.get("no_exact_equivalent_patterns", {})):
                    why = next(w for p, w in lib["no_exact_equivalent_patterns"].items() if re.match(p, cname))
                    no_equivalent.append({"cuda": cname, "kind": kind, "why": why})
                elif hip is not None and hname not in hip:
                    no_equivalent.append({"cuda": cname, "kind": kind,
                                          "why": "%s declares no %s" % (lib["rocm_library"], hname)})
                else:
                    entries.append({"cuda": cname, "hip": hname, "kind": kind})
            entries += [dict(e) for e in lib.get("extra_entries", [])]
        else:  # curated table
            table["hip_checked"] = False
            table["hip_not_checkable"] = lib["hip_not_checkable"]
            entries = [dict(e) for e in lib["entries"]]
            no_equivalent = [{"cuda": k, "why": v} for k, v in sorted(curated_missing.items())]
        for key in ("namespaces", "rocprim_counterparts"):
            if key in lib:
                table[key] = lib[key]
        table["entries"] = entries
        table["no_equivalent"] = no_equivalent
        path = os.path.join(args.out, name + ".json")
        with open(path, "w") as f:
            json.dump(table, f, indent=1)
            f.write("\n")
        print("gen: %s: %d entries, %d without an exact equivalent%s" %
              (path, len(entries), len(no_equivalent), "" if table["hip_checked"] else " (HIP side not checkable here)"))


if __name__ == "__main__":
    main()
