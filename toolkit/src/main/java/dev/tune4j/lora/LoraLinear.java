package dev.tune4j.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import dev.tune4j.model.nn.Dropout;
import dev.tune4j.model.nn.HfBlock;
import dev.tune4j.nn.EngineScalars;

/**
 * A Linear layer with a LoRA adapter, as PEFT builds it: the frozen base {@code weight [out, in]} (and {@code bias}),
 * plus {@code lora_A.weight [r, in]} initialized U(-1/sqrt(in), 1/sqrt(in)) (kaiming-uniform with a = sqrt(5)) and
 * {@code lora_B.weight [out, r]} initialized to zero, so a fresh adapter leaves the output unchanged.
 *
 * <pre>
 *   y = x W^T + b + s * (dropout(x) A^T) B^T          s = alpha / r  (or alpha / sqrt(r))
 * </pre>
 *
 * Parameter names stay Hugging Face's for the base ({@code q_proj.weight}) and PEFT's for the adapter
 * ({@code q_proj.lora_A.weight}), so base checkpoints load unchanged. {@link #merge()} folds {@code s B A} into the
 * base weight (the adapter is then skipped), {@link #unmerge()} takes it out again.
 */
public final class LoraLinear extends HfBlock {
    private final long in;
    private final long out;
    private final double scaling;
    private final double dropout;
    private final Parameter weight; // [out, in], frozen
    private final Parameter bias; // [out], frozen; null without bias
    private final Parameter loraA; // [r, in]
    private final Parameter loraB; // [out, r]
    private boolean merged;

    /** An adapted {@code nn.Linear(in, out, bias)} with the config's rank {@code r} and scale. */
    public LoraLinear(long in, long out, boolean withBias, LoraConfig config) {
        this(in, out, withBias, config.r(), config.scaling(), config.dropout());
    }

    /**
     * The adapted {@code nn.Linear(in, out, bias)} called {@code moduleName} (full dotted name), with the rank and
     * scale {@code config} gives that module ({@code rank_pattern}, {@code alpha_pattern}).
     */
    public LoraLinear(long in, long out, boolean withBias, LoraConfig config, String moduleName) {
        this(in, out, withBias, config.rank(moduleName), config.scaling(moduleName), config.dropout());
    }

    private LoraLinear(long in, long out, boolean withBias, int rank, double scaling, double dropout) {
        this.in = in;
        this.out = out;
        this.scaling = scaling;
        this.dropout = dropout;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optRequiresGrad(false).build());
        this.bias = withBias
                ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                        .optShape(new Shape(out)).optRequiresGrad(false).build())
                : null;
        float bound = (float) (1 / Math.sqrt(in));
        this.loraA = addParameter(Parameter.builder().setName("lora_A.weight").setType(Parameter.Type.OTHER)
                .optShape(new Shape(rank, in)).optInitializer(new UniformInitializer(bound)).build());
        this.loraB = addParameter(Parameter.builder().setName("lora_B.weight").setType(Parameter.Type.OTHER)
                .optShape(new Shape(out, rank)).optInitializer(new ConstantInitializer(0)).build());
    }

    /** The factor {@code s} of {@code y = W x + b + s B A x}. */
    public double scaling() {
        return scaling;
    }

    /** Whether the adapter is folded into the base weight. */
    public boolean merged() {
        return merged;
    }

    /** {@code W += s B A}; the adapter branch is skipped until {@link #unmerge()}. */
    public void merge() {
        if (!merged) {
            addDelta(1);
            merged = true;
        }
    }

    /** {@code W -= s B A}. */
    public void unmerge() {
        if (merged) {
            addDelta(-1);
            merged = false;
        }
    }

    /**
     * {@code W + s B A} as a new array owned by {@code manager}, computed as {@link #merge()} computes it, without
     * changing this layer.
     */
    public NDArray mergedWeight(NDManager manager) {
        try (NDArray delta = loraB.getArray().matMul(loraA.getArray()).mul(scaling)) {
            NDArray merged = weight.getArray().add(delta);
            merged.attach(manager);
            return merged;
        }
    }

    private void addDelta(double sign) {
        NDArray w = weight.getArray();
        try (NDArray delta = loraB.getArray().matMul(loraA.getArray()).mul(sign * scaling);
                NDArray updated = w.add(delta)) {
            w.set(new NDIndex("..."), updated);
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = value(store, weight, x, training);
        NDArray base = bias == null
                ? Linear.linear(x, w).singletonOrThrow()
                : Linear.linear(x, w, value(store, bias, x, training)).singletonOrThrow();
        if (merged) {
            return new NDList(base);
        }
        NDArray a = value(store, loraA, x, training);
        NDArray b = value(store, loraB, x, training);
        NDArray adapter = Linear.linear(Linear.linear(Dropout.apply(x, dropout, training), a).singletonOrThrow(), b)
                .singletonOrThrow();
        return new NDList(base.add(adapter.mul(EngineScalars.of(adapter, scaling))));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] dims = inputShapes[0].getShape().clone();
        dims[dims.length - 1] = out;
        return new Shape[] {new Shape(dims)};
    }

    /** Input width. */
    public long inFeatures() {
        return in;
    }
}
