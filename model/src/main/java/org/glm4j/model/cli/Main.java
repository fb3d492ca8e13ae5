package org.glm4j.model.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.glm4j.core.backend.Backend;
import org.glm4j.core.backend.BackendUnavailableException;
import org.glm4j.core.backend.Backends;
import org.glm4j.core.tensor.DType;
import org.glm4j.model.Glm4v;
import org.glm4j.model.generate.GenerationConfig;
import org.glm4j.model.generate.OutputParser;
import org.glm4j.model.generate.Request;
import org.glm4j.model.generate.Result;
import org.glm4j.model.generate.Session;
import org.glm4j.model.golden.GoldenCheck;
import org.glm4j.model.preprocess.ImageDecoder;
import org.glm4j.model.preprocess.RgbImage;
import org.glm4j.model.preprocess.Video;
import org.glm4j.model.preprocess.VideoFileDecoder;
import org.glm4j.model.synth.SyntheticCheckpoint;
import org.glm4j.model.tokenizer.ChatTemplate;

/** The {@code ./glm4j} model commands: {@code chat}, {@code golden-check}, {@code synth}. */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (argv.length == 0) {
            usage(out);
            System.exit(2);
        }
        String cmd = argv[0];
        String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        try {
            int rc = switch (cmd) {
                case "chat" -> chat(rest, out);
                case "golden-check" -> goldenCheck(rest, out);
                case "synth" -> synth(rest, out);
                case "help", "--help", "-h" -> {
                    usage(out);
                    yield 0;
                }
                default -> throw new IllegalArgumentException("unknown command '" + cmd + "'");
            };
            System.exit(rc);
        } catch (IllegalArgumentException | IllegalStateException | BackendUnavailableException | IOException
                 | org.glm4j.model.tokenizer.template.TemplateException e) {
            System.err.println("glm4j " + cmd + ": " + e.getMessage());
            System.exit(e instanceof IOException || e instanceof BackendUnavailableException ? 1 : 2);
        }
    }

    static void usage(PrintStream out) {
        out.println("""
                usage:
                  ./glm4j chat --model DIR [--image FILE]... [--video FILE|DIR [--fps N]] [--backend auto|jvm|onednn|cuda]
                               [--system TEXT] [--max-new-tokens N] [--temperature T] [--top-k K] [--top-p P]
                               [--repetition-penalty R] [--seed S] [--hide-thinking] "prompt"
                  ./glm4j golden-check DIR [--backend B] [--weights f32|bf16|both]
                  ./glm4j synth --out DIR [--text-layers N] [--vision-layers N] [--vocab V] [--dtype bf16|f32] [--seed S]
                  ./glm4j synth --tokenizer-only --out DIR     (a tokenizer.json for an existing checkpoint folder)""");
    }

    // ---------------------------------------------------------------- chat

    static int chat(String[] argv, PrintStream out) throws IOException {
        Args a = new Args(argv, Set.of("hide-thinking"), Set.of("model", "image", "video", "fps", "backend", "system",
                "max-new-tokens", "temperature", "top-k", "top-p", "repetition-penalty", "seed"));
        if (a.positionals().size() != 1) throw new IllegalArgumentException("give exactly one prompt (quote it)");
        String prompt = a.positionals().get(0);
        Path dir = Path.of(a.require("model"));
        ImageDecoder decoder = new ImageDecoder();
        List<RgbImage> images = new ArrayList<>();
        for (String f : a.all("image")) images.add(decoder.decode(Path.of(f)));
        Video video = null;
        if (a.get("video", null) != null) {
            Path v = Path.of(a.get("video", null));
            if (Files.isDirectory(v)) video = Video.fromFolder(v, a.number("fps", Double.NaN), decoder);
            else if (a.get("fps", null) != null)
                throw new IllegalArgumentException("--fps applies to a folder of frames; the video file " + v + " has its own frame rate");
            else video = new VideoFileDecoder().open(v);            // IOException with a one-line reason, also without FFmpeg
        }
        boolean tty = System.console() != null, hideThinking = a.flag("hide-thinking");
        long t0 = System.nanoTime();
        Glm4v.Options options = Glm4v.Options.defaults().withBackend(a.get("backend", "auto")).withLog(msg -> System.err.println(msg));
        System.err.print("loading " + dir.getFileName() + " ... ");
        try (Glm4v glm = Glm4v.load(dir, options); Session session = glm.newSession()) {
            double loadS = (System.nanoTime() - t0) / 1e9;
            System.err.printf("done in %.2f s on %s, %s%n", loadS, glm.backend().name(), glm.chatTemplate().describe());
            GenerationConfig gen = glm.generationDefaults(a.integer("max-new-tokens", 1024));
            if (a.get("temperature", null) != null || a.get("top-k", null) != null || a.get("top-p", null) != null
                    || a.get("repetition-penalty", null) != null || a.get("seed", null) != null)
                gen = gen.withSampling((float) a.number("temperature", gen.temperature()), a.integer("top-k", gen.topK()),
                        (float) a.number("top-p", gen.topP()), (float) a.number("repetition-penalty", gen.repetitionPenalty()),
                        a.integer("seed", (int) gen.seed()));
            List<ChatTemplate.Message> messages = new ArrayList<>();
            if (a.get("system", null) != null) messages.add(ChatTemplate.Message.system(a.get("system", null)));
            Request base = video != null ? Request.ofVideo(prompt, video) : Request.of(prompt, images);
            messages.addAll(base.messages());
            Request request = new Request(messages, images, video);
            Result r = session.generate(request, gen, (id, text, segments) -> {
                for (OutputParser.Segment s : segments) {
                    if (s.channel() == OutputParser.Channel.THINKING) {
                        if (!hideThinking) out.print(tty ? "\u001b[2m" + s.text() + "\u001b[0m" : s.text());
                    } else out.print(s.text());
                }
                out.flush();
            });
            out.println();
            Result.Stats st = r.stats();
            System.err.printf("[%s] load %.2f s | vision %.0f ms | prefill %d tokens in %.0f ms (%.1f tok/s) | decode %d tokens, %.1f ms/token (%.2f tok/s) | stop: %s%n",
                    glm.backend().name(), loadS, st.visionMs(), st.promptTokens(), st.prefillMs(), st.prefillTokensPerSecond(),
                    st.generatedTokens(), st.decodeMsPerToken(), st.decodeMsPerToken() > 0 ? 1000 / st.decodeMsPerToken() : 0,
                    r.stop().name().toLowerCase());
            if (!r.actions().isEmpty()) r.actions().forEach(act -> System.err.println("action: " + act.name() + " " + act.args()));
        }
        return 0;
    }

    // ---------------------------------------------------------------- golden-check

    static int goldenCheck(String[] argv, PrintStream out) throws IOException {
        Args a = new Args(argv, Set.of(), Set.of("backend", "weights"));
        if (a.positionals().size() != 1) throw new IllegalArgumentException("give the golden folder");
        Path dir = Path.of(a.positionals().get(0));
        if (!Files.isDirectory(dir)) throw new IOException(dir + " is not a folder");
        String weights = a.get("weights", "both");
        if (!Set.of("f32", "bf16", "both").contains(weights)) throw new IllegalArgumentException("--weights must be f32, bf16 or both");
        boolean passed = true;
        String name = a.get("backend", "auto");
        try (Backend backend = name.equals("auto") ? Backends.auto(System.err::println) : Backends.open(name)) {
            List<DType> runs = new ArrayList<>();
            if (!weights.equals("bf16")) runs.add(DType.F32);
            if (weights.equals("bf16") || weights.equals("both") && GoldenCheck.hasBf16Reference(dir)) runs.add(DType.BF16);
            else if (weights.equals("both")) out.println("(no logits_bf16_weights in " + dir.getFileName() + ": bf16 weights not checked)");
            for (DType w : runs) {
                out.println("== " + dir.getFileName() + ", " + w + " weights, backend " + backend.name());
                GoldenCheck.Result r = GoldenCheck.run(dir, backend, w, msg -> out.println("   " + msg));
                out.println(r.table());
                passed &= r.passed();
            }
        }
        out.println(passed ? "PASS" : "FAIL");
        return passed ? 0 : 1;
    }

    // ---------------------------------------------------------------- synth

    static int synth(String[] argv, PrintStream out) throws IOException {
        Args a = new Args(argv, Set.of("tokenizer-only"), Set.of("out", "text-layers", "vision-layers", "vocab", "dtype", "seed"));
        Path dir = Path.of(a.require("out"));
        if (a.flag("tokenizer-only")) {
            // A tokenizer.json for an existing folder (e.g. the tiny reference checkpoints): its vocabulary size, and
            // the special tokens where its config puts them (<|image|> is the 15th special, as in GLM-4.1V).
            org.glm4j.model.config.Glm4vConfig c = org.glm4j.model.config.Glm4vConfig.load(dir);
            int base = c.imageTokenId() - 14;
            org.glm4j.model.synth.SyntheticTokenizer.write(dir.resolve("tokenizer.json"), c.text().vocabSize(), base);
            out.println("wrote " + dir.resolve("tokenizer.json") + " (specials from id " + base + ")");
            return 0;
        }
        String dt = a.get("dtype", "bf16");
        DType dtype = switch (dt) {
            case "bf16" -> DType.BF16;
            case "f32" -> DType.F32;
            default -> throw new IllegalArgumentException("--dtype must be bf16 or f32, got " + dt);
        };
        int[] last = { -1 };
        SyntheticCheckpoint.write(dir, a.integer("text-layers", 2), a.integer("vision-layers", 2), a.integer("vocab", 32768), dtype,
                a.integer("seed", 0), f -> {
                    int pct = (int) (f * 100);
                    if (pct / 5 != last[0] / 5) {
                        last[0] = pct;
                        System.err.print("\rwriting weights " + pct + "%");
                    }
                });
        System.err.println();
        out.println("wrote " + dir);
        return 0;
    }
}
