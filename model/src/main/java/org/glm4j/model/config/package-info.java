/** Records parsed from a checkpoint's {@code config.json}, in every layout transformers has written. */
package org.glm4j.model.config;
