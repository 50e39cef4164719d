package dev.tune4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.tune4j.nn.EngineScalars;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.nn.ParameterRoles;
import dev.tune4j.optim.Optimizer;
import dev.tune4j.optim.ParameterRole;
import dev.tune4j.optim.TensorMemory;
import dev.tune4j.optim.TrainableParameter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The one training step every tune4j run uses, for any model and any optimizer:
 *
 * <pre>
 * step manager  -> forward + loss (caller's function) -> backward
 *               -> global gradient norm -> optimizer.step(trainable parameters, loss, clip factor)
 *                  (zeroes the gradients) -> close the step manager (every activation and temporary of the step)
 * </pre>
 *
 * Clipping is PyTorch's {@code clip_grad_norm_}: when the norm exceeds the maximum, the gradients are multiplied by
 * {@code max / (norm + 1e-6)} in float; the optimizer applies that factor in its kernels as it reads the gradients
 * where its rule can ({@link dev.tune4j.optim.UpdateRule#scalesGradients()}: Adam/AdamW, SOAA, 8-bit Adam), else to
 * the gradient tensors first, so the weights are the same bits either way.
 *
 * Trainable parameters are the model's parameters that require a gradient (frozen base weights under LoRA do not),
 * named as Hugging Face names them and handed to the optimizer with the role their model declares
 * ({@link ParameterRoles}). Each step reports the loss, the gradient norm before clipping and the time spent
 * in forward, backward and the optimizer.
 */
public final class TrainingStep {
    private final NDManager manager;
    private final Map<String, Parameter> parameters;
    private final Optimizer optimizer;
    private final double maxGradientNorm;
    private final Map<String, ParameterRole> roles; // as the model declares them (ParameterRoles)

    /**
     * What one step measured.
     *
     * @param loss the loss of the forward pass
     * @param gradientNorm global L2 norm of all gradients, before clipping
     * @param forwardNanos time of the caller's function (forward pass and loss)
     * @param backwardNanos time of the backward pass
     * @param optimizerNanos time of the gradient norm, clipping and the optimizer step
     * @param gradientNormNanos the part of {@code optimizerNanos} spent on the global gradient norm (one read of every
     *     gradient); the rest is {@code optimizer.step}
     */
    public record Result(double loss, double gradientNorm, long forwardNanos, long backwardNanos, long optimizerNanos,
            long gradientNormNanos) {}

    /**
     * A step for {@code model} with {@code optimizer}.
     *
     * @param manager parent of the per-step managers (usually the model's manager)
     * @param maxGradientNorm clip the global gradient norm to this (PyTorch's clip_grad_norm_); infinite for none
     */
    public TrainingStep(NDManager manager, Block model, Optimizer optimizer, double maxGradientNorm) {
        if (!(maxGradientNorm > 0)) {
            throw new IllegalArgumentException("max gradient norm must be > 0 (infinity for no clipping), got "
                    + maxGradientNorm);
        }
        this.manager = manager;
        this.optimizer = optimizer;
        this.maxGradientNorm = maxGradientNorm;
        this.parameters = new java.util.LinkedHashMap<>();
        ParameterNames.of(model).forEach((name, parameter) -> {
            if (parameter.requiresGradient()) {
                parameters.put(name, parameter);
            }
        });
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("the model has no trainable parameter");
        }
        this.roles = ParameterRoles.of(model);
    }

    /** Number of trainable elements. */
    public long trainableParameterCount() {
        return parameters.values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /**
     * Runs one step on one batch.
     *
     * @param forwardAndLoss computes the scalar loss of one batch; every array it makes must be created on, or
     *     attached to, the step manager it is given, which is closed when the step ends
     * @throws ArithmeticException if the loss is NaN or infinite (nothing is updated then)
     */
    public Result run(Function<NDManager, NDArray> forwardAndLoss) {
        return run(List.of(forwardAndLoss));
    }

    /**
     * Runs one optimizer step over several micro-batches (gradient accumulation): each micro-batch's loss is divided
     * by their number before its backward pass, so the accumulated gradient is that of the mean loss, and the
     * reported loss is the mean of the micro-batch losses.
     *
     * @param microBatches one loss function per micro-batch, as for {@link #run(Function)}; each gets its own step
     *     manager, closed after its backward pass
     * @throws ArithmeticException if a micro-batch loss, or the gradient norm, is NaN or infinite (the optimizer does
     *     not step then; the message names the parameters with non-finite gradients)
     */
    public Result run(List<Function<NDManager, NDArray>> microBatches) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one micro-batch");
        }
        long forwardNanos = 0;
        long backwardNanos = 0;
        double lossSum = 0;
        int count = microBatches.size();
        // Earlier micro-batches free their activations after their backward pass; the last one's manager stays open
        // until the optimizer has stepped, as a single-batch step always did.
        NDManager lastStep = null;
        try {
            for (int i = 0; i < count; i++) {
                NDManager step = manager.newSubManager();
                try {
                    long start = System.nanoTime();
                    long forwardDone;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray lossArray = microBatches.get(i).apply(step);
                        double loss = lossArray.toType(DataType.FLOAT64, false).getDouble();
                        forwardDone = System.nanoTime();
                        if (!Double.isFinite(loss)) {
                            throw new ArithmeticException("loss is " + loss + "; the run diverged");
                        }
                        lossSum += loss;
                        collector.backward(count == 1 ? lossArray
                                : lossArray.div(EngineScalars.of(lossArray, count)));
                    }
                    forwardNanos += forwardDone - start;
                    backwardNanos += System.nanoTime() - forwardDone;
                } finally {
                    if (i < count - 1) {
                        step.close();
                    } else {
                        lastStep = step;
                    }
                }
            }
            return stepOptimizer(lossSum / count, forwardNanos, backwardNanos);
        } finally {
            if (lastStep != null) {
                lastStep.close();
            }
        }
    }

    private Result stepOptimizer(double loss, long forwardNanos, long backwardNanos) {
        long optimizerStart = System.nanoTime();
        List<TrainableParameter> trainable = new ArrayList<>(parameters.size());
        try {
            for (var entry : parameters.entrySet()) {
                NDArray weight = entry.getValue().getArray();
                trainable.add(new TrainableParameter(entry.getKey(), weight, weight.getGradient(),
                        roles.get(entry.getKey())));
            }
            long normStart = System.nanoTime();
            double norm = globalNorm(trainable, optimizer.engineOps());
            long normNanos = System.nanoTime() - normStart;
            if (!Double.isFinite(norm)) {
                throw new ArithmeticException("gradient norm is " + norm + " at a finite loss " + loss
                        + "; non-finite gradients in " + nonFinite(trainable) + "; nothing was updated");
            }
            // clipping: the optimizer multiplies the gradients by this (in its kernels where they can, in one pass)
            float scale = norm > maxGradientNorm ? (float) (maxGradientNorm / (norm + 1e-6)) : 1f;
            optimizer.step(trainable, OptionalDouble.of(loss), scale);
            return new Result(loss, norm, forwardNanos, backwardNanos, System.nanoTime() - optimizerStart, normNanos);
        } finally {
            for (TrainableParameter parameter : trainable) {
                parameter.gradient().close(); // the handle only; the gradient tensor stays with the weight
            }
        }
    }

    /** Names of the parameters whose gradient holds a NaN or an infinity. */
    private static List<String> nonFinite(List<TrainableParameter> parameters) {
        List<String> names = new ArrayList<>();
        for (TrainableParameter parameter : parameters) {
            if (!Double.isFinite(globalNorm(List.of(parameter), false))) {
                names.add(parameter.name());
            }
        }
        return names;
    }

    /**
     * Global L2 norm of the gradients: on their device in one reduction when {@code engineOps} is on or a gradient is
     * not a float32 CPU tensor ({@link #deviceNorm}), else by the Java vector kernel in double ({@link #globalNorm(List)}).
     */
    static double globalNorm(List<TrainableParameter> parameters, boolean engineOps) {
        boolean onDevice = engineOps;
        for (TrainableParameter parameter : parameters) {
            onDevice |= !isCpuFloat32(parameter.gradient());
        }
        return onDevice ? deviceNorm(parameters) : globalNorm(parameters);
    }

    /**
     * Global L2 norm of the gradients on their device: the norm of each gradient (float32 engine reduction), then the
     * norm of those norms in float64, and one host transfer of the result.
     */
    static double deviceNorm(List<TrainableParameter> parameters) {
        if (parameters.isEmpty()) {
            return 0;
        }
        NDArray first = parameters.getFirst().gradient();
        try (NDManager scope = NDManager.subManagerOf(first)) {
            NDList norms = new NDList(parameters.size());
            for (TrainableParameter parameter : parameters) {
                NDArray gradient = parameter.gradient();
                scope.tempAttachAll(gradient);
                norms.add(gradient.norm().toType(DataType.FLOAT64, false).toDevice(first.getDevice(), false));
            }
            return NDArrays.stack(norms).norm().getDouble();
        }
    }

    /**
     * Global L2 norm of float32 CPU gradients (what {@link #globalNorm(List, boolean)} hands it), accumulated in double:
     * each gradient's Σ g² by the vector kernel on every core ({@link SquaredNormKernel}, all tensors in one parallel
     * run, the same bits on any thread count), added in parameter order.
     */
    static double globalNorm(List<TrainableParameter> parameters) {
        List<MemorySegment> gradients = new ArrayList<>(parameters.size());
        long[] counts = new long[parameters.size()];
        for (int i = 0; i < counts.length; i++) {
            NDArray gradient = parameters.get(i).gradient();
            gradients.add(TensorMemory.of(gradient));
            counts[i] = gradient.size();
        }
        double sum = 0;
        for (double tensorSum : SquaredNormKernel.sumsOfSquares(gradients, counts)) {
            sum += tensorSum;
        }
        return Math.sqrt(sum);
    }

    private static boolean isCpuFloat32(NDArray gradient) {
        return gradient.getDataType() == DataType.FLOAT32
                && gradient.getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU);
    }
}
