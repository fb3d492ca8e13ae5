/** The vision tower: Conv3d patch embedding, bicubic position table, 2-D RoPE blocks with per-image attention. */
package org.glm4j.model.vision;
