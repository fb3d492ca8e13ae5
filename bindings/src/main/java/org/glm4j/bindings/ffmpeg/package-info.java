/**
 * FFmpeg 7.1's decoding and encoding C API in jextract's form, one class per header ({@link
 * org.glm4j.bindings.ffmpeg.avformat_h}, {@link org.glm4j.bindings.ffmpeg.avcodec_h}, {@link
 * org.glm4j.bindings.ffmpeg.avutil_h}, {@link org.glm4j.bindings.ffmpeg.swscale_h}), the struct fields glm4j reads
 * ({@link org.glm4j.bindings.ffmpeg.AVFormatContext}, {@link org.glm4j.bindings.ffmpeg.AVStream}, …), and {@link
 * org.glm4j.bindings.ffmpeg.FfmpegLibrary}, which extracts and loads the libraries. Regenerate with
 * {@code native/jextract/ffmpeg/jextract.sh} (the {@code --include-*} lists are
 * {@code native/jextract/ffmpeg/<header>.txt}); written against FFmpeg 7.1 (libavformat 61, libavcodec 61,
 * libavutil 59, libswscale 8).
 */
package org.glm4j.bindings.ffmpeg;
