/** Checking the model against reference folders of per-stage tensors ({@code ./glm4j golden-check}). */
package org.glm4j.model.golden;
