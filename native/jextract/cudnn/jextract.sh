#!/usr/bin/env bash
# Regenerates org.glm4j.bindings.cudnn.cudnn_graph_h from cudnn_graph.h.
#
# usage: native/jextract/cudnn/jextract.sh INCLUDE_DIR OUT_DIR
#   INCLUDE_DIR: the include folder holding cudnn_graph.h and the CUDA headers it includes (driver_types.h, library_types.h) (see headers.txt for where it comes from)
#   OUT_DIR:     a scratch source folder; diff it against bindings/src/main/java
#
# The committed class keeps jextract's shapes (a holder class per function with DESC and HANDLE, a static method
# per function, constants as static methods) with three deliberate differences: symbols resolve through the
# package's *Library holder (found by CudaSearch, loaded lazily) instead of a fixed library name, FUNCTIONS
# lists every symbol for the up-front check, and SINCE_VERSION names the constants newer than cuDNN 9.0 with the
# CUDNN_VERSION that introduced them (jextract sees only the header it is given; add those entries by hand).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INC=${1:?usage: jextract.sh INCLUDE_DIR OUT_DIR}
OUT=${2:?usage: jextract.sh INCLUDE_DIR OUT_DIR}
jextract --target-package org.glm4j.bindings.cudnn \
  --header-class-name cudnn_graph_h \
  -I "$INC" \
  @"$HERE/includes.txt" \
  --output "$OUT" \
  "$INC/cudnn_graph.h"
