package org.glm4j.bench.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What one JUnit run left in its reports folder (the console launcher's legacy {@code TEST-*.xml}): counts, the
 * failed tests with the first line of their message, and the distinct skip reasons.
 *
 * @param label    the suite's name in the report (for example {@code parity})
 * @param found    whether the folder held any report (false: the run did not happen or crashed first)
 * @param tests    test cases run, including skipped
 * @param failures failed or errored test cases
 * @param skipped  skipped test cases
 * @param failed   {@code class.method: message} of each failure
 * @param skipReasons distinct skip reasons, first line each
 */
record JunitSummary(String label, boolean found, int tests, int failures, int skipped, List<String> failed, List<String> skipReasons) {
    /** Reads every {@code TEST-*.xml} in {@code dir}; a missing or empty folder gives {@code found == false}. */
    static JunitSummary read(String label, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir))
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().forEach(files::add);
            }
        int tests = 0, failures = 0, skipped = 0;
        List<String> failed = new ArrayList<>();
        Set<String> reasons = new LinkedHashSet<>();
        for (Path f : files) {
            Element root;
            try {
                var factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                root = factory.newDocumentBuilder().parse(f.toFile()).getDocumentElement();
            } catch (Exception e) {
                throw new IOException("cannot parse " + f + ": " + e.getMessage(), e);
            }
            NodeList cases = root.getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element c = (Element) cases.item(i);
                tests++;
                String name = c.getAttribute("classname") + "." + c.getAttribute("name");
                Element bad = first(c, "failure");
                if (bad == null) bad = first(c, "error");
                Element skip = first(c, "skipped");
                if (bad != null) {
                    failures++;
                    String msg = bad.getAttribute("message");
                    if (msg.isBlank()) msg = bad.getTextContent();
                    failed.add(name + ": " + firstLine(msg));
                } else if (skip != null) {
                    skipped++;
                    String msg = skip.getAttribute("message");
                    if (msg.isBlank()) msg = skip.getTextContent();
                    reasons.add(firstLine(msg));
                }
            }
        }
        return new JunitSummary(label, !files.isEmpty(), tests, failures, skipped, failed, List.copyOf(reasons));
    }

    private static Element first(Element parent, String tag) {
        NodeList l = parent.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        t = nl < 0 ? t : t.substring(0, nl).strip();
        for (String prefix : new String[] { "org.opentest4j.TestAbortedException: ", "Assumption failed: " })
            if (t.startsWith(prefix)) t = t.substring(prefix.length());
        return t.length() > 400 ? t.substring(0, 400) + "…" : t;
    }

    /** Passed: the run happened and nothing failed. */
    boolean passed() { return found && failures == 0; }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("suite", label);
        m.put("ran", found);
        m.put("tests", tests);
        m.put("passed", tests - failures - skipped);
        m.put("failed", failures);
        m.put("skipped", skipped);
        m.put("failures", failed);
        m.put("skip_reasons", skipReasons);
        return m;
    }
}
