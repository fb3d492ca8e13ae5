#!/usr/bin/env bash
# Builds the prepared GPU check into one folder to copy onto a GPU machine (which may have no JDK and no Maven):
#   runtime/       a jlinked Java runtime with the modules jdeps finds in what is packed (plus the Vector API)
#   lib/           the project's jars the check runs: native (the kernel fatbin), bindings, core, model (the decode step
#                  and session benchmarks load a synthetic checkpoint), bench; none of the CPU-only native jars (oneDNN,
#                  OpenCL, FFmpeg, JavaCPP), no JMH
#   test-classes/  the compiled test packages the check runs (abi, ops, cuda, support); no golden data
#   include/       glmk.h, for the kernel ABI test
#   junit/         the JUnit Platform console launcher
#   gpu-check.sh   the check itself (see bench/README.md)
# Usage: bench/gpu-pack.sh [DIR]   (default dist/gpu-check, git-ignored); --no-build reuses the last mvn package.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=1
dir=""
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) dir=$a ;;
    esac
done
dir=${dir:-$root/dist/gpu-check}
junit_version=1.11.4            # the JUnit Platform of junit-bom 5.11.4 (pom.xml)
limit_mib=64

jdk=""
for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$cand" ] && [ -x "$cand/bin/jlink" ] || continue
    v=$("$cand/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then jdk=$cand; break; fi
done
[ -n "$jdk" ] || { echo "gpu-pack: no JDK 25 or newer with jlink found (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME=$jdk PATH=$jdk/bin:$PATH

cd "$root"
if [ "$build" = 1 ]; then
    echo "gpu-pack: mvn package (tests skipped) with $jdk"
    mvn -q -B package -DskipTests
fi
for f in bench/target/lib/glm4j-native-*.jar tests/target/test-classes/org/glm4j/tests/support/TestBackends.class; do
    [ -e "$f" ] || { echo "gpu-pack: $f is missing; run without --no-build" >&2; exit 1; }
done

rm -rf "$dir"
mkdir -p "$dir/lib" "$dir/junit" "$dir/include" "$dir/test-classes"
cp bench/target/glm4j-bench-*.jar "$dir/lib/"
for m in native bindings core model; do cp bench/target/lib/glm4j-$m-*.jar "$dir/lib/"; done
test_packages="abi cuda ops support"
(cd tests/target/test-classes && tar -cf - $(printf 'org/glm4j/tests/%s ' $test_packages)) | (cd "$dir/test-classes" && tar -xf -)
cp native/include/glmk.h "$dir/include/"
cp bench/gpu-check.sh "$dir/"
mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=org.junit.platform:junit-platform-console-standalone:$junit_version -DoutputDirectory="$dir/junit"
mv "$dir"/junit/junit-platform-console-standalone-*.jar "$dir/junit/junit-platform-console-standalone.jar"

cp_jars=$(ls "$dir"/lib/*.jar | tr '\n' ':')
mods=$(jdeps --multi-release 25 --ignore-missing-deps --print-module-deps -q \
    --class-path "$cp_jars$dir/junit/junit-platform-console-standalone.jar" \
    "$dir"/lib/*.jar "$dir/junit/junit-platform-console-standalone.jar" $(printf "$dir/test-classes/org/glm4j/tests/%s " $test_packages))
# java.desktop (15 MiB) is left out: only the model's ImageDecoder (image files) needs it, and the check decodes none.
mods=$(printf '%s\n' ${mods//,/ } java.base jdk.incubator.vector jdk.unsupported | grep -vx java.desktop | sort -u | paste -sd, -)
echo "gpu-pack: jlink modules: $mods"
jlink --add-modules "$mods" --output "$dir/runtime" --strip-debug --no-header-files --no-man-pages --compress zip-9 2>&1 \
    | grep -v 'Using incubator modules' || true

{
    echo "glm4j GPU check pack"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) with $("$jdk/bin/java" -version 2>&1 | head -1)"
    echo "modules: $mods"
    echo "kernels: $(unzip -p "$dir"/lib/glm4j-native-*.jar org/glm4j/native/glmk.properties 2>/dev/null | grep -E '^(kernels|reason|targets)=' | paste -sd' ' -)"
} > "$dir/PACK.txt"

echo "gpu-pack: sizes (MiB)"
for part in runtime lib junit test-classes include; do
    printf '  %-13s %6.1f\n' "$part" "$(du -sb "$dir/$part" | awk '{print $1 / 1048576}')"
done
total=$(du -sb "$dir" | awk '{print $1}')
printf '  %-13s %6.1f  (limit %d)\n' total "$(awk -v t="$total" 'BEGIN{print t / 1048576}')" "$limit_mib"
echo "gpu-pack: $(cat "$dir/PACK.txt" | sed -n 5p)"
if [ "$total" -ge $((limit_mib * 1048576)) ]; then
    echo "gpu-pack: the pack is over $limit_mib MiB" >&2
    exit 1
fi
echo "gpu-pack: ready in $dir; on the GPU machine run: $(basename "$dir")/gpu-check.sh OUTDIR"
