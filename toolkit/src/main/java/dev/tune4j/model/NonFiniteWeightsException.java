package dev.tune4j.model;

import java.util.List;

/**
 * A checkpoint holds NaN or infinite weights: the input is broken, so training never starts (a run that started
 * would diverge at its first step and blame the optimizer). The message names every such tensor, its file and how
 * many of its values are NaN and infinite.
 */
public final class NonFiniteWeightsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> tensors;

    /**
     * @param checkpoint what the checkpoint is, for the message
     * @param tensors one entry per tensor: its name, file and counts
     */
    public NonFiniteWeightsException(String checkpoint, List<String> tensors) {
        super("checkpoint " + checkpoint + " holds NaN or infinite weights in " + tensors.size() + " tensor"
                + (tensors.size() == 1 ? "" : "s") + ": " + String.join("; ", tensors) + ". The weights file is"
                + " corrupt or was saved from a diverged run; re-download or re-export it (no training was started)");
        this.tensors = List.copyOf(tensors);
    }

    /** The tensors with non-finite values, each with its file and counts. */
    public List<String> tensors() {
        return tensors;
    }
}
