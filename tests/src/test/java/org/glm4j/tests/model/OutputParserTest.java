package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.glm4j.model.generate.GuiAction;
import org.glm4j.model.generate.OutputParser;
import org.glm4j.model.generate.OutputParser.Channel;
import org.junit.jupiter.api.Test;

class OutputParserTest {
    private static List<OutputParser.Segment> feed(OutputParser p, String... deltas) {
        List<OutputParser.Segment> all = new ArrayList<>();
        for (String d : deltas) all.addAll(p.accept(d));
        all.addAll(p.finish());
        return all;
    }

    @Test
    void thinkingAnswerAndBoxes_areSeparatedEvenWhenTagsAreSplit() {
        OutputParser p = new OutputParser();
        List<OutputParser.Segment> segs = feed(p, "<thi", "nk>\nLet me see", ".</think", ">\n<answer>It is a ", "<|begin_of_", "box|>cat<|end_of_box|>", ".</answer>");
        assertEquals("\nLet me see.", p.thinking());
        assertEquals("\n" + "It is a cat.", p.answer());
        assertEquals(List.of("cat"), p.boxes());
        assertTrue(segs.stream().anyMatch(s -> s.channel() == Channel.BOX && s.text().equals("cat")));
        assertTrue(segs.stream().noneMatch(s -> s.text().contains("<")), segs.toString());
    }

    @Test
    void textWithoutTags_isAnswer_andLoneAngleBracketsPassThrough() {
        OutputParser p = new OutputParser();
        feed(p, "a < b and <x> is ", "<");
        assertEquals("a < b and <x> is <", p.answer());
        assertEquals("", p.thinking());
    }

    @Test
    void guiActions_parseBothForms() {
        List<GuiAction> mobile = GuiAction.parse("{\"action_type\": \"click\", \"box_2d\": [[120, 340, 560, 400]]}");
        assertEquals("click", mobile.get(0).name());
        assertArrayEquals(new int[] { 120, 340, 560, 400 }, mobile.get(0).boxes().get(0));
        List<GuiAction> desktop = GuiAction.parse("left_drag(start_box='[10, 20]', end_box='[30,40]')");
        assertEquals("left_drag", desktop.get(0).name());
        assertEquals(2, desktop.get(0).boxes().size());
        assertArrayEquals(new int[] { 30, 40 }, desktop.get(0).boxes().get(1));
        assertEquals("DONE", GuiAction.parse("DONE()").get(0).name());
        assertTrue(GuiAction.parse("just words").isEmpty());
        String longArg = "type(content='" + "x".repeat(20_000) + "')";
        assertEquals(20_000, GuiAction.parse(longArg).get(0).args().get("content").length());
        assertTrue(GuiAction.parse("click(start_box='[99999999999,5]')").get(0).boxes().isEmpty(), "out-of-range numbers are no box");
    }
}
