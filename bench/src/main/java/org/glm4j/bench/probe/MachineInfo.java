package org.glm4j.bench.probe;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the probes and the cache rotation need to know about this machine. */
public final class MachineInfo {
    private MachineInfo() {}

    /** Processors this JVM may use. */
    public static int cpus() { return Runtime.getRuntime().availableProcessors(); }

    /**
     * Size of cpu0's highest-level data or unified cache in bytes, from Linux sysfs; 0 when it cannot be read
     * (another OS, a container hiding sysfs).
     */
    public static long lastLevelCacheBytes() {
        return lastLevelCacheBytes(Path.of("/sys/devices/system/cpu/cpu0/cache"));
    }

    static long lastLevelCacheBytes(Path cacheDir) {
        if (!Files.isDirectory(cacheDir)) return 0;
        int bestLevel = -1;
        long best = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cacheDir, "index*")) {
            for (Path d : dirs) {
                String type = read(d.resolve("type"));
                if (type == null || type.equals("Instruction")) continue;
                String level = read(d.resolve("level")), size = read(d.resolve("size"));
                if (level == null || size == null) continue;
                int lv = Integer.parseInt(level);
                long bytes = parseSize(size);
                if (lv > bestLevel || lv == bestLevel && bytes > best) {
                    bestLevel = lv;
                    best = bytes;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return best;
    }

    /** The system's one-minute load average, or NaN where the OS does not report one. */
    public static double loadAverage() {
        double l = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? Double.NaN : l;
    }

    /** The CPU's model name from {@code /proc/cpuinfo}, or the JVM's {@code os.arch} when that cannot be read. */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("model name")) return line.substring(colon + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or hidden: fall through
        }
        return System.getProperty("os.arch");
    }

    /** Parses sysfs cache sizes such as {@code 307200K}, {@code 32M} or {@code 512}. */
    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("K")) mult = 1L << 10;
        else if (t.endsWith("M")) mult = 1L << 20;
        else if (t.endsWith("G")) mult = 1L << 30;
        if (mult != 1) t = t.substring(0, t.length() - 1);
        return Long.parseLong(t) * mult;
    }

    private static String read(Path p) throws IOException {
        return Files.isReadable(p) ? Files.readString(p).trim() : null;
    }
}
