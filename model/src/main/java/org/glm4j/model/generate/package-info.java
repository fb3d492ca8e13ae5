/** Sessions, prompt preparation, the prefill/decode loop with sampling, streaming output and its parsers. */
package org.glm4j.model.generate;
