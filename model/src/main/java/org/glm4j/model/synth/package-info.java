/** Synthetic checkpoints with the real GLM-4.1V-9B shapes, and matching tokenizers, for benchmarks and tests. */
package org.glm4j.model.synth;
