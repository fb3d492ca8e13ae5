package org.glm4j.tests.abi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.glm4j.core.backend.cuda.GlmkArgs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend's argument marshalling against {@code native/include/glmk.h}: every struct's size and field
 * offsets, and the launch-plan helpers ({@code glmk_attention_configure} and friends) on decode and prefill shapes,
 * computed by gcc from the header and by the Java side. Needs only gcc, no GPU. The header is found in the source
 * tree, or in {@code -Dglm4j.glmk.include} (the GPU check ships it).
 */
class GlmkArgsAbiTest {
    private static Path includeDir() {
        String p = System.getProperty("glm4j.glmk.include");
        for (Path d : new Path[] { p == null ? null : Path.of(p), Path.of("..", "native", "include"), Path.of("native", "include") })
            if (d != null && Files.isRegularFile(d.resolve("glmk.h"))) return d.toAbsolutePath().normalize();
        Assumptions.abort("glmk.h not found (source tree ../native/include or -Dglm4j.glmk.include)");
        return null;
    }

    @Test
    void structsAndLaunchPlans_matchGlmkH(@TempDir Path tmp) throws Exception {
        Path inc = includeDir();
        AbiProbe probe = AbiProbe.create();
        for (GlmkArgs.Struct s : GlmkArgs.all()) probe.struct(s.name(), s.size(), s.offsets());
        // attention plans: {q_len, k_len, q_heads, kv_heads, head_dim, sm_count}
        int[][] shapes = { { 1, 4096, 32, 2, 128, 132 }, { 1, 37, 32, 2, 128, 132 }, { 2048, 2048, 32, 2, 128, 132 },
                { 7, 7, 16, 16, 80, 108 }, { 1, 100000, 12, 4, 64, 80 }, { 5, 300, 6, 2, 256, 46 } };
        StringBuilder setup = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < shapes.length; i++) {
                int[] c = shapes[i];
                MemorySegment a = arena.allocate(GlmkArgs.ATTENTION.size(), 8);
                GlmkArgs.ATTENTION.i32(a, "q_len", c[0]).i32(a, "k_len", c[1]).i32(a, "q_heads", c[2]).i32(a, "kv_heads", c[3])
                        .i32(a, "head_dim", c[4]);
                GlmkArgs.attentionConfigure(a, c[5]);
                String v = "a" + i;
                setup.append("static glmk_attention_args ").append(v).append(";\n");
                String init = v + ".q_len=" + c[0] + "," + v + ".k_len=" + c[1] + "," + v + ".q_heads=" + c[2] + "," + v + ".kv_heads="
                        + c[3] + "," + v + ".head_dim=" + c[4] + ",glmk_attention_configure(&" + v + "," + c[5] + ")";
                for (String f : new String[] { "rows_per_block", "heads_per_block", "keys_per_split", "splits" })
                    probe.value("(" + init + "," + v + "." + f + ")", GlmkArgs.ATTENTION.getI32(a, f));
                GlmkArgs.Launch l = GlmkArgs.attention(a);
                probe.value("glmk_attention_launch(&" + v + ").grid[0]", l.gx()).value("glmk_attention_launch(&" + v + ").grid[1]", l.gy())
                        .value("glmk_attention_launch(&" + v + ").grid[2]", l.gz())
                        .value("glmk_attention_launch(&" + v + ").shared_bytes", l.shared())
                        .value("glmk_attention_partial_floats(&" + v + ")", GlmkArgs.attentionPartialFloats(a));
            }
        }
        probe.value("glmk_elementwise_launch(7, 3000).grid[1]", GlmkArgs.elementwise(7, 3000).gy())
                .value("glmk_elementwise_launch(7, 3000).block[0]", GlmkArgs.elementwise(7, 3000).block())
                .value("glmk_row_launch(5).block[0]", GlmkArgs.row(5).block())
                .value("glmk_rope_launch(9).block[0]", GlmkArgs.rope(9).block())
                .value("glmk_resample_launch(9).block[0]", GlmkArgs.resample(9).block())
                .value("glmk_sample_launch(2).block[0]", GlmkArgs.sample(2).block())
                .value("glmk_sample_workspace_bytes(3, 151552)", GlmkArgs.sampleWorkspaceBytes(3, 151552))
                .value("GLMK_ATTN_PREFILL_SHARED_BYTES", 2 * 2 * 64 * (128 + 8) * 2)
                .value("GLMK_ABI_VERSION", org.glm4j.core.backend.cuda.KernelImage.ABI_VERSION);
        Path pre = tmp.resolve("plans.h");
        Files.writeString(pre, "#include <glmk.h>\n" + setup);
        probe.assertMatches(tmp, List.of("glmk.h", "plans.h"), List.of(inc, tmp), "glmk.h");
    }
}
