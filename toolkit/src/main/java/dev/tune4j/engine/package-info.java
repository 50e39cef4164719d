/**
 * Starting Deep Java Library's PyTorch engine the way tune4j needs it (offline, fixed cache, huge-page allocator) and
 * describing the machine it runs on.
 */
package dev.tune4j.engine;
