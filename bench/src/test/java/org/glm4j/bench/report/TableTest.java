package org.glm4j.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void render_alignsColumnsAndTrimsLineEnds() {
        Table t = new Table(List.of("name", "ms", "note"), List.of(Table.Align.LEFT, Table.Align.RIGHT, Table.Align.LEFT));
        t.add(List.of("matmul-decode", "1.5", "ok"));
        t.add(Arrays.asList("rms", "123.25", null));
        assertEquals("""
                name               ms  note
                -------------  ------  ----
                matmul-decode     1.5  ok
                rms            123.25
                """, t.render());
    }

    @Test
    void add_rejectsRowsOfTheWrongWidth() {
        Table t = new Table(List.of("a", "b"), List.of(Table.Align.LEFT, Table.Align.LEFT));
        assertThrows(IllegalArgumentException.class, () -> t.add(List.of("1")));
    }
}
