/**
 * The op interface ({@link org.glm4j.core.backend.Backend}), its single validation point
 * ({@link org.glm4j.core.backend.Ops}), op spec records, the step {@link org.glm4j.core.backend.Scratch},
 * backend discovery ({@link org.glm4j.core.backend.Backends}) and the exceptions backends throw.
 */
package org.glm4j.core.backend;
