/**
 * Reading and writing model weights in the safetensors format, and opening Hugging Face model directories
 * (single-file or sharded) as one {@link dev.tune4j.checkpoint.Checkpoint}.
 *
 * <p>The reader and writer are tune4j's own: DJL's {@code NDList.decode} reads whole files onto the Java heap,
 * parses offsets as {@code int} and aborts the JVM on BF16. Pickle checkpoints ({@code .bin}, {@code .pt},
 * {@code .pth}) are refused because unpickling can execute arbitrary code.
 */
package dev.tune4j.checkpoint;
