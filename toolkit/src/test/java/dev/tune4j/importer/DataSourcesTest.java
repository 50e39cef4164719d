package dev.tune4j.importer;

import dev.tune4j.data.fetch.FetchProgress;
import dev.tune4j.task.ExampleSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSourcesTest {
    @TempDir
    Path home;

    @Test
    void namesAndPins() {
        assertEquals(List.of("spam-assassin", "moby-dick", "llama2-tokenizer", "minilm"), DataSources.names());
        // sha256 measured with sha256sum on the tarballs; npm's sha512 dist.integrity of the same files agreed
        assertEquals("8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb",
                ExampleSource.SPAM_ASSASSIN.npmPackage().sha256());
        assertEquals("e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1",
                ExampleSource.MOBY_DICK.npmPackage().sha256());
        assertTrue(DataSources.find("minilm").orElseThrow().origin().startsWith("from the Maven dependency"));
        assertTrue(DataSources.find("imdb").isEmpty());
    }

    @Test
    void aCachedNpmSourceIsReturnedWithoutRunningNpm() throws IOException {
        DataSource moby = DataSources.find("moby-dick").orElseThrow();
        assertFalse(moby.isCached(home));
        // a project-made stand-in for the unpacked package: its presence is what "cached" means
        Path directory = Files.createDirectories(DataSources.packageDirectory(home, ExampleSource.MOBY_DICK.npmPackage()));
        assertTrue(moby.isCached(home));
        assertEquals(directory, moby.fetch(home, home.resolve("no-such-npm").toString(), FetchProgress.SILENT));
    }
}
