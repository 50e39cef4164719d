package dev.tune4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tune4j.recipe.ScheduleSpec;
import dev.tune4j.recipe.ScheduleType;
import org.junit.jupiter.api.Test;

/** Expected factors are computed by hand from the formulas in the class comment. */
class LearningRateScheduleTest {

    @Test
    void constantWithWarmup() {
        var schedule = new LearningRateSchedule(new ScheduleSpec(ScheduleType.CONSTANT, 3, 0.0), 10);
        assertEquals(0.25, schedule.factor(0), 1e-15); // 1/4
        assertEquals(0.5, schedule.factor(1), 1e-15);
        assertEquals(0.75, schedule.factor(2), 1e-15);
        assertEquals(1.0, schedule.factor(3), 1e-15);
        assertEquals(1.0, schedule.factor(9), 1e-15);
    }

    @Test
    void linearDecayAfterWarmup() {
        // 2 warm-up steps, 8 decay steps: progress (s - 2) / 8
        var schedule = new LearningRateSchedule(new ScheduleSpec(ScheduleType.LINEAR, 2, 0.0), 10);
        assertEquals(1.0 / 3, schedule.factor(0), 1e-15);
        assertEquals(1.0, schedule.factor(2), 1e-15);
        assertEquals(0.5, schedule.factor(6), 1e-15);
        assertEquals(0.125, schedule.factor(9), 1e-15);
        var floored = new LearningRateSchedule(new ScheduleSpec(ScheduleType.LINEAR, 0, 0.2), 4);
        assertEquals(0.2 + 0.8 * 0.5, floored.factor(2), 1e-15);
    }

    @Test
    void cosineDecay() {
        var schedule = new LearningRateSchedule(new ScheduleSpec(ScheduleType.COSINE, 0, 0.1), 8);
        assertEquals(1.0, schedule.factor(0), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 2)), schedule.factor(4), 1e-15); // 0.55
        assertEquals(0.55, schedule.factor(4), 1e-12);
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 7 / 8)), schedule.factor(7), 1e-15);
    }

    @Test
    void stepsOutsideTheRunAreRefused() {
        var schedule = new LearningRateSchedule(new ScheduleSpec(ScheduleType.CONSTANT, 0, 0.0), 5);
        assertThrows(IllegalArgumentException.class, () -> schedule.factor(5));
        assertThrows(IllegalArgumentException.class, () -> schedule.factor(-1));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(schedule.spec(), 0));
    }
}
