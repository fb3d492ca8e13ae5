package org.glm4j.tests.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.glm4j.model.config.Glm4vConfig;
import org.glm4j.model.json.JsonException;
import org.glm4j.tests.golden.GoldenCases;
import org.junit.jupiter.api.Test;

class ConfigTest {
    private static String read(String file) throws Exception {
        return Files.readString(GoldenCases.dir("glm4v-tiny").resolve(file));
    }

    @Test
    void v4AndV5Layouts_parseToTheSameModel() throws Exception {
        Glm4vConfig v4 = Glm4vConfig.parse(read("config.json"), "config.json");
        Glm4vConfig v5 = Glm4vConfig.parse(read("config_v5.json"), "config_v5.json");
        for (Glm4vConfig c : List.of(v4, v5)) {
            assertEquals(64, c.text().rotaryDim());
            assertArrayEquals(new int[] { 8, 12, 12 }, c.text().mropeSection());
            assertEquals(10000.0, c.text().ropeTheta());
            assertEquals(128, c.text().headDim());
            assertEquals(2, c.text().groupSize());
            assertEquals(List.of(1000, 1007, 1009), c.text().eosTokenIds());
            assertEquals(1014, c.imageTokenId());
            assertEquals(24, c.vision().positionGridSide());
            assertEquals(1176, c.vision().patchVectorSize());
            assertEquals(128, c.vision().headDim());
        }
        assertEquals(v4.vision(), v5.vision());
    }

    @Test
    void firstReleaseLayout_withTopLevelTextFields_parses() {
        String json = """
            {"model_type":"glm4v","vocab_size":1024,"hidden_size":256,"intermediate_size":512,"num_hidden_layers":2,
             "num_attention_heads":2,"num_key_value_heads":1,"rope_theta":10000,"partial_rotary_factor":0.5,
             "rope_scaling":{"type":"default","mrope_section":[8,12,12]},"eos_token_id":[1000,1007],
             "vision_config":{"hidden_size":256,"num_heads":2,"out_hidden_size":256,"depth":1}}""";
        Glm4vConfig c = Glm4vConfig.parse(json, "first.json");
        assertEquals(256, c.text().hiddenSize());
        assertEquals(64, c.text().rotaryDim());
        assertEquals(List.of(1000, 1007), c.text().eosTokenIds());
    }

    @Test
    void inconsistentConfig_listsEveryProblem() {
        String json = """
            {"model_type":"glm4v","text_config":{"hidden_size":256,"num_attention_heads":2,"num_key_value_heads":1,
             "partial_rotary_factor":0.25,"rope_scaling":{"type":"default","mrope_section":[8,12,12]}},
             "vision_config":{"hidden_size":256,"num_heads":2,"out_hidden_size":384}}""";
        JsonException e = assertThrows(JsonException.class, () -> Glm4vConfig.parse(json, "bad.json"));
        assertTrue(e.getMessage().contains("out_hidden_size 384 must equal text hidden_size 256"), e.getMessage());
        assertTrue(e.getMessage().contains("mrope_section [8, 12, 12] must be 3 sections summing to rotary dim/2 = 16"), e.getMessage());
    }

    @Test
    void otherModelType_isRejected() {
        JsonException e = assertThrows(JsonException.class,
                () -> Glm4vConfig.parse("{\"model_type\":\"qwen2_vl\",\"vision_config\":{}}", "c.json"));
        assertTrue(e.getMessage().contains("qwen2_vl"), e.getMessage());
    }
}
