package org.glm4j.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
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
                }""", Json.write(root));
    }

    @Test
    void write_nonFiniteNumbersBecomeNull() {
        assertEquals("[\n  null,\n  null,\n  null,\n  null\n]",
                Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, null)));
    }

    @Test
    void write_numbersAreValidJson() {
        assertEquals("3", Json.write(3.0));
        assertEquals("-0.25", Json.write(-0.25));
        assertEquals("1.0E-7", Json.write(1e-7));        // JSON allows an exponent after a fraction
        assertEquals("1.0E20", Json.write(1e20));
        assertEquals("629145600", Json.write(629145600L));
    }

    @Test
    void write_escapesStrings() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", Json.write("a\"b\\c\nd\u0001"));
    }

    @Test
    void write_rejectsWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put(1, "x");
        assertThrows(IllegalArgumentException.class, () -> Json.write(badKey));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new ArrayList<>(List.of(new int[0]))));
    }
}
