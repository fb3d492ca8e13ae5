/** jextract-style FFM bindings to the native libraries glm4j calls. Depends on {@code java.lang.foreign} only. */
module org.glm4j.bindings {
    exports org.glm4j.bindings;
}
