#!/usr/bin/env bash
# Regenerates org.glm4j.bindings.libc.mman_h from the C library's <sys/mman.h> (glibc on Linux).
#
# usage: native/jextract/libc/jextract.sh OUT_DIR
#   OUT_DIR: a scratch source folder; diff it against bindings/src/main/java
#
# The committed class keeps jextract's shapes (a holder class per function with DESC and HANDLE, a static method
# per function, macros as static methods) with two deliberate differences: FUNCTIONS lists the symbols and
# available() is false off Linux (the constants are Linux's; tests/abi/LibcAbiTest checks them against the header);
# MAP_FAILED, a cast macro jextract skips, is written by hand as the address -1.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:?usage: jextract.sh OUT_DIR}
jextract --target-package org.glm4j.bindings.libc \
  --header-class-name mman_h \
  @"$HERE/mman.txt" \
  --output "$OUT" \
  /usr/include/x86_64-linux-gnu/sys/mman.h
