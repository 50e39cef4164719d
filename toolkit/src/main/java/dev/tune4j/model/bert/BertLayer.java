package dev.tune4j.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.Dropout;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.model.nn.LayerNorm;
import dev.tune4j.model.nn.ScaledDotProductAttention;

/**
 * One post-LN BERT encoder layer ({@code encoder.layer.N}). The HF submodules {@code attention.self},
 * {@code attention.output}, {@code intermediate} and {@code output} appear as dotted child names, so parameter names
 * match checkpoints ({@code attention.self.query.weight}) without a class per submodule.
 *
 * <pre>
 * a   = LayerNorm(dropout(dense(attention(x))) + x)       # attention.output
 * out = LayerNorm(dropout(dense(gelu(dense(a)))) + a)      # intermediate, output
 * </pre>
 *
 * Inputs {@code x [B, T, E]} and the additive padding mask {@code [B, 1, 1|T, T]}.
 */
public final class BertLayer extends HfBlock {
    private final BertConfig config;
    private final Block query; // weight [E, E], bias [E]
    private final Block key;
    private final Block value;
    private final Block attentionDense; // weight [E, E]
    private final LayerNorm attentionNorm;
    private final Block intermediateDense; // weight [I, E]
    private final Block outputDense; // weight [E, I]
    private final LayerNorm outputNorm;

    /** A layer for {@code config}. */
    public BertLayer(BertConfig config) {
        this.config = config;
        long e = config.hiddenSize();
        long i = config.intermediateSize();
        Shape activation = new Shape(1, 1, e);
        this.query = linear("attention.self.query", e, e, true);
        this.key = linear("attention.self.key", e, e, true);
        this.value = linear("attention.self.value", e, e, true);
        this.attentionDense = linear("attention.output.dense", e, e, true);
        this.attentionNorm = child("attention.output.LayerNorm", new LayerNorm(e, config.layerNormEps()), activation);
        this.intermediateDense = linear("intermediate.dense", e, i, true);
        this.outputDense = linear("output.dense", i, e, true);
        this.outputNorm = child("output.LayerNorm", new LayerNorm(e, config.layerNormEps()), activation);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        long heads = config.numAttentionHeads();
        NDArray q = ScaledDotProductAttention.splitHeads(apply(query, store, x, training), heads);
        NDArray k = ScaledDotProductAttention.splitHeads(apply(key, store, x, training), heads);
        NDArray v = ScaledDotProductAttention.splitHeads(apply(value, store, x, training), heads);
        NDArray context = ScaledDotProductAttention.mergeHeads(
                ScaledDotProductAttention.attend(q, k, v, mask, config.attentionProbsDropoutProb(), training));
        NDArray attended = apply(attentionNorm, store, residual(attentionDense, store, context, x, training), training);
        NDArray intermediate = Activation.gelu(apply(intermediateDense, store, attended, training));
        NDArray out = apply(outputNorm, store, residual(outputDense, store, intermediate, attended, training), training);
        return new NDList(out);
    }

    private NDArray residual(Block dense, ParameterStore store, NDArray input, NDArray skip, boolean training) {
        return Dropout.apply(apply(dense, store, input, training), config.hiddenDropoutProb(), training).add(skip);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
