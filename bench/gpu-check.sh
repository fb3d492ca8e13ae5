#!/usr/bin/env bash
# The prepared GPU check: runs from a folder made by bench/gpu-pack.sh, with its jlinked runtime (no JDK or Maven
# needed), within 6 minutes:
#   1. finds NVIDIA's Python wheels (site-packages/nvidia/*/lib and include of every python3 it can run or find)
#      and hands their folders to the CUDA library search (GLM4J_CUDA_PATH, LD_LIBRARY_PATH) and the ABI test;
#   2. the binding ABI tests (CUDA driver/cuBLAS/cuBLASLt/cuDNN headers, glmk.h) with gcc, when there is a gcc;
#   3. the op parity suite on the cuda backend alone (-Dglm4j.test.backends=cuda), against jvm;
#   4. the GPU benchmarks (org.glm4j.bench.gpu.GpuBench), which write OUTDIR/gpu-report.md and gpu-report.json.
# Usage: gpu-check.sh OUTDIR [PACKDIR]   (PACKDIR: the folder holding this script if it is a pack, else dist/gpu-check)
# Exit status: 0 all suites passed and every benchmark ran; 1 a test failed, a suite or benchmark did not finish;
# 2 the cuda backend is unavailable here (the report says why); 64 bad usage or no pack.
set -uo pipefail

[ $# -ge 1 ] && [ "$1" != "-h" ] && [ "$1" != "--help" ] || { sed -n '2,12p' "$0"; exit 64; }
out=$1
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ge 2 ]; then pack=$2
elif [ -x "$here/runtime/bin/java" ]; then pack=$here
else pack=$here/../dist/gpu-check
fi
[ -x "$pack/runtime/bin/java" ] || { echo "gpu-check: no pack at $pack (make one with bench/gpu-pack.sh)" >&2; exit 64; }
pack=$(cd "$pack" && pwd)
mkdir -p "$out" && out=$(cd "$out" && pwd)
rm -rf "$out/junit-abi" "$out/junit-parity" "$out/gpu-report.md" "$out/gpu-report.json"
start=$(date +%s)
budget=350                                   # seconds for everything, inside the 6-minute limit
left() { echo $((budget - ($(date +%s) - start))); }

java=$pack/runtime/bin/java
flags=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xss4m -XX:+UseParallelGC)
cp="$(ls "$pack"/lib/*.jar | tr '\n' ':')$pack/test-classes"
junit=$pack/junit/junit-platform-console-standalone.jar
log() { echo "gpu-check: $*" | tee -a "$out/gpu-check.log"; }
: > "$out/gpu-check.log"
log "pack $pack ($(sed -n 2p "$pack/PACK.txt" 2>/dev/null)), output $out"

# ---- 1. NVIDIA wheels
sites=()
pythons=()
for py in python3 python /usr/bin/python3* /usr/local/bin/python3* /opt/conda/bin/python3 "$HOME"/.pyenv/versions/*/bin/python3 \
          "${VIRTUAL_ENV:-/nonexistent}/bin/python3" "${CONDA_PREFIX:-/nonexistent}/bin/python3"; do
    p=$(command -v "$py" 2>/dev/null) || continue
    [[ "$p" == *-config ]] && continue
    pythons+=("$p")
done
for p in $(printf '%s\n' "${pythons[@]}" | sort -u); do
    while IFS= read -r s; do [ -d "$s/nvidia" ] && sites+=("$s"); done < <(timeout 20 "$p" -c \
        'import site, sys; print("\n".join(site.getsitepackages() + [site.getusersitepackages()] + sys.path))' 2>/dev/null)
done
libs=() incs=()
for s in $(printf '%s\n' "${sites[@]}" | sort -u); do
    for d in "$s"/nvidia/*/lib; do [ -d "$d" ] && libs+=("$d"); done
    for d in "$s"/nvidia/*/include; do [ -d "$d" ] && incs+=("$d"); done
done
join() { local IFS=:; echo "$*"; }
if [ ${#libs[@]} -gt 0 ]; then
    export GLM4J_CUDA_PATH=$(join "${libs[@]}")${GLM4J_CUDA_PATH:+:$GLM4J_CUDA_PATH}
    export LD_LIBRARY_PATH=$(join "${libs[@]}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}   # cuDNN dlopens its engines and NVRTC by name
fi
[ ${#incs[@]} -gt 0 ] && export GLM4J_CUDA_INCLUDE=$(join "${incs[@]}")
log "pythons: ${pythons[*]:-none}; NVIDIA wheel lib folders: ${#libs[@]}, include folders: ${#incs[@]}"
for d in "${libs[@]}"; do log "  lib $d"; done
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/gpu-check: nvidia-smi: /' | tee -a "$out/gpu-check.log"

# ---- 2. and 3. the test suites (the console launcher's exit status is read from its reports by GpuBench)
suite() {                                   # suite LABEL SECONDS [java options --] launcher options...
    local label=$1 secs=$2; shift 2
    local jopts=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do jopts+=("$1"); shift; done
    shift
    log "$label: running (at most ${secs}s)"
    timeout --kill-after=10 "$secs" "$java" "${flags[@]}" "${jopts[@]}" -jar "$junit" execute --disable-banner \
        --details=summary --details-theme=ascii --class-path "$cp" --reports-dir "$out/junit-$label" "$@" \
        > "$out/$label.log" 2>&1
    local rc=$?
    [ $rc -eq 124 ] || [ $rc -eq 137 ] && log "$label: TIMED OUT after ${secs}s (partial report)"
    tail -n 15 "$out/$label.log" | grep -E 'tests (successful|failed|skipped|aborted|found)' | sed "s/^/gpu-check: $label: /" \
        | tee -a "$out/gpu-check.log"
}
suite abi 60 "-Dglm4j.glmk.include=$pack/include" -- \
    --select-class org.glm4j.tests.abi.CudaAbiTest --select-class org.glm4j.tests.abi.GlmkArgsAbiTest
suite parity $(( $(left) - 90 < 180 ? $(left) - 90 : 180 )) -Dglm4j.test.backends=cuda -Djunit.jupiter.execution.timeout.default=60s -- \
    --select-package org.glm4j.tests.ops --select-package org.glm4j.tests.cuda

# ---- 4. benchmarks and the report
secs=$(left)
[ "$secs" -lt 30 ] && secs=30
log "benchmarks: running (at most ${secs}s)"
timeout --kill-after=10 "$secs" "$java" "${flags[@]}" -cp "$cp" org.glm4j.bench.gpu.GpuBench --out "$out" \
    --junit abi="$out/junit-abi" --junit parity="$out/junit-parity" > "$out/bench.log" 2>&1
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ] || [ ! -f "$out/gpu-report.json" ]; then
    log "benchmarks did not finish (exit $rc); see $out/bench.log"
    printf '# glm4j GPU check\n\nThe benchmark run did not finish (exit %s, %s s into the check); its log is bench.log.\n' \
        "$rc" "$(( $(date +%s) - start ))" > "$out/gpu-report.md"
    printf '{\n  "exit_status": 1,\n  "error": "the benchmark run did not finish (exit %s); see bench.log"\n}\n' "$rc" > "$out/gpu-report.json"
    rc=1
else
    cat "$out/gpu-report.md"
fi
log "finished in $(( $(date +%s) - start )) s with exit status $rc; reports in $out"
exit $rc
