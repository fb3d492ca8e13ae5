package org.glm4j.bench.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineInfoTest {
    @Test
    void parseSize_readsSysfsUnits() {
        assertEquals(307200L << 10, MachineInfo.parseSize("307200K\n"));
        assertEquals(32L << 20, MachineInfo.parseSize("32M"));
        assertEquals(512, MachineInfo.parseSize("512"));
    }

    @Test
    void lastLevelCache_isTheHighestDataOrUnifiedLevel(@TempDir Path dir) throws IOException {
        cache(dir, 0, 1, "Data", "48K");
        cache(dir, 1, 1, "Instruction", "32K");
        cache(dir, 2, 2, "Unified", "2048K");
        cache(dir, 3, 3, "Unified", "307200K");
        assertEquals(307200L << 10, MachineInfo.lastLevelCacheBytes(dir));
    }

    @Test
    void lastLevelCache_isZeroWhenUnknown(@TempDir Path dir) {
        assertEquals(0, MachineInfo.lastLevelCacheBytes(dir.resolve("missing")));
        assertEquals(0, MachineInfo.lastLevelCacheBytes(dir));
    }

    private static void cache(Path dir, int index, int level, String type, String size) throws IOException {
        Path d = Files.createDirectories(dir.resolve("index" + index));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }
}
