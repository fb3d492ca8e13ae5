package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glm4j.model.json.Json;
import org.glm4j.model.preprocess.ImageDecoder;
import org.glm4j.model.preprocess.PillowResize;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.TorchResize;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two bicubic resizes, image path (Pillow) and video path (torchvision's uint8 antialiased kernel), on random
 * images that need resizing in both directions. Fixture: {@code resize/resize_cases.json} from
 * {@code resize/gen_resize_cases.py}: Pillow 12.3.0's own output, and the torch kernel as a separate Python
 * emulation written from PyTorch's C++ source (no PyTorch with that kernel is installable here).
 */
class ResizeTest {
    static Stream<Arguments> cases() throws Exception {
        Path dir = Path.of(ResizeTest.class.getResource("/resize/resize_cases.json").toURI()).getParent();
        Map<String, Object> root = Json.parseObject(Files.readString(dir.resolve("resize_cases.json")), "resize_cases.json");
        List<Arguments> out = new ArrayList<>();
        for (Object o : (List<?>) root.get("cases")) {
            Map<?, ?> c = (Map<?, ?>) o;
            RgbImage in = new ImageDecoder().decode(dir.resolve((String) c.get("input")));
            out.add(Arguments.of(c.get("name"), in, ((Long) c.get("width")).intValue(), ((Long) c.get("height")).intValue(),
                    HexFormat.of().parseHex((String) c.get("pillow")), HexFormat.of().parseHex((String) c.get("torch"))));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bicubic_matchesPillowAndTorchvision(String name, RgbImage in, int width, int height, byte[] pillow, byte[] torch) {
        assertArrayEquals(pillow, PillowResize.bicubic(in, width, height).rgb(), "Pillow " + name);
        assertArrayEquals(torch, TorchResize.bicubic(in, width, height).rgb(), "torchvision " + name);
        int differ = 0;
        for (int i = 0; i < pillow.length; i++) {
            if (pillow[i] != torch[i]) differ++;
            assertTrue(Math.abs((pillow[i] & 0xff) - (torch[i] & 0xff)) <= 1, name + " differs by more than one level at " + i);
        }
        assertTrue(differ > 0, name + ": the case should tell the two kernels apart");
    }

    @org.junit.jupiter.api.Test
    void videoFrames_areResizedWithTheTorchvisionKernel() throws Exception {
        Path dir = Path.of(ResizeTest.class.getResource("/resize/resize_cases.json").toURI()).getParent();
        RgbImage frame = new ImageDecoder().decode(dir.resolve("mixed.png"));                     // 90x40
        var result = org.glm4j.model.preprocess.VideoProcessor.defaults().process(
                org.glm4j.model.preprocess.Video.of(List.of(frame, frame), 2.0, 1.0));
        int[] grid = result.patches().grids().get(0);                                              // min-pixels branch: 56x140
        RgbImage torch = TorchResize.bicubic(frame, grid[2] * 14, grid[1] * 14);
        RgbImage pillow = PillowResize.bicubic(frame, grid[2] * 14, grid[1] * 14);
        float[] rows = result.patches().values();
        float[] mean = { 0.48145466f, 0.4578275f, 0.40821073f }, std = { 0.26862954f, 0.26130258f, 0.27577711f };
        int gw = grid[2], rowSize = 3 * 2 * 14 * 14, differ = 0;
        for (int y = 0; y < torch.height(); y++)
            for (int x = 0; x < torch.width(); x++)
                for (int c = 0; c < 3; c++) {
                    int ph = y / 14, pw = x / 14, row = (((ph / 2) * (gw / 2) + pw / 2) * 2 + ph % 2) * 2 + pw % 2;
                    float v = rows[row * rowSize + ((c * 2) * 14 + y % 14) * 14 + x % 14];
                    int u8 = Math.round(v * 255f * std[c] + 255f * mean[c]);
                    org.junit.jupiter.api.Assertions.assertEquals(torch.get(x, y, c), u8, "pixel " + x + "," + y + " channel " + c);
                    if (torch.get(x, y, c) != pillow.get(x, y, c)) differ++;
                }
        assertTrue(differ > 0, "this frame tells torchvision's kernel from Pillow's");
    }
}
