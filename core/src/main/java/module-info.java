/** Off-heap tensors, the Backend interface with its single validation point {@code Ops}, and the backends. */
module org.glm4j.core {
    requires transitive org.glm4j.bindings;
    requires jdk.incubator.vector;

    exports org.glm4j.core.tensor;
    exports org.glm4j.core.backend;
    exports org.glm4j.core.backend.jvm;
    exports org.glm4j.core.backend.onednn;
    exports org.glm4j.core.backend.cuda;

    uses org.glm4j.core.backend.BackendProvider;
    provides org.glm4j.core.backend.BackendProvider with
            org.glm4j.core.backend.jvm.JvmBackendProvider,
            org.glm4j.core.backend.cuda.CudaBackendProvider,
            org.glm4j.core.backend.onednn.OneDnnBackendProvider;
}
