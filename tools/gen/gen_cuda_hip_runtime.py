#!/usr/bin/env python3
"""Derives the CUDA <-> HIP runtime API table (passes/data/cuda_hip_runtime.json) from the real
headers, so the mapping is data that anyone can regenerate against newer SDKs.

How: Clang reads each SDK's headers and prints its AST (-Xclang -ast-dump) and its macros (-E -dM);
every declaration named cuda*/CUDA* (functions, enumerators, enums, typedefs, records, macros) is
paired with the HIP declaration of the corresponding name (cudaX -> hipX, CUDA_X -> HIP_X,
cudaErrorX -> hipErrorX, ...) when the HIP headers declare it too. Pairs that names alone cannot
find, and names that must not pair, come from tools/gen/cuda_hip_overrides.json (commented).
CUDA names without a HIP declaration are listed as `cuda_only` (the pass reports them as errors),
HIP names without a CUDA one as `hip_only`.

Usage: tools/gen/gen_cuda_hip_runtime.py [--cuda /usr/local/cuda/include] [--hip /usr/include]
                                         [-o passes/data/cuda_hip_runtime.json]
Needs clang++-16 (CUDA side, parsed as C++ host code) and hipcc (HIP side, parsed as HIP).
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

# Declaration kinds we read from the AST dump, and how the table names them.
DECL_KINDS = {
    "FunctionDecl": "function",
    "FunctionTemplateDecl": "function",
    "EnumConstantDecl": "enumerator",
    "EnumDecl": "type",
    "TypedefDecl": "type",
    "TypeAliasDecl": "type",
    "CXXRecordDecl": "type",
    "RecordDecl": "type",
}
# `|-FunctionDecl 0x55 <...> col:58 cudaMalloc 'cudaError_t (void **, size_t)' extern`
DECL_LINE = re.compile(r"^[|`\- ]*(\w+) 0x[0-9a-f]+ (?:parent 0x[0-9a-f]+ )?(?:prev 0x[0-9a-f]+ )?<[^>]*> \S+"
                       r"(?: implicit| used| referenced| invalid| constexpr| inline| static)* (?:struct |union |enum |class )?"
                       r"([A-Za-z_]\w*)")


def run(cmd, stdin_text):
    with tempfile.TemporaryDirectory() as tmp:
        suffix = ".hip" if "hip" in cmd[0] else ".cpp"
        src = os.path.join(tmp, "probe" + suffix)
        with open(src, "w") as f:
            f.write(stdin_text)
        res = subprocess.run(cmd + [src], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if res.returncode != 0:
            sys.exit("gen: %s failed:\n%s" % (" ".join(cmd), res.stderr[-4000:]))
        return res.stdout


def declarations(cmd, includes, prefixes):
    """{name: kind} of every declaration / macro whose name starts with one of `prefixes`."""
    text = "".join("#include <%s>\n" % h for h in includes)
    names = {}
    for line in run(cmd + ["-fsyntax-only", "-Xclang", "-ast-dump"], text).splitlines():
        m = DECL_LINE.match(line)
        if not m or m.group(1) not in DECL_KINDS:
            continue
        name = m.group(2)
        if name.startswith(prefixes) and name not in names:
            names[name] = DECL_KINDS[m.group(1)]
    for line in run(cmd + ["-E", "-dM"], text).splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "#define":
            name = parts[1].split("(")[0]
            if name.startswith(prefixes) and name not in names:
                names[name] = "macro"
    return names


def hip_names(cuda):
    """The HIP spellings that name correspondence predicts for a CUDA name, most likely first."""
    base = hip_name(cuda)
    if not base:
        return []
    # HIP's enum/struct tags often carry a _t the CUDA ones lack (cudaLimit -> hipLimit_t).
    return [base, base + "_t"]


def hip_name(cuda):
    """The HIP spelling that name correspondence predicts for a CUDA name."""
    # Longest prefixes first: CUDA abbreviates device attributes (cudaDevAttrWarpSize), HIP does not
    # (hipDeviceAttributeWarpSize).
    for c, h in (("cudaDevAttr", "hipDeviceAttribute"), ("cuda", "hip"), ("CUDA_", "HIP_"), ("CUDA", "HIP"),
                 ("CU_", "HIP_"), ("cu", "hip")):
        if cuda.startswith(c):
            return h + cuda[len(c):]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cuda", default="/usr/local/cuda/include")
    ap.add_argument("--hip", default="/usr/include")
    ap.add_argument("--overrides", default=os.path.join(HERE, "cuda_hip_overrides.json"))
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "passes", "data", "cuda_hip_runtime.json"))
    args = ap.parse_args()

    cuda_cmd = ["clang++-16", "-x", "c++", "-std=c++17", "-w", "-I" + args.cuda]
    cuda_headers = ["cuda_runtime_api.h", "cuda_fp16.h", "cuda_bf16.h", "cuda.h"]
    hip_cmd = ["hipcc", "--offload-arch=gfx90a", "-std=c++17", "-w", "-I" + args.hip]
    hip_headers = ["hip/hip_runtime.h", "hip/hip_fp16.h", "hip/hip_bfloat16.h"]
    cuda = declarations(cuda_cmd, cuda_headers, ("cuda", "CUDA", "cu", "CU"))
    hip = declarations(hip_cmd, hip_headers, ("hip", "HIP"))

    with open(args.overrides) as f:
        overrides = json.load(f)
    never = {n["cuda"] for n in overrides["never"]}
    pairs = {}  # cuda name -> (hip name, kind, origin)
    # Spellings that differ only in case (cudaDevAttrMultiProcessorCount vs
    # hipDeviceAttributeMultiprocessorCount, cudaErrorLaunchTimeout vs hipErrorLaunchTimeOut).
    by_lower = {}
    for h in hip:
        by_lower.setdefault(h.lower(), []).append(h)
    for name, kind in sorted(cuda.items()):
        if name in never:
            continue
        for h in hip_names(name):
            if h in hip:
                pairs[name] = (h, kind, "name")
                break
            same = by_lower.get(h.lower(), [])
            if len(same) == 1:
                pairs[name] = (same[0], kind, "name, case")
                break
    for o in overrides["pairs"]:
        c, h = o["cuda"], o["hip"]
        if o.get("device", False):  # device-side names: not in the host-only CUDA parse
            pass
        elif c not in cuda:
            sys.exit("gen: override names '%s', which the CUDA headers do not declare" % c)
        if h not in hip:
            sys.exit("gen: override names '%s', which the HIP headers do not declare" % h)
        pairs[c] = (h, o.get("kind", cuda.get(c, "function")), "override")

    entries = [{"cuda": c, "hip": h, "kind": k, "from": origin} for c, (h, k, origin) in sorted(pairs.items())]
    paired_hip = {h for h, _, _ in pairs.values()}
    # Only the runtime API proper is reported as missing; driver-API (cu*/CU*) names are not mapped.
    cuda_only = sorted(n for n in cuda if n not in pairs and n.startswith(("cuda", "CUDA")))
    hip_only = sorted(n for n in hip if n not in paired_hip)
    table = {
        "generated_by": "tools/gen/gen_cuda_hip_runtime.py",
        "cuda_headers": {"dir": args.cuda, "files": cuda_headers},
        "hip_headers": {"dir": args.hip, "files": hip_headers},
        "includes": overrides["includes"],
        "entries": entries,
        "cuda_only": cuda_only,
        "hip_only": hip_only,
    }
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(table, f, indent=1)
        f.write("\n")
    print("gen: %d pairs (%d by name, %d overrides), %d CUDA-only, %d HIP-only -> %s" %
          (len(entries), sum(e["from"].startswith("name") for e in entries), sum(e["from"] == "override" for e in entries),
           len(cuda_only), len(hip_only), args.output))


if __name__ == "__main__":
    main()
