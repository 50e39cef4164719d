/** Measuring what a run costs: memory of the host and the process (sizes in bytes), CPU time and load. */
package dev.tune4j.metrics;
