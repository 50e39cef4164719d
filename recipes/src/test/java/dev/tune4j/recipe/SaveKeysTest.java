package dev.tune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recipe keys of saving ({@code save}, {@code save_merged}) and of starting from an adapter (lora.from). */
class SaveKeysTest {
    private static final String LORA_RECIPE = RecipeErrorsTest.MINIMAL.replace(
            "  - {name: adamw, optimizer: adamw}",
            "  - {name: adamw, optimizer: adamw}\n  - {name: lora, optimizer: adamw, lora: true}");

    @TempDir
    Path directory;

    private List<String> errorsOf(String yaml, String... overrides) throws IOException {
        Path file = Files.writeString(directory.resolve("save.yaml"), yaml);
        RecipeException thrown = assertThrows(RecipeException.class,
                () -> RecipeLoader.load(file.toString(), List.of(overrides)));
        return thrown.errors().stream().map(error -> error.path() + ": " + error.message()).toList();
    }

    @Test
    void saveDefaultsToFinalAndTakesBestAndNone() throws IOException {
        Path file = Files.writeString(directory.resolve("ok.yaml"), RecipeErrorsTest.MINIMAL);
        assertEquals(SaveMode.FINAL, RecipeLoader.load(file.toString(), List.of()).save());
        assertEquals(SaveMode.BEST, RecipeLoader.load(file.toString(), List.of("save=best")).save());
        assertEquals(SaveMode.NONE, RecipeLoader.load(file.toString(), List.of("save=none")).save());
    }

    @Test
    void aMisspelledSaveModeIsNamedWithTheClosestOne() throws IOException {
        assertEquals(List.of("save: expected one of final, best, none, found 'bset' (did you mean 'best'?)"),
                errorsOf(RecipeErrorsTest.MINIMAL, "save=bset"));
    }

    @Test
    void saveMergedNeedsALoraVariantAndSomethingSaved() throws IOException {
        assertEquals(List.of("save_merged: only a LoRA run has an adapter to merge, and no variant sets 'lora: true';"
                + " remove save_merged (a full fine-tuning run saves its whole model anyway)"),
                errorsOf(RecipeErrorsTest.MINIMAL, "save_merged=true"));
        assertEquals(List.of("save_merged: save is none, so no merged model is written; set save: final or best, or"
                + " remove save_merged"),
                errorsOf(LORA_RECIPE + "lora: {target_modules: [query]}\n", "save_merged=true", "save=none"));
    }

    @Test
    void loraFromDecidesTheAdapterKeysAndTargetsAreOtherwiseRequired() throws IOException {
        Path adapter = Files.createDirectories(directory.resolve("adapter"));
        Files.writeString(adapter.resolve("adapter_config.json"), """
                {"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["query"]}
                """); // written by hand for this test
        assertEquals(List.of("lora.rank: comes from the adapter in lora.from (its adapter_config.json); remove this"
                + " key, or remove lora.from to train a new adapter"),
                errorsOf(LORA_RECIPE + "lora: {from: " + adapter + ", rank: 4}\n"));
        assertEquals(List.of("lora.target_modules: missing required key: list the modules to adapt (e.g. [q_proj,"
                + " v_proj]), or set lora.from to start from an adapter"), errorsOf(LORA_RECIPE + "lora: {rank: 4}\n"));
        Files.writeString(adapter.resolve("adapter_config.json"), """
                {"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["query"], "use_dora": true}
                """);
        List<String> errors = errorsOf(LORA_RECIPE + "lora: {from: " + adapter + "}\n");
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("lora.from: cannot use this adapter: " + adapter.resolve("adapter_config.json")
                + ": use_dora is true; DoRA adapters are not supported", errors.getFirst());
    }
}
