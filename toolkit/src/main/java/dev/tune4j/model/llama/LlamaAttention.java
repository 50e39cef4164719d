package dev.tune4j.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.model.nn.RotaryEmbedding;
import dev.tune4j.model.nn.ScaledDotProductAttention;

/**
 * Llama self-attention ({@code self_attn}): bias-free q/k/v/o projections, RoPE on q and k, grouped-query attention
 * (each KV head serves {@code H / KV} query heads) under a causal + padding mask.
 *
 * <p>Inputs: {@code x [B, T, E]}, {@code cos}, {@code sin} {@code [T, d]}, additive mask {@code [B|1, 1, T, T]}.
 */
public final class LlamaAttention extends HfBlock {
    private final LlamaConfig config;
    private final RotaryEmbedding rope;
    private final Block qProj; // weight [H*d, E]
    private final Block kProj; // weight [KV*d, E]
    private final Block vProj; // weight [KV*d, E]
    private final Block oProj; // weight [E, H*d]

    /** Attention of one decoder layer. */
    public LlamaAttention(LlamaConfig config) {
        this.config = config;
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
        long e = config.hiddenSize();
        long d = config.headDim();
        this.qProj = linear("q_proj", e, config.numAttentionHeads() * d, false);
        this.kProj = linear("k_proj", e, config.numKeyValueHeads() * d, false);
        this.vProj = linear("v_proj", e, config.numKeyValueHeads() * d, false);
        this.oProj = linear("o_proj", config.numAttentionHeads() * d, e, false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray cos = inputs.get(1);
        NDArray sin = inputs.get(2);
        NDArray mask = inputs.get(3);
        long groups = config.numAttentionHeads() / config.numKeyValueHeads();
        NDArray q = ScaledDotProductAttention.splitHeads(apply(qProj, store, x, training), config.numAttentionHeads());
        NDArray k = ScaledDotProductAttention.splitHeads(apply(kProj, store, x, training), config.numKeyValueHeads());
        NDArray v = ScaledDotProductAttention.splitHeads(apply(vProj, store, x, training), config.numKeyValueHeads());
        q = rope.apply(q, cos, sin);
        k = rope.apply(k, cos, sin);
        k = ScaledDotProductAttention.repeatKeyValueHeads(k, groups);
        v = ScaledDotProductAttention.repeatKeyValueHeads(v, groups);
        NDArray attended = ScaledDotProductAttention.attend(q, k, v, mask, 0, training);
        return new NDList(apply(oProj, store, ScaledDotProductAttention.mergeHeads(attended), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
