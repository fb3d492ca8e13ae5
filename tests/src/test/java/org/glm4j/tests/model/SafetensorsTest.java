package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.core.tensor.Tensor;
import org.glm4j.model.weights.SafetensorsException;
import org.glm4j.model.weights.WeightStore;
import org.glm4j.tests.golden.GoldenCases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors parsing: the golden checkpoint loads, and every hostile-input rule rejects with a clear message. */
class SafetensorsTest {
    @TempDir Path dir;


    /** A safetensors file from a header string and {@code dataBytes} bytes of data (value i = i mod 251). */
    private Path write(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes; i++) b.put((byte) (i % 251));
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private SafetensorsException rejects(Path file) {
        return assertThrows(SafetensorsException.class, () -> WeightStore.openFiles(file).close());
    }

    @Test
    void goldenCheckpoint_loadsEveryTensorMapped() throws Exception {
        try (WeightStore store = WeightStore.open(GoldenCases.dir("glm4v-tiny"))) {
            Tensor pe = store.tensor("model.visual.patch_embed.proj.weight");
            assertEquals(DType.F32, pe.dtype());
            assertEquals(Shape.of(256, 3, 2, 14, 14), pe.shape());
            assertEquals(Shape.of(1024, 256), store.tensor("lm_head.weight").shape());
            assertTrue(store.names().size() > 30, "tensors: " + store.names().size());
            assertTrue(Float.isFinite(pe.getFloat(12345)));
        }
    }

    @Test
    void validFile_readsValuesAtTheirOffsets() throws Exception {
        Path f = write("ok.safetensors", "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[2,3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[6,10]}}", 10);
        try (WeightStore s = WeightStore.openFiles(f)) {
            assertEquals(5, s.tensor("a").getLong(5));
            assertEquals(6, s.tensor("b").getLong(0));
        }
    }

    @Test
    void truncatedFile_isRejected() throws Exception {
        Path f = write("t.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertTrue(rejects(f).getMessage().contains("past the data region"));
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] { 1, 2, 3 });
        assertTrue(rejects(tiny).getMessage().contains("shorter than the 8-byte header length"));
    }

    @Test
    void headerLengthOverflow_isRejected() throws Exception {
        Path f = dir.resolve("h.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5L).putLong(0);
        Files.write(f, b.array());
        assertTrue(rejects(f).getMessage().contains("header length"));
        ByteBuffer c = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        Files.write(f, c.array());
        assertTrue(rejects(f).getMessage().contains("runs past the end of the file"));
    }

    @Test
    void offsetsOutOfRangeOrUnordered_areRejected() throws Exception {
        assertTrue(rejects(write("o1.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[6,2]}}", 8))
                .getMessage().contains("not ordered"));
        assertTrue(rejects(write("o2.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[-4,0]}}", 8))
                .getMessage().contains("not ordered"));
        assertTrue(rejects(write("o3.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,4]}}", 8))
                .getMessage().contains("needs 3 bytes"));
    }

    @Test
    void overlappingTensors_areRejected() throws Exception {
        SafetensorsException e = rejects(write("ov.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", 8));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
        assertTrue(e.getMessage().contains("ov.safetensors"), e.getMessage());
    }

    @Test
    void unknownDtype_isRejectedByName() throws Exception {
        SafetensorsException e = rejects(write("d.safetensors", "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4));
        assertTrue(e.getMessage().contains("tensor w") && e.getMessage().contains("F8_E4M3"), e.getMessage());
    }

    @Test
    void malformedHeaders_areRejected() throws Exception {
        assertTrue(rejects(write("m1.safetensors", "{\"a\":", 0)).getMessage().contains("not a valid JSON"));
        assertTrue(rejects(write("m2.safetensors", "[1,2]", 0)).getMessage().contains("not a valid JSON"));
        assertTrue(rejects(write("m3.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0))
                .getMessage().contains("shape entry"));
        assertTrue(rejects(write("m4.safetensors", "[".repeat(5000) + "]".repeat(5000), 0)).getMessage().contains("nesting"));
        assertTrue(rejects(write("m5.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0))
                .getMessage().contains("shape entry"));
    }

    @Test
    void shardPathEscapingTheFolder_isRejected() throws Exception {
        Path model = Files.createDirectory(dir.resolve("model"));
        write("outside.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        Files.writeString(model.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"a\":\"../outside.safetensors\"}}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightStore.open(model).close());
        assertTrue(e.getMessage().contains("plain file name"), e.getMessage());

        Files.createSymbolicLink(model.resolve("link.safetensors"), dir.resolve("outside.safetensors"));
        Files.writeString(model.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"a\":\"link.safetensors\"}}");
        e = assertThrows(SafetensorsException.class, () -> WeightStore.open(model).close());
        assertTrue(e.getMessage().contains("outside the model folder"), e.getMessage());
    }

    @Test
    void shardedCheckpoint_loadsAndChecksTheIndex() throws Exception {
        Path model = Files.createDirectory(dir.resolve("sharded"));
        Files.move(write("s1.safetensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2),
                model.resolve("model-00001-of-00002.safetensors"));
        Files.move(write("s2.safetensors", "{\"b\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]}}", 3),
                model.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(model.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{"
                + "\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        try (WeightStore s = WeightStore.open(model)) {
            assertEquals(2, s.names().size());
            assertEquals(Shape.of(3), s.tensor("b").shape());
        }
        Files.writeString(model.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{"
                + "\"a\":\"model-00002-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightStore.open(model).close());
        assertTrue(e.getMessage().contains("listed in the index"), e.getMessage());
    }
}
