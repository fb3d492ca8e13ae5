/** A small strict JSON reader for checkpoint metadata (config.json, safetensors headers, tokenizer.json). */
package org.glm4j.model.json;
