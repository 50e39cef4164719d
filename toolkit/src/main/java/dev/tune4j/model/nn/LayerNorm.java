package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.optim.ParameterRole;

/**
 * HF {@code nn.LayerNorm(dim, eps)} over the last axis with parameters named {@code weight} and {@code bias} (DJL's
 * own LayerNorm calls them gamma and beta, which would not map to checkpoints). Runs torch's {@code layer_norm}.
 */
public final class LayerNorm extends HfBlock {
    private final Shape normalized;
    private final float eps;
    private final Parameter weight; // [dimension], ones
    private final Parameter bias; // [dimension], zeros

    /** LayerNorm over a last axis of width {@code dimension}. */
    public LayerNorm(long dimension, double eps) {
        this.normalized = new Shape(dimension);
        this.eps = (float) eps;
        this.weight = parameter("weight", Parameter.Type.GAMMA, normalized);
        this.bias = parameter("bias", Parameter.Type.BETA, normalized);
    }

    /** Gain and shift are {@link ParameterRole#NORM}. */
    @Override
    public ParameterRole ownParameterRole(String name) {
        return ParameterRole.NORM;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return x.getNDArrayInternal()
                .layerNorm(x, normalized, value(store, weight, x, training), value(store, bias, x, training), eps);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
