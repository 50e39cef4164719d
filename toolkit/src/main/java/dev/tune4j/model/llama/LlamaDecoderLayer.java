package dev.tune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.model.nn.RmsNorm;

/** One pre-norm Llama layer: {@code h = x + attn(norm(x)); out = h + mlp(norm(h))}. */
public final class LlamaDecoderLayer extends HfBlock {
    private final LlamaAttention selfAttention;
    private final LlamaMlp mlp;
    private final RmsNorm inputLayerNorm;
    private final RmsNorm postAttentionLayerNorm;

    /** A decoder layer. */
    public LlamaDecoderLayer(LlamaConfig config) {
        Shape activation = new Shape(1, 1, config.hiddenSize());
        this.selfAttention = child("self_attn", new LlamaAttention(config), activation);
        this.mlp = child("mlp", new LlamaMlp(config), activation);
        this.inputLayerNorm = child("input_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()), activation);
        this.postAttentionLayerNorm =
                child("post_attention_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()), activation);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDList attentionInputs = new NDList(apply(inputLayerNorm, store, x, training), inputs.get(1), inputs.get(2),
                inputs.get(3));
        NDArray h = x.add(selfAttention.forward(store, attentionInputs, training).singletonOrThrow());
        NDArray out = h.add(apply(mlp, store, apply(postAttentionLayerNorm, store, h, training), training));
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
