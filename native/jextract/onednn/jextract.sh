#!/usr/bin/env bash
# Regenerates org.glm4j.bindings.onednn.dnnl_h (and its struct classes) from oneDNN's headers.
#
# usage: native/jextract/onednn/jextract.sh INCLUDE_DIR OUT_DIR
#   INCLUDE_DIR: the include folder of oneDNN 3.8.1, e.g. org/bytedeco/dnnl/linux-x86_64/include unzipped from
#                org.bytedeco:dnnl:3.8.1-1.5.12:linux-x86_64 (see headers.txt)
#   OUT_DIR:     a scratch source folder; diff it against bindings/src/main/java
#
# The committed classes keep jextract's shapes (a holder class per function with DESC and HANDLE, a static method
# per function, constants as static methods, struct layouts with accessors) with two deliberate differences: the
# symbol lookup is DnnlLibrary.lookup() (oneDNN is extracted from the class path, not found by name), and
# FUNCTIONS lists every symbol for the up-front check. omp_h comes from GCC's omp.h:
#   jextract --target-package org.glm4j.bindings.onednn --header-class-name omp_h \
#     --include-function omp_set_num_threads --include-function omp_get_max_threads "$(gcc -print-file-name=include)/omp.h"
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INC=${1:?usage: jextract.sh INCLUDE_DIR OUT_DIR}
OUT=${2:?usage: jextract.sh INCLUDE_DIR OUT_DIR}
jextract --target-package org.glm4j.bindings.onednn \
  --header-class-name dnnl_h \
  --library dnnl \
  -I "$INC" \
  @"$HERE/includes.txt" \
  --output "$OUT" \
  "$HERE/glm4j_dnnl.h"
