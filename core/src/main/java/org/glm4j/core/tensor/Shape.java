package org.glm4j.core.tensor;

import java.util.Arrays;

/** An immutable list of dimension sizes, outermost first; written {@code [7,1536]} in messages. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    /** A shape of the given dims; every dim must be ≥ 0 and the element count must fit a {@code long}. */
    public static Shape of(int... dims) {
        if (dims.length == 0) throw new IllegalArgumentException("shape: rank 0 is not supported, use [1]");
        boolean empty = false;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("shape: negative dimension in " + Arrays.toString(dims));
            empty |= d == 0;
        }
        long n = 1;
        for (int i = 0; i < dims.length && !empty; i++) {
            if (n > Long.MAX_VALUE / dims[i])
                throw new IllegalArgumentException("shape: " + Arrays.toString(dims) + " has more elements than a long counts");
            n *= dims[i];
        }
        return new Shape(dims.clone());
    }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i < 0 ? dims.length + i : i]; }

    /** The innermost dimension. */
    public int last() { return dims[dims.length - 1]; }

    /** Product of all dims but the last: the row count when viewed as a matrix. */
    public long rows() {
        long n = 1;
        for (int i = 0; i < dims.length - 1; i++) n *= dims[i];
        return n;
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    public int[] toArray() { return dims.clone(); }

    /** This shape with dimension {@code i} replaced. */
    public Shape with(int i, int size) {
        int[] d = dims.clone();
        d[i < 0 ? d.length + i : i] = size;
        return of(d);
    }

    @Override public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(dims[i]);
        }
        return sb.append(']').toString();
    }
}
