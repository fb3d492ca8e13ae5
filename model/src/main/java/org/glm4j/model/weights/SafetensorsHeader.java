package org.glm4j.model.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.glm4j.core.tensor.DType;
import org.glm4j.core.tensor.Shape;
import org.glm4j.model.json.Json;
import org.glm4j.model.json.JsonException;

/**
 * The validated header of one {@code .safetensors} file: 8-byte little-endian header length, a UTF-8 JSON object
 * of {@code name → {dtype, shape, data_offsets}} (plus optional {@code __metadata__}), then the data.
 *
 * <p>The file is treated as hostile: the header length is capped and must fit the file, the JSON must be strict,
 * every dtype known, every shape non-negative, {@code data_offsets} ordered and inside the data region, the byte
 * count equal to {@code numel × dtype size}, and no two tensors may overlap. Any violation is a
 * {@link SafetensorsException} naming the file, the tensor and the rule broken.
 */
public record SafetensorsHeader(Path file, long dataStart, long dataBytes, List<Entry> entries,
                                Map<String, Object> metadata) {

    /** Largest header accepted (the real 9B shards have headers of a few tens of kB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** One tensor: byte range {@code [begin, end)} relative to the data region. */
    public record Entry(String name, DType dtype, Shape shape, long begin, long end) {
        public long bytes() { return end - begin; }
    }

    /** Reads and validates the header of {@code file} through an open channel. */
    public static SafetensorsHeader read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw new SafetensorsException(file, null, "file is " + size + " bytes, shorter than the 8-byte header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, file);
        long headerLen = lenBuf.getLong(0);
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES)
            throw new SafetensorsException(file, null, "header length " + Long.toUnsignedString(headerLen)
                    + " is outside [2, " + MAX_HEADER_BYTES + "]");
        if (8 + headerLen > size)
            throw new SafetensorsException(file, null, "header length " + headerLen + " runs past the end of the file ("
                    + size + " bytes): truncated file?");
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8, file);
        hb.flip();
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file, null, "header is not valid UTF-8");
        }
        Map<String, Object> root;
        try {
            root = Json.parseObject(json, file + " header");
        } catch (JsonException e) {
            throw new SafetensorsException(file, null, "header is not a valid JSON object: " + e.getMessage());
        }
        long dataStart = 8 + headerLen, dataBytes = size - dataStart;
        List<Entry> entries = new ArrayList<>();
        Map<String, Object> metadata = Json.emptyObject();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?>))
                    throw new SafetensorsException(file, name, "__metadata__ must be an object");
                @SuppressWarnings("unchecked") Map<String, Object> md = (Map<String, Object>) e.getValue();
                metadata = md;
                continue;
            }
            entries.add(entry(file, name, e.getValue(), dataBytes));
        }
        List<Entry> sorted = new ArrayList<>(entries.stream().filter(e -> e.bytes() > 0).toList());   // empty ranges hold nothing
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1), cur = sorted.get(i);
            if (cur.begin() < prev.end())
                throw new SafetensorsException(file, cur.name(), "bytes [" + cur.begin() + ", " + cur.end()
                        + ") overlap tensor " + prev.name() + " [" + prev.begin() + ", " + prev.end() + ")");
        }
        return new SafetensorsHeader(file, dataStart, dataBytes, List.copyOf(entries), metadata);
    }

    private static Entry entry(Path file, String name, Object value, long dataBytes) {
        if (name.isEmpty()) throw new SafetensorsException(file, name, "empty tensor name");
        if (!(value instanceof Map<?, ?> raw)) throw new SafetensorsException(file, name, "entry must be an object");
        Object dt = raw.get("dtype"), sh = raw.get("shape"), off = raw.get("data_offsets");
        if (!(dt instanceof String dts)) throw new SafetensorsException(file, name, "missing or non-string dtype");
        DType dtype = switch (dts) {
            case "F32" -> DType.F32;
            case "BF16" -> DType.BF16;
            case "F16" -> DType.F16;
            case "I32" -> DType.I32;
            case "I64" -> DType.I64;
            case "U8" -> DType.U8;
            default -> throw new SafetensorsException(file, name, "unknown or unsupported dtype \"" + dts
                    + "\" (supported: F32, BF16, F16, I32, I64, U8)");
        };
        if (!(sh instanceof List<?> dimsRaw)) throw new SafetensorsException(file, name, "missing or non-array shape");
        int[] dims = new int[Math.max(1, dimsRaw.size())];
        dims[0] = 1;                                         // a scalar (shape []) is held as [1]
        long numel = 1;
        for (int i = 0; i < dimsRaw.size(); i++) {
            Object d = dimsRaw.get(i);
            if (!(d instanceof Long l) || l < 0 || l > Integer.MAX_VALUE)
                throw new SafetensorsException(file, name, "shape entry " + Json.describe(d) + " is not a dimension in [0, 2^31)");
            dims[i] = (int) (long) l;
            try {
                numel = Math.multiplyExact(numel, l);
            } catch (ArithmeticException ex) {
                throw new SafetensorsException(file, name, "shape " + dimsRaw + " overflows");
            }
        }
        if (!(off instanceof List<?> o) || o.size() != 2 || !(o.get(0) instanceof Long b) || !(o.get(1) instanceof Long en))
            throw new SafetensorsException(file, name, "data_offsets must be [begin, end] integers");
        if (b < 0 || en < b) throw new SafetensorsException(file, name, "data_offsets [" + b + ", " + en + "] are not ordered");
        if (en > dataBytes)
            throw new SafetensorsException(file, name, "data_offsets end " + en + " is past the data region of "
                    + dataBytes + " bytes: truncated file?");
        long expected;
        try {
            expected = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new SafetensorsException(file, name, "shape " + dimsRaw + " overflows");
        }
        if (en - b != expected)
            throw new SafetensorsException(file, name, dts + " " + dimsRaw + " needs " + expected + " bytes but data_offsets span "
                    + (en - b));
        return new Entry(name, dtype, Shape.of(dims), b, en);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) throw new SafetensorsException(file, null, "unexpected end of file");
            p += n;
        }
    }
}
