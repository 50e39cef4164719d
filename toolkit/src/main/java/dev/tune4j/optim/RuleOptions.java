package dev.tune4j.optim;

/**
 * The typed options of one {@link UpdateRule} for one parameter group: a record built from the parsed
 * {@link Options} that validates in its compact constructor every rule the run's start would enforce, so that
 * {@code tune4j validate} and the run raise the same errors.
 */
public interface RuleOptions {
    /** The base learning rate of the group, before the schedule's scale. */
    double lr();
}
