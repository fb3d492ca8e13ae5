package org.glm4j.tests.abi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.glm4j.bindings.NativeLoader;
import org.glm4j.bindings.onednn.dnnl_exec_arg_t;
import org.glm4j.bindings.onednn.dnnl_h;
import org.glm4j.bindings.onednn.dnnl_version_t;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oneDNN bindings against the headers inside {@code org.bytedeco:dnnl:3.8.1-1.5.12} (see {@link AbiProbe}). */
class DnnlAbiTest {
    @Test
    void constantsAndStructs_matchTheHeadersInTheJar(@TempDir Path tmp) throws Exception {
        String platform = NativeLoader.platform();
        Assumptions.assumeTrue(platform.equals("linux-x86_64"), () -> "the oneDNN headers come with the " + platform + " jar, which this build does not depend on");
        String prefix = "org/bytedeco/dnnl/" + platform + "/include/";
        Path include = AbiProbe.extractFromJar(DnnlAbiTest.class.getClassLoader(), prefix + "oneapi/dnnl/dnnl.h", prefix,
                tmp.resolve("include"));
        AbiProbe probe = AbiProbe.create().constants(dnnl_h.class, dnnl_h.FUNCTIONS)
                .struct(dnnl_exec_arg_t.class).struct(dnnl_version_t.class);
        assertTrue(probe.size() > 100, "the probe covers the bindings' constants and structs");
        probe.assertMatches(tmp, List.of("oneapi/dnnl/dnnl.h", "oneapi/dnnl/dnnl_debug.h"), List.of(include), "oneDNN");
    }
}
