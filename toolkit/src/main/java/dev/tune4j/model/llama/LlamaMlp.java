package dev.tune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.HfBlock;

/** Llama's SwiGLU feed-forward ({@code mlp}): {@code down(silu(gate(x)) * up(x))}, no biases. */
public final class LlamaMlp extends HfBlock {
    private final Block gateProj; // weight [I, E]
    private final Block upProj; // weight [I, E]
    private final Block downProj; // weight [E, I]

    /** The MLP of one decoder layer. */
    public LlamaMlp(LlamaConfig config) {
        long e = config.hiddenSize();
        long i = config.intermediateSize();
        this.gateProj = linear("gate_proj", e, i, false);
        this.upProj = linear("up_proj", e, i, false);
        this.downProj = linear("down_proj", i, e, false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray preActivation = apply(gateProj, store, x, training);
        // SiLU = x * sigmoid(x). Not DJL's Activation.swish(x, 1): it computes sigmoid(x.mul(1f)), whose mul(Number)
        // leaves backward a freed scalar (see EngineScalars)
        NDArray gate = preActivation.mul(Activation.sigmoid(preActivation));
        return new NDList(apply(downProj, store, gate.mul(apply(upProj, store, x, training)), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
