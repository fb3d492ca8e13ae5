#!/usr/bin/env bash
# Regenerates org.glm4j.bindings.ffmpeg.{avformat_h,avcodec_h,avutil_h,swscale_h} and the struct classes.
#
# usage: native/jextract/ffmpeg/jextract.sh INCLUDE_DIR OUT_DIR
#   INCLUDE_DIR: an include folder holding libavformat/, libavcodec/, libavutil/, libswscale/ of FFmpeg 7.1
#                (see headers.txt; on Debian, also pass the multiarch folder through C_INCLUDE_PATH)
#   OUT_DIR:     a scratch source folder; diff it against bindings/src/main/java
#
# The committed classes keep jextract's shapes (a holder class per function with DESC and HANDLE, a static method
# per function, constants as static methods, a class per struct with $LAYOUT, name$offset() and accessors) with
# three deliberate differences: symbols resolve through FfmpegLibrary (extracted from the bytedeco jar, loaded
# lazily) instead of a fixed library name; FUNCTIONS lists every symbol for the up-front check; and the struct
# classes name only the fields glm4j touches, with padding between them (jextract would emit every field of
# these version-specific structs; the generated offsets of the named fields are what the committed ones must match).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INC=${1:?usage: jextract.sh INCLUDE_DIR OUT_DIR}
OUT=${2:?usage: jextract.sh INCLUDE_DIR OUT_DIR}
STRUCTS=(--include-struct AVFormatContext --include-struct AVInputFormat --include-struct AVStream
         --include-struct AVCodecParameters --include-struct AVCodecContext --include-struct AVFrame
         --include-struct AVPacket --include-struct AVRational)
for h in avutil avcodec avformat swscale; do
  jextract --target-package org.glm4j.bindings.ffmpeg \
    --header-class-name "${h}_h" \
    -I "$INC" -I "$HERE" \
    @"$HERE/$h.txt" "${STRUCTS[@]}" \
    --output "$OUT" \
    "$HERE/glm4j_ffmpeg.h"
done
