/** Safetensors parsing with hostile-input validation, memory mapping, and {@link org.glm4j.model.weights.WeightStore}. */
package org.glm4j.model.weights;
