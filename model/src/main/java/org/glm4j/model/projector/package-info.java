/** The projector from vision to text width: 2×2 downsample conv and the patch merger. */
package org.glm4j.model.projector;
