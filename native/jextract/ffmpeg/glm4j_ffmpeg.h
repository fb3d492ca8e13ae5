/* The headers the FFmpeg bindings are generated from, plus names for the function-like macros they use
 * (jextract only evaluates object-like macros). FfmpegAbiTest includes this file in its probe. */
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/frame.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libavutil/pixfmt.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>

#define GLM4J_AVERROR_EAGAIN AVERROR(EAGAIN)
#define GLM4J_AVERROR_ENOMEM AVERROR(ENOMEM)
