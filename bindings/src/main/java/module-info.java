/** jextract-style FFM bindings to the native libraries glm4j calls, and their loading. Depends on {@code java.base} only. */
module org.glm4j.bindings {
    exports org.glm4j.bindings;
    exports org.glm4j.bindings.onednn;
    exports org.glm4j.bindings.cuda;
    exports org.glm4j.bindings.cublas;
    exports org.glm4j.bindings.cublaslt;
    exports org.glm4j.bindings.cudnn;
    exports org.glm4j.bindings.ffmpeg;
    exports org.glm4j.bindings.libc;
}
