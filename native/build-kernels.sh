#!/usr/bin/env bash
# Builds native/cuda/*.cu into one fatbin for the jar, or records why it could not (see native/README.md).
#
#   native/build-kernels.sh RESOURCE_DIR BUILD_DIR
#
# RESOURCE_DIR receives org/glm4j/native/glmk.fatbin (when built) and org/glm4j/native/glmk.properties (always:
# kernels=built|not-built, the reason, the source hash, nvcc's version, the targets). BUILD_DIR keeps ptxas.log
# (nvcc's full output with the -Xptxas -v figures) and, under cuda/, the stamp and the fatbin between builds:
# nvcc runs only when the hash of the kernel sources, glmk.h, the flags and nvcc's version differs from the stamp.
# The nvcc used is $GLM4J_NVCC if set, else nvcc on the PATH, else the newest /usr/local/cuda*/bin/nvcc; with none
# (or GLM4J_NVCC=none) the build still succeeds and records kernels=not-built. A GLM4J_NVCC that is not an
# executable fails the build.
# GLM4J_NVCC_FLAGS adds flags (e.g. -lineinfo for profiling); they are part of the hash.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RESOURCES=${1:?usage: build-kernels.sh RESOURCE_DIR BUILD_DIR}
BUILD=${2:?usage: build-kernels.sh RESOURCE_DIR BUILD_DIR}
OUT="$RESOURCES/org/glm4j/native"
WORK="$BUILD/cuda"
mkdir -p "$OUT" "$WORK"

TARGETS=(-gencode arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86
         -gencode arch=compute_89,code=sm_89 -gencode arch=compute_90a,code=sm_90a
         -gencode arch=compute_90,code=compute_90)
TARGET_NAMES="sm_80,sm_86,sm_89,sm_90a,compute_90"
FLAGS=(-std=c++17 -O3 -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror -Xptxas -v --threads 2
       -Xfatbin -compress-all)
read -r -a EXTRA <<< "${GLM4J_NVCC_FLAGS:-}"

log() { echo "[glmk] $*"; }

# One line per property; values never contain newlines.
write_properties() {   # status reason [hash nvcc_version]
  {
    echo "# Written by native/build-kernels.sh"
    echo "kernels=$1"
    echo "reason=$2"
    echo "abi.version=$(sed -n 's/^#define GLMK_ABI_VERSION \([0-9]*\).*/\1/p' "$HERE/include/glmk.h")"
    echo "targets=$TARGET_NAMES"
    if [ $# -ge 4 ]; then
      echo "sources.sha256=$3"
      echo "nvcc.version=$4"
    fi
  } > "$OUT/glmk.properties"
}

if [ -n "${GLM4J_NVCC:-}" ] && [ "$GLM4J_NVCC" != none ] && [ ! -x "$GLM4J_NVCC" ]; then
  log "GLM4J_NVCC=$GLM4J_NVCC is not an executable (unset it to search, or set it to 'none')" >&2
  exit 1
fi

find_nvcc() {
  if [ -n "${GLM4J_NVCC:-}" ]; then
    [ "$GLM4J_NVCC" = none ] && return 1
    echo "$GLM4J_NVCC"
    return 0
  fi
  command -v nvcc 2>/dev/null && return 0
  local c
  c=$(ls -d /usr/local/cuda*/bin/nvcc 2>/dev/null | sort -V | tail -n 1)
  [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  return 1
}

# A C host-side check of glmk.h: its struct sizes and the launch helpers compile as C11 and C++17 with warnings
# as errors, and glmk_launch_on compiles against the toolkit's cuda.h when there is one. Compile only, no GPU.
check_header() {
  local cuda_include=$1 cc_flags=(-Wall -Wextra -Werror -pedantic -I "$HERE/include")
  [ -n "$cuda_include" ] && cc_flags+=(-DGLMK_TEST_WITH_CUDA_H -I "$cuda_include")
  if command -v gcc > /dev/null; then
    gcc -std=c11 "${cc_flags[@]}" -c "$HERE/test/glmk_header_test.c" -o "$WORK/glmk_header_test_c.o"
  fi
  if command -v g++ > /dev/null; then
    g++ -std=c++17 -x c++ "${cc_flags[@]}" -c "$HERE/test/glmk_header_test.c" -o "$WORK/glmk_header_test_cpp.o"
  fi
}

NVCC=$(find_nvcc) || NVCC=""
if [ -z "$NVCC" ]; then
  if [ "${GLM4J_NVCC:-}" = none ]; then
    reason="the build was told not to build them (GLM4J_NVCC=none)"
  else
    reason="the build found no nvcc (looked on the PATH and in /usr/local/cuda*/bin; GLM4J_NVCC names one)"
  fi
  check_header ""
  rm -f "$OUT/glmk.fatbin"
  write_properties not-built "$reason"
  log "kernels not built: $reason"
  exit 0
fi

NVCC_VERSION=$("$NVCC" --version | tail -n 1)
CUDA_INCLUDE=$(cd "$(dirname "$NVCC")/.." && pwd)/include
[ -f "$CUDA_INCLUDE/cuda.h" ] || CUDA_INCLUDE=""
check_header "$CUDA_INCLUDE"

SOURCES=$(cd "$HERE" && ls cuda/*.cu cuda/*.cuh include/glmk.h | LC_ALL=C sort)
HASH=$( (cd "$HERE" && for f in $SOURCES; do echo "== $f"; cat "$f"; done
         echo "== flags ${TARGETS[*]} ${FLAGS[*]} ${EXTRA[*]:-}"; echo "== nvcc $NVCC_VERSION") \
       | sha256sum | cut -d' ' -f1)

if [ -f "$WORK/glmk.sha256" ] && [ "$(cat "$WORK/glmk.sha256")" = "$HASH" ] && [ -f "$WORK/glmk.fatbin" ]; then
  log "kernels up to date (${HASH:0:12}); ptxas figures in $BUILD/ptxas.log"
else
  # One translation unit including every op file: one fatbin, one module for cuModuleLoadData.
  UNITY="$WORK/glmk_all.cu"
  (cd "$HERE" && for f in cuda/*.cu; do echo "#include \"$HERE/$f\""; done) > "$UNITY"
  rm -f "$WORK/glmk.sha256"
  log "nvcc ($NVCC_VERSION): $(cd "$HERE" && ls cuda/*.cu | wc -l) kernel files -> glmk.fatbin ($TARGET_NAMES)"
  start=$(date +%s)
  if ! "$NVCC" -fatbin "${TARGETS[@]}" "${FLAGS[@]}" ${EXTRA[@]+"${EXTRA[@]}"} -I "$HERE/include" -I "$HERE/cuda" \
       -o "$WORK/glmk.fatbin.tmp" "$UNITY" > "$BUILD/ptxas.log" 2>&1; then
    grep -v '^ptxas info' "$BUILD/ptxas.log" >&2 || true
    log "nvcc failed; full output in $BUILD/ptxas.log" >&2
    exit 1
  fi
  # Every kernel glmk.h documents (glmk_<op>_{dtypes}) is in the fatbin for every real target, and nothing else.
  expected=$(grep -o 'glmk_[a-z_]*_{[a-z0-9,]*}' "$HERE/include/glmk.h" | while read -r pattern; do
               base=${pattern%%\{*}; list=${pattern#*\{}; IFS=, read -r -a dtypes <<< "${list%\}}"
               for d in "${dtypes[@]}"; do echo "$base$d"; done
             done | LC_ALL=C sort -u)
  for target in sm_80 sm_86 sm_89 sm_90a; do
    compiled=$(awk -F"'" -v t="$target" '/Compiling entry function/ && $4 == t { print $2 }' "$BUILD/ptxas.log" \
               | LC_ALL=C sort -u)
    if [ "$compiled" != "$expected" ]; then
      log "kernels compiled for $target differ from those glmk.h documents:" >&2
      diff <(echo "$expected") <(echo "$compiled") | sed 's/^/[glmk]   /' >&2 || true
      exit 1
    fi
  done
  mv "$WORK/glmk.fatbin.tmp" "$WORK/glmk.fatbin"
  echo "$HASH" > "$WORK/glmk.sha256"
  log "built in $(( $(date +%s) - start )) s, $(stat -c %s "$WORK/glmk.fatbin") bytes"
  # The ptxas -v figures, one line per kernel: registers per target, spilled bytes, static shared memory.
  log "ptxas -v: registers per target (sm_80 sm_86 sm_89 sm_90a), spilled bytes, static shared memory"
  awk -F"'" '
    /Compiling entry function/ { fn = $2; arch = $4; seen[fn] = 1; next }
    /spill stores/             { split($0, w, " "); spill[fn] += w[5] + w[9]; next }
    /Used [0-9]+ registers/    { match($0, /Used [0-9]+ registers/); r[fn, arch] = substr($0, RSTART + 5, RLENGTH - 15)
                                 s = "0"; if (match($0, /[0-9]+ bytes smem/)) s = substr($0, RSTART, RLENGTH - 11)
                                 smem[fn] = s }
    END { for (f in seen) printf "[glmk]   %-30s regs %3s %3s %3s %3s  spill %d B  smem %s B\n", f, r[f, "sm_80"],
                                 r[f, "sm_86"], r[f, "sm_89"], r[f, "sm_90a"], spill[f], smem[f] }
  ' "$BUILD/ptxas.log" | LC_ALL=C sort
  if awk '/spill stores/ { split($0, w, " "); t += w[5] + w[9] } END { exit t > 0 ? 0 : 1 }' "$BUILD/ptxas.log"; then
    log "WARNING: some kernels spill registers (see above)"
  fi
fi

cp "$WORK/glmk.fatbin" "$OUT/glmk.fatbin"
write_properties built "" "$HASH" "$NVCC_VERSION"
