/**
 * GLM-4.1V on any {@link org.glm4j.core.backend.Backend}: checkpoint loading, image and video preprocessing, the
 * 3D-conv ViT, the projector, the 3D-RoPE GLM decoder, tokenizer, chat template and generation. See
 * {@code model/README.md} for what lands here and when.
 */
package org.glm4j.model;
