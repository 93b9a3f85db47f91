#!/usr/bin/env python3
"""Finds OpenBLAS's cblas.h and library for binding.gyp. Prints "1" or "0" (default), or the include directory
("include"). LOOM_NATIVE_NO_BLAS=1 pretends OpenBLAS is absent, to build and test the own-GEMM path."""
import glob
import os
import sys

HEADER_DIRS = ["/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu", "/usr/include/openblas",
               "/usr/local/include", "/usr/include", "/opt/homebrew/opt/openblas/include"]
LIB_GLOBS = ["/usr/lib/*/libopenblas.so", "/usr/lib/libopenblas.so", "/usr/lib64/libopenblas.so",
             "/usr/local/lib/libopenblas.so", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib"]


def find():
    if os.environ.get("LOOM_NATIVE_NO_BLAS") == "1":
        return None
    header = next((d for d in HEADER_DIRS if os.path.isfile(os.path.join(d, "cblas.h"))), None)
    lib = next((p for g in LIB_GLOBS for p in glob.glob(g)), None)
    # Another BLAS's cblas.h lacks openblas_set_num_threads, which the addon calls.
    if header and lib and "openblas" in open(os.path.join(header, "cblas.h"), errors="replace").read():
        return header
    return None


found = find()
print((found or "") if sys.argv[1:] == ["include"] else ("1" if found else "0"))
