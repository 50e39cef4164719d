package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.optim.ParameterRole;

/**
 * Llama's RMSNorm: {@code y = weight * x / sqrt(mean(x^2, last axis) + eps)}, no bias (HF {@code LlamaRMSNorm}).
 * The mean is taken in the input's precision; tune4j computes in float32 or float64, never in half precision.
 */
public final class RmsNorm extends HfBlock {
    private final long dimension;
    private final float eps;
    private final Parameter weight; // [dimension], initialized to ones

    /** RMSNorm over the last axis of width {@code dimension}. */
    public RmsNorm(long dimension, double eps) {
        this.dimension = dimension;
        this.eps = (float) eps;
        this.weight = parameter("weight", Parameter.Type.GAMMA, new Shape(dimension));
    }

    /** The gain is {@link ParameterRole#NORM}. */
    @Override
    public ParameterRole ownParameterRole(String name) {
        return ParameterRole.NORM;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt(); // add(Number) saves nothing for backward
        return new NDList(x.div(rms).mul(value(store, weight, x, training)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** Width of the normalized axis. */
    public long dimension() {
        return dimension;
    }
}
