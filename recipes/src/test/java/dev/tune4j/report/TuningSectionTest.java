package dev.tune4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tune4j.tuning.TuningRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tuning section of a synthetic record: the trials and chosen tables, and the edge sentence only where due. */
class TuningSectionTest {
    private static TuningRecord.Trial trial(double lr, Double loss) {
        return new TuningRecord.Trial(lr, "tuning/x/lr=" + lr + "/seed-1", loss == null ? "failed" : "completed",
                loss, false);
    }

    private static final TuningRecord RECORD = new TuningRecord(List.of(
            new TuningRecord.VariantTuning("adamw", "lr", "eval_loss", false, 10, 1,
                    List.of(trial(1e-4, 2.0), trial(3e-4, 1.5), trial(1e-3, 1.8)), 3e-4, false),
            new TuningRecord.VariantTuning("soaa", "lr", "eval_loss", false, 10, 1,
                    Arrays.asList(trial(1e-4, 2.2), trial(3e-4, null), trial(1e-3, 1.25)), 1e-3, true)));

    @Test
    void noRecordNoSection() {
        assertEquals(Optional.empty(), TuningSection.of(Optional.empty()));
    }

    @Test
    void theSectionListsEveryTrialAndSaysWhichChoiceLiesOnItsGridsEdge() {
        ReportSection section = TuningSection.of(Optional.of(RECORD)).orElseThrow();
        assertEquals("Tuning", section.title());
        List<String> paragraphs = section.parts().stream().filter(ReportSection.Paragraph.class::isInstance)
                .map(part -> ((ReportSection.Paragraph) part).text()).toList();
        assertTrue(paragraphs.getFirst().startsWith("Before its seeds, each variant ran 3 trials of 10 steps (seed"
                + " 1)"), paragraphs.getFirst());
        assertTrue(paragraphs.getFirst().contains("eval_loss at its last evaluation (lower is better)"));
        assertEquals(List.of("soaa: the chosen lr 0.001 lies on the edge of its grid [0.0001, 0.001]: the grid was"
                + " too narrow: widen it."), paragraphs.subList(1, paragraphs.size()));

        List<ReportSection.Table> tables = section.parts().stream().filter(ReportSection.Table.class::isInstance)
                .map(ReportSection.Table.class::cast).toList();
        TextTable trials = tables.get(0).table();
        assertEquals(6, trials.rows().size());
        assertEquals(List.of("adamw", "lr = 0.0003", ReportFormat.number(1.5), "completed", "chosen"),
                trials.rows().get(1));
        assertEquals(List.of("soaa", "lr = 0.0003", ReportFormat.NONE, "failed", ""), trials.rows().get(4));
        TextTable chosen = tables.get(1).table();
        assertEquals(List.of("adamw", "lr", "0.0003", "0.0001 .. 0.001", "no"), chosen.rows().get(0));
        assertEquals(List.of("soaa", "lr", "0.001", "0.0001 .. 0.001", "yes: widen the grid"), chosen.rows().get(1));
        assertEquals(List.of(TuningSection.SENSITIVITY_CHART),
                section.charts().stream().map(ChartImage::fileName).toList());
    }
}
