package org.glm4j.tests.model;

import org.glm4j.model.json.JsonWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void write_nestedObjectsKeepOrderAndIndent() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", 2L);
        inner.put("a", 1.5);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("z", inner);
        root.put("list", List.of(true, "x"));
        root.put("empty", List.of());
        assertEquals("""
                {
                  "z": {
                    "b": 2,
                    "a": 1.5
                  },
                  "list": [
                    true,
                    "x"
                  ],
                  "empty": []
                }""", JsonWriter.write(root));
    }

    @Test
    void write_nonFiniteNumbersBecomeNull() {
        assertEquals("[\n  null,\n  null,\n  null,\n  null\n]",
                JsonWriter.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, null)));
    }

    @Test
    void write_numbersAreValidJson() {
        assertEquals("3", JsonWriter.write(3.0));
        assertEquals("-0.25", JsonWriter.write(-0.25));
        assertEquals("1.0E-7", JsonWriter.write(1e-7));        // JSON allows an exponent after a fraction
        assertEquals("1.0E20", JsonWriter.write(1e20));
        assertEquals("629145600", JsonWriter.write(629145600L));
    }

    @Test
    void write_escapesStrings() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", JsonWriter.write("a\"b\\c\nd\u0001"));
    }

    @Test
    void write_rejectsWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(new Object()));
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put(1, "x");
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(badKey));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(new ArrayList<>(List.of(new int[0]))));
    }
}
