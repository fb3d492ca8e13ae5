package org.glm4j.bench.report;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns: text columns left-aligned, numeric ones right-aligned. */
public final class Table {
    /** How a column's cells line up. */
    public enum Align { LEFT, RIGHT }

    private final List<String> headers;
    private final List<Align> aligns;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table with these headers and alignments (one each per column). */
    public Table(List<String> headers, List<Align> aligns) {
        if (headers.size() != aligns.size())
            throw new IllegalArgumentException("table: " + headers.size() + " headers but " + aligns.size() + " alignments");
        this.headers = List.copyOf(headers);
        this.aligns = List.copyOf(aligns);
    }

    /** Appends a row of exactly one cell per column ({@code null} prints as empty). */
    public Table add(List<String> cells) {
        if (cells.size() != headers.size())
            throw new IllegalArgumentException("table: row of " + cells.size() + " cells for " + headers.size() + " columns");
        rows.add(cells.stream().map(c -> c == null ? "" : c).toList());
        return this;
    }

    public int rowCount() { return rows.size(); }

    /** Header, a rule, then the rows; two spaces between columns, no trailing spaces, each line ending in a newline. */
    public String render() {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) width[i] = headers.get(i).length();
        for (List<String> r : rows)
            for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], r.get(i).length());
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width);
        List<String> rule = new ArrayList<>();
        for (int w : width) rule.add("-".repeat(w));
        line(sb, rule, width);
        for (List<String> r : rows) line(sb, r, width);
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) l.append("  ");
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            l.append(aligns.get(i) == Align.RIGHT ? pad + c : c + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
