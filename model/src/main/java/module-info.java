/**
 * The GLM-4.1V model: vision tower, projector, text decoder, preprocessing and generation over {@code core}.
 * Packages are exported as they land (see model/README.md).
 */
module org.glm4j.model {
    requires transitive org.glm4j.core;
    requires java.desktop;

    exports org.glm4j.model;
    exports org.glm4j.model.cli;
    exports org.glm4j.model.config;
    exports org.glm4j.model.generate;
    exports org.glm4j.model.golden;
    exports org.glm4j.model.json;
    exports org.glm4j.model.preprocess;
    exports org.glm4j.model.projector;
    exports org.glm4j.model.synth;
    exports org.glm4j.model.text;
    exports org.glm4j.model.tokenizer;
    exports org.glm4j.model.tokenizer.template;
    exports org.glm4j.model.vision;
    exports org.glm4j.model.weights;
}
