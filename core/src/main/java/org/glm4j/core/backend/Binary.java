package org.glm4j.core.backend;

/** Element-wise binary functions of {@link Backend#binary}; computed in f32, rounded to the output dtype. */
public enum Binary { ADD, MUL }
