#!/usr/bin/env bash
# Regenerates org.glm4j.bindings.cuda.cuda_h from cuda.h.
#
# usage: native/jextract/cuda/jextract.sh INCLUDE_DIR OUT_DIR
#   INCLUDE_DIR: the include folder holding cuda.h (see headers.txt for where it comes from)
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
jextract --target-package org.glm4j.bindings.cuda \
  --header-class-name cuda_h \
  -I "$INC" \
  @"$HERE/includes.txt" \
  --output "$OUT" \
  "$INC/cuda.h"
