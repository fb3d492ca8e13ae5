/** The GLM text decoder: M-RoPE positions and tables, GQA attention over a KV cache, MLP, layers, head. */
package org.glm4j.model.text;
