package dev.tune4j.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recipe inputs whose errors used to say {@code Input length = 1} or call valid YAML invalid. */
class RecipeInputMessagesTest {
    @TempDir
    Path directory;

    @Test
    void randomBytesAsARecipeNameTheFileAndTheFirstBadByte() throws IOException {
        byte[] bytes = new byte[256];
        new Random(19).nextBytes(bytes);
        bytes[0] = 'a';
        bytes[1] = '\n';
        bytes[2] = (byte) 0xFF; // never valid in UTF-8
        Path file = Files.write(directory.resolve("random.yaml"), bytes);
        IOException e = assertThrows(IOException.class, () -> RecipeLoader.load(file.toString(), List.of()));
        assertEquals(file + ": is not UTF-8 text: byte 2 (line 2) is not valid UTF-8. A recipe (YAML) must be UTF-8"
                + " text; is this a binary or differently encoded file? Re-save it as UTF-8 or give the right path",
                e.getMessage());
    }

    @Test
    void yamlNanAndInfinityAreNumbersThatTheRulesThenRefuse() throws IOException {
        Path file = Files.writeString(directory.resolve("nan.yaml"), BuiltinRecipes.text("bert-spam-optimizers")
                .replaceFirst("target_loss: [^\\n]*", "target_loss: .nan"));
        RecipeException e = assertThrows(RecipeException.class, () -> RecipeLoader.load(file.toString(), List.of()));
        assertEquals(1, e.errors().size(), e.errors().toString());
        assertEquals("target_loss: must be a finite number, found NaN",
                e.errors().getFirst().toString().replaceFirst("^[^ ]+ ", ""));

        RecipeException overridden = assertThrows(RecipeException.class,
                () -> RecipeLoader.load("bert-spam-optimizers", List.of("gradient_clipping=-.Inf")));
        assertEquals(List.of("override 'gradient_clipping=-.Inf': must be a finite number >= 0 (0"
                + " disables clipping), found -Infinity"), overridden.errors().stream().map(Object::toString).toList());
    }
}
