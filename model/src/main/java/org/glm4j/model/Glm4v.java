package org.glm4j.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.Backends;
import org.glm4j.model.generate.GenerationConfig;
import org.glm4j.model.generate.Session;
import org.glm4j.model.preprocess.ImageProcessor;
import org.glm4j.model.preprocess.ImageProcessorConfig;
import org.glm4j.model.preprocess.VideoProcessor;
import org.glm4j.model.tokenizer.ChatRenderer;
import org.glm4j.model.tokenizer.ChatTemplate;
import org.glm4j.model.tokenizer.JinjaChatTemplate;
import org.glm4j.model.tokenizer.Tokenizer;

/**
 * The library's entry point: a GLM-4.1V checkpoint folder loaded on a backend, shared by any number of threads.
 * Each conversation gets its own {@link Session}:
 *
 * <pre>{@code
 * try (Glm4v glm = Glm4v.load(Path.of("GLM-4.1V-9B-Thinking"), Glm4v.Options.defaults());
 *      Session session = glm.newSession()) {
 *     Result r = session.generate(Request.of("What is shown?", List.of(image)), glm.generationDefaults(1024),
 *             (id, text, segments) -> System.out.print(text));
 * }
 * }</pre>
 *
 * Closing it unmaps the weights and closes the backend it opened; sessions must be closed first.
 */
public final class Glm4v implements AutoCloseable {
    /**
     * Load options.
     *
     * @param backend            {@code auto} or a backend name ({@code jvm}, {@code onednn}, {@code cuda})
     * @param upscaleSmallImages scale images with a side below 28 px up instead of rejecting them
     * @param log                receives one-line progress and backend-choice messages
     */
    public record Options(String backend, boolean upscaleSmallImages, Consumer<String> log) {
        public static Options defaults() { return new Options("auto", false, msg -> { }); }

        public Options withBackend(String name) { return new Options(name, upscaleSmallImages, log); }

        public Options withLog(Consumer<String> l) { return new Options(backend, upscaleSmallImages, l); }
    }

    private final Path dir;
    private final Backend backend;
    private final Glm4vModel model;
    private final Tokenizer tokenizer;
    private final Session.Preprocessors preprocessors;

    private Glm4v(Path dir, Backend backend, Glm4vModel model, Tokenizer tokenizer, Session.Preprocessors preprocessors) {
        this.dir = dir;
        this.backend = backend;
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocessors = preprocessors;
    }

    /** Loads the checkpoint in {@code dir} (config, weights, tokenizer, processor configs and chat template when present). */
    public static Glm4v load(Path dir, Options options) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + " is not a model folder");
        Backend backend = options.backend().equals("auto") ? Backends.auto(options.log()) : Backends.open(options.backend());
        Glm4vModel model = null;
        try {
            model = Glm4vModel.load(dir, backend);
            Path tok = dir.resolve("tokenizer.json");
            Tokenizer tokenizer = Files.isRegularFile(tok) ? Tokenizer.load(tok) : null;
            if (tokenizer != null && tokenizer.tokenId("<|image|>") != model.config().imageTokenId())
                throw new IllegalArgumentException(dir + ": tokenizer.json has <|image|> = " + tokenizer.tokenId("<|image|>")
                        + " but config.json says image_token_id = " + model.config().imageTokenId());
            Path ipc = dir.resolve("preprocessor_config.json"), vpc = dir.resolve("video_preprocessor_config.json");
            ImageProcessorConfig image = Files.isRegularFile(ipc) ? ImageProcessorConfig.load(ipc) : ImageProcessorConfig.parse("{}", "defaults");
            VideoProcessor video = Files.isRegularFile(vpc) ? VideoProcessor.load(vpc) : VideoProcessor.defaults();
            ChatRenderer template = JinjaChatTemplate.load(dir).<ChatRenderer>map(t -> t).orElse(ChatTemplate.BUILT_IN);
            return new Glm4v(dir, backend, model, tokenizer, new Session.Preprocessors(
                    new ImageProcessor(image, options.upscaleSmallImages()), video, template));
        } catch (IOException | RuntimeException e) {
            if (model != null) model.close();
            backend.close();
            throw e;
        }
    }

    /** A new conversation; close it when done. */
    public Session newSession() { return new Session(model, tokenizer, preprocessors); }

    /** The checkpoint's generation defaults ({@code generation_config.json}, else greedy) with a token budget. */
    public GenerationConfig generationDefaults(int maxNewTokens) throws IOException {
        return GenerationConfig.load(dir, model.config().text().eosTokenIds(), maxNewTokens);
    }

    public Glm4vModel model() { return model; }

    /** The chat template prompts are rendered with: the checkpoint's own when it ships one, else the built-in one. */
    public ChatRenderer chatTemplate() { return preprocessors.template(); }

    /** The tokenizer, or null when the folder has no tokenizer.json. */
    public Tokenizer tokenizer() { return tokenizer; }

    public Backend backend() { return backend; }

    @Override public void close() {
        model.close();
        backend.close();
    }
}
