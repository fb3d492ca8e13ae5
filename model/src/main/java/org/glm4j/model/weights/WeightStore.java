package org.glm4j.model.weights;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.json.Json;
import org.glm4j.model.json.JsonException;

/**
 * Name → host tensor for a checkpoint: each safetensors shard is memory-mapped once, read-only, and every weight
 * is a view into its mapping; nothing is read into the heap. Owns one shared arena; {@link #close()} unmaps all
 * shards, after which no tensor from this store may be touched. Thread-safe for reading after construction.
 */
public final class WeightStore implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final Map<String, Tensor> byName = new LinkedHashMap<>();
    private final Map<String, Path> fileOf = new LinkedHashMap<>();

    private WeightStore() {}

    /**
     * Opens a checkpoint folder: {@code model.safetensors.index.json} with its shards when present, else the
     * single {@code model.safetensors}.
     */
    public static WeightStore open(Path folder) throws IOException {
        Path index = folder.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) return openSharded(folder, index);
        Path single = folder.resolve("model.safetensors");
        if (!Files.isRegularFile(single))
            throw new IOException(folder + ": no model.safetensors.index.json and no model.safetensors");
        return openFiles(single);
    }

    /** Opens the given safetensors files as one store (names must be unique across them). */
    public static WeightStore openFiles(Path... files) throws IOException {
        WeightStore store = new WeightStore();
        try {
            for (Path f : files) store.mapShard(f, null);
            return store;
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static WeightStore openSharded(Path folder, Path index) throws IOException {
        if (Files.size(index) > 64L << 20) throw new IOException(index + ": index larger than 64 MiB");
        Map<String, Object> root;
        try {
            root = Json.parseObject(Files.readString(index), index.getFileName().toString());
        } catch (JsonException e) {
            throw new SafetensorsException(index, null, e.getMessage());
        }
        Map<String, Object> weightMap = Json.object(root, "weight_map", index.getFileName().toString());
        Map<String, Map<String, String>> byShard = new TreeMap<>();
        for (Map.Entry<String, Object> e : weightMap.entrySet()) {
            String shard = Json.asString(e.getValue(), index.getFileName() + ": weight_map[\"" + e.getKey() + "\"]");
            byShard.computeIfAbsent(shard, s -> new LinkedHashMap<>()).put(e.getKey(), shard);
        }
        WeightStore store = new WeightStore();
        try {
            Path realFolder = folder.toRealPath();
            for (Map.Entry<String, Map<String, String>> s : byShard.entrySet()) {
                Path shard = confined(realFolder, s.getKey(), index);
                store.mapShard(shard, s.getValue().keySet());
            }
            return store;
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** A shard name from the index, resolved inside the model folder; anything that escapes it is rejected. */
    private static Path confined(Path realFolder, String name, Path index) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")
                || name.indexOf('\0') >= 0)
            throw new SafetensorsException(index, null, "shard name \"" + name + "\" must be a plain file name inside the model folder");
        Path p = realFolder.resolve(name);
        if (!Files.isRegularFile(p)) throw new SafetensorsException(index, null, "shard \"" + name + "\" does not exist");
        Path real = p.toRealPath();
        if (!real.getParent().equals(realFolder))
            throw new SafetensorsException(index, null, "shard \"" + name + "\" resolves outside the model folder");
        return real;
    }

    private void mapShard(Path file, Set<String> expected) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader header = SafetensorsHeader.read(file, ch);
            MemorySegment data = header.dataBytes() == 0 ? MemorySegment.NULL
                    : ch.map(FileChannel.MapMode.READ_ONLY, header.dataStart(), header.dataBytes(), arena);
            for (SafetensorsHeader.Entry e : header.entries()) {
                if (byName.containsKey(e.name()))
                    throw new SafetensorsException(file, e.name(), "also defined in " + fileOf.get(e.name()).getFileName());
                MemorySegment slice = e.bytes() == 0 ? arena.allocate(1) : data.asSlice(e.begin(), e.bytes());
                byName.put(e.name(), Tensor.host(e.dtype(), e.shape(), slice));
                fileOf.put(e.name(), file);
            }
            if (expected != null)
                for (String name : expected)
                    if (!byName.containsKey(name) || !fileOf.get(name).equals(file))
                        throw new SafetensorsException(file, name, "listed in the index for this shard but not in its header");
        }
    }

    /**
     * A store holding every floating tensor of {@code source} converted to {@code dtype} (round to nearest even),
     * in memory of its own; other tensors are copied as they are. {@code source} may be closed afterwards.
     */
    public static WeightStore converted(WeightStore source, org.glm4j.core.tensor.DType dtype) {
        WeightStore store = new WeightStore();
        try {
            for (Map.Entry<String, Tensor> e : source.byName.entrySet()) {
                Tensor src = e.getValue();
                org.glm4j.core.tensor.DType to = src.dtype().isFloating() ? dtype : src.dtype();
                Tensor dst = Tensor.allocate(to, src.shape(), store.arena);
                for (long i = 0, n = src.numel(); i < n; i++) {
                    if (to.isFloating()) dst.setFloat(i, src.getFloat(i));
                    else dst.setLong(i, src.getLong(i));
                }
                store.byName.put(e.getKey(), dst);
                store.fileOf.put(e.getKey(), source.fileOf.get(e.getKey()));
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * A store whose tensors are copies of {@code host}'s on {@code backend}'s device (same dtypes and shapes),
     * allocated through the backend in this store's arena, so closing the store frees the device memory.
     * {@code host} may be closed afterwards.
     */
    public static WeightStore uploaded(WeightStore host, org.glm4j.core.backend.Backend backend) {
        WeightStore store = new WeightStore();
        try {
            org.glm4j.core.backend.Ops ops = new org.glm4j.core.backend.Ops(backend, null);
            for (Map.Entry<String, Tensor> e : host.byName.entrySet()) {
                Tensor src = e.getValue();
                Tensor dst = backend.allocate(src.dtype(), src.shape(), store.arena);
                ops.copy(dst, src);
                store.byName.put(e.getKey(), dst);
                store.fileOf.put(e.getKey(), host.fileOf.get(e.getKey()));
            }
            ops.synchronize();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The tensor named {@code name}, or an exception naming it. */
    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("checkpoint has no tensor " + name);
        return t;
    }

    /** Whether the checkpoint has {@code name}. */
    public boolean has(String name) { return byName.containsKey(name); }

    /** All names, in file order. */
    public Set<String> names() { return Collections.unmodifiableSet(byName.keySet()); }

    /** Total bytes of all tensors. */
    public long totalBytes() {
        long n = 0;
        for (Tensor t : byName.values()) n += t.numel() * t.dtype().byteSize();
        return n;
    }

    /** Unmaps every shard. */
    @Override public void close() { arena.close(); }
}
