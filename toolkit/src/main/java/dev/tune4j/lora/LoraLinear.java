package dev.tune4j.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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

    /** An adapted {@code nn.Linear(in, out, bias)}. */
    public LoraLinear(long in, long out, boolean withBias, LoraConfig config) {
        this.in = in;
        this.out = out;
        this.scaling = config.scaling();
        this.dropout = config.dropout();
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optRequiresGrad(false).build());
        this.bias = withBias
                ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                        .optShape(new Shape(out)).optRequiresGrad(false).build())
                : null;
        float bound = (float) (1 / Math.sqrt(in));
        this.loraA = addParameter(Parameter.builder().setName("lora_A.weight").setType(Parameter.Type.OTHER)
                .optShape(new Shape(config.r(), in)).optInitializer(new UniformInitializer(bound)).build());
        this.loraB = addParameter(Parameter.builder().setName("lora_B.weight").setType(Parameter.Type.OTHER)
                .optShape(new Shape(out, config.r())).optInitializer(new ConstantInitializer(0)).build());
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
