#!/usr/bin/env bash
# Regenerates org.glm4j.bindings.cublaslt.cublasLt_h from cublasLt.h.
#
# usage: native/jextract/cublaslt/jextract.sh INCLUDE_DIR OUT_DIR
#   INCLUDE_DIR: the include folder holding cublasLt.h, cublas_api.h and library_types.h (see headers.txt for where it comes from)
#   OUT_DIR:     a scratch source folder; diff it against bindings/src/main/java
#
# The committed class keeps jextract's shapes (a holder class per function with DESC and HANDLE, a static method
# per function, constants as static methods) with two deliberate differences: symbols resolve through the
# package's *Library holder (found by CudaSearch, loaded lazily) instead of a fixed library name, and FUNCTIONS
# lists every symbol for the up-front check.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INC=${1:?usage: jextract.sh INCLUDE_DIR OUT_DIR}
OUT=${2:?usage: jextract.sh INCLUDE_DIR OUT_DIR}
jextract --target-package org.glm4j.bindings.cublaslt \
  --header-class-name cublasLt_h \
  -I "$INC" \
  @"$HERE/includes.txt" \
  --output "$OUT" \
  "$INC/cublasLt.h"
