package dev.tune4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.task.TrivialBaseline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a run's summary.json records of its task's trivial baselines. */
class RunSummariesTest {
    @Test
    void baselinesGoUnderTheirNameWithTheirDescriptionAndMetrics() {
        Map<String, Double> unigram = new LinkedHashMap<>();
        unigram.put("eval_loss", 6.5);
        unigram.put("eval_perplexity", 665.0);
        ObjectNode summary = new ObjectMapper().createObjectNode();
        summary.put("variant", "adamw");
        RunSummaries.putBaselines(summary, List.of(new TrivialBaseline("unigram", "add-one", unigram),
                new TrivialBaseline("bigram", "interpolated", Map.of("eval_loss", 5.25))));
        assertEquals("{\"variant\":\"adamw\",\"baselines\":{"
                + "\"unigram\":{\"description\":\"add-one\",\"eval_loss\":6.5,\"eval_perplexity\":665.0},"
                + "\"bigram\":{\"description\":\"interpolated\",\"eval_loss\":5.25}}}", summary.toString());
    }

    @Test
    void aTaskWithoutBaselinesRecordsAnEmptyObject() {
        ObjectNode summary = new ObjectMapper().createObjectNode();
        RunSummaries.putBaselines(summary, List.of());
        assertEquals("{\"baselines\":{}}", summary.toString());
    }
}
