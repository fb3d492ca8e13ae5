/** Hugging Face {@code tokenizer.json} byte-level BPE in Java, streaming decoding, and the GLM-4.1V chat template. */
package org.glm4j.model.tokenizer;
