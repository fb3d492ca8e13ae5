package org.glm4j.core.tensor;

/** Where a tensor's memory lives: host memory ({@link #CPU}) or one accelerator. */
public record Device(Kind kind, int index) {
    /** Device families. */
    public enum Kind { CPU, CUDA }

    /** Host memory, addressable from Java. */
    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
        if (kind == Kind.CPU && index != 0) throw new IllegalArgumentException("cpu has only index 0");
    }

    /** CUDA device {@code index}. */
    public static Device cuda(int index) { return new Device(Kind.CUDA, index); }

    /** True for host memory, which Java code may read and write directly. */
    public boolean isHost() { return kind == Kind.CPU; }

    @Override public String toString() { return kind == Kind.CPU ? "cpu" : "cuda:" + index; }
}
