package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glm4j.model.json.Json;
import org.glm4j.model.tokenizer.template.JinjaTemplate;
import org.glm4j.model.tokenizer.template.Str;
import org.glm4j.model.tokenizer.template.TemplateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chat-template interpreter against Jinja2 itself. Fixture: {@code templates/template_cases.json}, written by
 * {@code templates/gen_template_cases.py} (Jinja2 3.1.6 configured as transformers renders chat templates): every
 * case renders byte-identically here, and where Jinja raises, so does the interpreter.
 */
class JinjaTemplateTest {
    static Path templates() throws Exception {
        return Path.of(JinjaTemplateTest.class.getResource("/templates/template_cases.json").toURI()).getParent();
    }

    static Stream<Arguments> cases() throws Exception {
        Path dir = templates();
        Map<String, Object> root = Json.parseObject(Files.readString(dir.resolve("template_cases.json")), "template_cases.json");
        List<Arguments> out = new ArrayList<>();
        for (Object o : (List<?>) root.get("cases")) {
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) o;
            String text = c.containsKey("file") ? Files.readString(dir.resolve((String) c.get("file"))) : (String) c.get("template");
            out.add(Arguments.of(c.get("name"), text, c.get("variables"), c.get("expected"), c.get("error")));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendering_matchesJinja2(String name, String template, Map<String, Object> variables, String expected, String error) {
        if (error != null) {
            TemplateException e = assertThrows(TemplateException.class, () -> JinjaTemplate.parse(template, name).render(variables),
                    "Jinja2 raised " + error);
            assertTrue(e.getMessage().startsWith(name + ":"), e.getMessage());
            return;
        }
        assertEquals(expected, JinjaTemplate.parse(template, name).render(variables).text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{% include 'other.jinja' %}§the 'include' tag is not supported§1:4",
        "{% extends 'base' %}§the 'extends' tag is not supported§1:4",
        "a\n{% call m() %}x{% endcall %}§the 'call' tag is not supported§2:4",
        "{{ x | indent(2) }}§the 'indent' filter is not supported§1:8",
        "{{ x | frobnicate }}§unknown filter 'frobnicate'§1:8",
        "{{ x is frob }}§unknown or unsupported test 'frob'§1:9",
        "{% for x in xs recursive %}{% endfor %}§recursive for loops are not supported§1:16",
        "{{ '%s' % x }}§printf-style string formatting§1:9",
        "{{ 'a{}'.format(1) }}§str.format() is not supported§1:10",
        "{{ strftime_now('%Y') }}§strftime_now() is not supported§1:16",
        "{{ f(*xs) }}§*args and **kwargs in calls are not supported§1:6",
        "{{ 10 ** 100 }}§integer overflow§1:7",
        "{{ '\\N{BULLET}' }}§\\N{...} escapes are not supported§1:4",
    })
    void unsupportedConstructs_failWithTheConstructAndPosition(String spec) {
        String[] p = spec.split("§");
        TemplateException e = assertThrows(TemplateException.class,
                () -> JinjaTemplate.parse(p[0], "t.jinja").render(Map.of("x", 1, "xs", List.of())));
        assertTrue(e.getMessage().contains(p[1]), e.getMessage());
        assertTrue(e.getMessage().startsWith("t.jinja:" + p[2] + ":"), e.getMessage());
    }

    @Test
    void hostileTemplates_areBounded() {
        String deepParens = "{{ " + "(".repeat(5000) + "1" + ")".repeat(5000) + " }}";
        assertTrue(fails(deepParens).contains("nests deeper than"));
        String deepIfs = "{% if true %}".repeat(500) + "{% endif %}".repeat(500);
        assertTrue(fails(deepIfs).contains("blocks nest deeper than"));
        String deepNot = "{{ " + "not ".repeat(5000) + "x }}";
        assertTrue(fails(deepNot).contains("nests deeper than"));
        assertTrue(fails("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}").contains("steps"));
        assertTrue(fails("{{ range(1000000000) }}").contains("exceeds"));
        assertTrue(fails("{{ 'x' * 100000000 }}").contains("longer than"));
        assertTrue(fails("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}").contains("nest deeper than"));
        assertTrue(fails("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}").contains("exceeds"));
        assertTrue(fails("{{ [1] * 1000000000 }}").contains("longer than"));
        assertTrue(fails("{{ x").contains("end of template"));
        assertTrue(fails("{{ 'abc }}").contains("unterminated string"));
        assertTrue(fails("{# open").contains("missing end of comment"));
        assertTrue(fails("{% break %}").contains("outside a loop"));
    }

    private static String fails(String template) {
        return assertThrows(TemplateException.class, () -> JinjaTemplate.parse(template, "h").render(Map.of("x", 1))).getMessage();
    }

    @Test
    void contentProvenance_survivesStringOperations() {
        JinjaTemplate t = JinjaTemplate.parse(
                "<|user|>{{ m.strip() }}|{{ m.split(' ')[1] }}|{{ (m ~ '<|x|>') | upper }}|{{ m.replace('b', '<|y|>') }}|{{ [m] }}", "p");
        Str out = t.render(Map.of("m", Str.content(" a b ")));
        assertEquals("<|user|>a b|a| A B <|X|>| a <|y|> |[' a b ']", out.text());
        List<Str.Segment> segs = out.segments();
        assertEquals(new Str.Segment("<|user|>", false), segs.get(0));
        assertEquals(new Str.Segment("a b", true), segs.get(1));
        String text = out.text();
        int x = text.indexOf("<|X|>"), y = text.indexOf("<|y|>");
        assertTrue(out.isContent(x), "upper() of mixed input is content as a whole");
        assertFalse(out.isContent(y), "a replacement from the template stays markup");
        assertTrue(out.isContent(y - 1) && out.isContent(y + 5));
        assertTrue(out.isContent(text.indexOf("[' a")), "a printed list holding content is content");
    }
}
