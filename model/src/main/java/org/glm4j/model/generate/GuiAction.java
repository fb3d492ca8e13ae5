package org.glm4j.model.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glm4j.model.json.Json;
import org.glm4j.model.json.JsonException;

/**
 * A GUI-agent action from GLM-4.1V's answer (spec §7.5): the mobile JSON form
 * ({@code {"action_type": "click", "box_2d": [[x1,y1,x2,y2]]}}) or the desktop call form
 * ({@code left_click(start_box='[x,y]', element_info='')}). Coordinates are per-mille of the screenshot.
 *
 * @param name  the action ({@code click}, {@code left_click}, {@code swipe}, {@code DONE}, …)
 * @param boxes every box or point found in the arguments, each {@code [x1,y1,x2,y2]} or {@code [x,y]}
 * @param args  the arguments as strings (JSON values rendered as text)
 */
public record GuiAction(String name, List<int[]> boxes, Map<String, String> args) {
    private static final Pattern CALL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*\\((.*)\\)\\s*", Pattern.DOTALL);
    private static final Pattern ARG = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(?:'((?:[^'\\\\]++|\\\\.)*+)'|\"((?:[^\"\\\\]++|\\\\.)*+)\"|([^,]++))");
    private static final Pattern NUMBERS = Pattern.compile("\\[\\s*(-?\\d{1,9}+(?:\\s*,\\s*-?\\d{1,9}+){1,3})\\s*]");

    /** The actions found in {@code text} (a box's content or a whole answer); unparseable text gives none. */
    public static List<GuiAction> parse(String text) {
        List<GuiAction> out = new ArrayList<>();
        String s = text.strip();
        if (s.isEmpty()) return out;
        int brace = s.indexOf('{');
        if (brace >= 0) {
            int end = s.lastIndexOf('}');
            if (end > brace) {
                try {
                    Map<String, Object> m = Json.parseObject(s.substring(brace, end + 1), "action");
                    Object type = m.getOrDefault("action_type", m.get("action"));
                    if (type instanceof String name) {
                        Map<String, String> args = new LinkedHashMap<>();
                        for (Map.Entry<String, Object> e : m.entrySet()) args.put(e.getKey(), String.valueOf(e.getValue()));
                        out.add(new GuiAction(name, boxes(String.valueOf(m.get("box_2d"))), args));
                        return out;
                    }
                } catch (JsonException notJson) {
                    // fall through to the call form
                }
            }
        }
        Matcher call = CALL.matcher(s);
        if (call.matches()) {
            Map<String, String> args = new LinkedHashMap<>();
            Matcher a = ARG.matcher(call.group(2));
            while (a.find())
                args.put(a.group(1), a.group(2) != null ? a.group(2) : a.group(3) != null ? a.group(3) : a.group(4).strip());
            List<int[]> boxes = new ArrayList<>();
            for (String v : args.values()) boxes.addAll(boxes(v));
            out.add(new GuiAction(call.group(1), boxes, args));
        }
        return out;
    }

    private static List<int[]> boxes(String text) {
        List<int[]> out = new ArrayList<>();
        if (text == null) return out;
        Matcher m = NUMBERS.matcher(text);
        while (m.find()) {
            String[] parts = m.group(1).split(",");
            if (parts.length != 2 && parts.length != 4) continue;
            int[] b = new int[parts.length];
            for (int i = 0; i < b.length; i++) b[i] = Integer.parseInt(parts[i].strip());
            out.add(b);
        }
        return out;
    }
}
