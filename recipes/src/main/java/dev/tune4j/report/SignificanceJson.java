package dev.tune4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tune4j.report.MetricTests.PairTest;
import dev.tune4j.report.MetricTests.VariantSample;

/**
 * The {@code "significance"} object of the comparison's {@code summary.json}: every test behind the report's
 * sentences and rankings, with the per-seed values it used, so that anyone can recompute it.
 *
 * <pre>{@code
 * {"test": "welch_t_two_sided", "alpha": 0.05, "correction": "holm_per_metric",
 *  "metrics": [{"metric", "higher_is_better", "timing",
 *               "variants": [{"name", "values": [...], "left_out_disturbed_seeds": [...]}],
 *               "pairs": [{"first", "second", "t", "df", "p", "holm_p", "exact", "significant", "better"}]}]}
 * }</pre>
 *
 * A variant is listed with the values it had (one value means it was not tested); {@code t} and {@code df} are null
 * for an exact comparison; {@code better} is null unless the pair differs significantly.
 */
final class SignificanceJson {
    private SignificanceJson() {}

    static JsonNode of(ComparisonTests tests) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode root = json.objectNode();
        root.put("test", "welch_t_two_sided");
        root.put("alpha", MetricTests.ALPHA);
        root.put("correction", "holm_per_metric");
        ArrayNode metrics = root.putArray("metrics");
        for (MetricTests metric : tests.rankings()) {
            ObjectNode node = metrics.addObject();
            node.put("metric", metric.metric().title());
            node.put("higher_is_better", metric.metric().higherIsBetter());
            node.put("timing", metric.metric().timing());
            ArrayNode variants = node.putArray("variants");
            for (VariantResult variant : tests.comparison().variants()) {
                VariantSample sample = VariantSample.of(variant, metric.metric());
                ObjectNode entry = variants.addObject();
                entry.put("name", variant.name());
                ArrayNode values = entry.putArray("values");
                for (double value : sample.values()) {
                    values.add(value);
                }
                ArrayNode disturbed = entry.putArray("left_out_disturbed_seeds");
                sample.disturbedSeeds().forEach(disturbed::add);
            }
            ArrayNode pairs = node.putArray("pairs");
            for (PairTest pair : metric.pairs()) {
                ObjectNode entry = pairs.addObject();
                entry.put("first", pair.first().variant().name());
                entry.put("second", pair.second().variant().name());
                entry.put("t", pair.test().exact() ? null : pair.test().t());
                entry.put("df", pair.test().exact() ? null : pair.test().degreesOfFreedom());
                entry.put("p", pair.test().p());
                entry.put("holm_p", pair.holmP());
                entry.put("exact", pair.test().exact());
                entry.put("significant", pair.significant());
                entry.put("better", pair.significant() ? pair.better().variant().name() : null);
            }
        }
        return root;
    }
}
