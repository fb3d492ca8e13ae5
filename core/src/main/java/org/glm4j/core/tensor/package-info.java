/** Tensor metadata and views: {@link org.glm4j.core.tensor.Tensor}, {@link org.glm4j.core.tensor.DType},
 *  {@link org.glm4j.core.tensor.Shape}, {@link org.glm4j.core.tensor.Device}. No maths lives here. */
package org.glm4j.core.tensor;
