package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.tune4j.optim.ParameterRole;

/** HF {@code nn.Embedding(num, dim)}: parameter {@code weight [num, dim]}; input int64 ids, output {@code [..., dim]}. */
public final class Embedding extends HfBlock {
    private final long count;
    private final long dimension;
    private final Parameter weight; // [count, dimension]

    /** An embedding table of {@code count} rows of width {@code dimension}. */
    public Embedding(long count, long dimension) {
        this.count = count;
        this.dimension = dimension;
        this.weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(count, dimension));
    }

    /** The table, for tying an output projection to it. */
    public Parameter weight() {
        return weight;
    }

    /** Number of rows. */
    public long count() {
        return count;
    }

    /** The table is an {@link ParameterRole#EMBEDDING}. */
    @Override
    public ParameterRole ownParameterRole(String name) {
        return ParameterRole.EMBEDDING;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        NDArray table = value(store, weight, ids, training);
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dimension)};
    }
}
