/** Measuring what a run costs: memory of the host and the process, sizes in bytes. */
package dev.tune4j.metrics;
