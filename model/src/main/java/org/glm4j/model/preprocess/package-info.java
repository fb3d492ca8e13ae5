/** Image decoding, video files through FFmpeg, smart_resize, Pillow-exact bicubic resizing, normalisation and patchify into patch rows. */
package org.glm4j.model.preprocess;
