package dev.tune4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import dev.tune4j.nn.DeclaresRoles;
import dev.tune4j.nn.ParameterNames;
import dev.tune4j.optim.ParameterRole;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Base of tune4j's transformer blocks: children are named exactly as Hugging Face names the submodules
 * ({@code self_attn}, {@code q_proj}, {@code layers.0}), so {@link ParameterNames#of} yields HF parameter names such as
 * {@code model.layers.0.self_attn.q_proj.weight} and checkpoints map 1:1.
 *
 * <p>Children say what they are for ({@link DeclaresRoles}): {@link #linear} makes a projection, {@link #headLinear}
 * and {@link #head} a task head, so that {@link dev.tune4j.nn.ParameterRoles#of} gives every parameter its role.
 *
 * <p>Every child is registered with the input shape it will see, so {@link #initialize} needs no sample input. The
 * rule for memory: in every op keep the activation as the first operand, so results attach to the caller's
 * (per-step) manager rather than to a parameter's manager.
 */
public abstract class HfBlock extends AbstractBlock implements DeclaresRoles {
    private final Map<Block, Shape> childInputShapes = new IdentityHashMap<>();
    private final Map<Block, ParameterRole> childRoles = new IdentityHashMap<>();

    /** Registers {@code block} under its HF name; {@code inputShape} is what its initialization sees. */
    protected final <B extends Block> B child(String name, B block, Shape inputShape) {
        addChildBlock(name, block);
        childInputShapes.put(block, inputShape);
        return block;
    }

    /**
     * Makes the Linear children while a model is being constructed. Bound (through {@link #LINEAR_FACTORY}) by code
     * that changes how Linear layers are built, such as LoRA adapting its target modules; it returns null to keep a
     * plain Linear.
     */
    @FunctionalInterface
    public interface LinearFactory {
        /**
         * The block for the Linear child {@code name} (its name within its parent, e.g. {@code q_proj} or
         * {@code attention.self.query}), or null for a plain {@code nn.Linear(in, out, bias)}.
         */
        Block create(String name, long in, long out, boolean bias);
    }

    /** The factory in force while a model is constructed; unbound means plain Linear layers. */
    public static final ScopedValue<LinearFactory> LINEAR_FACTORY = ScopedValue.newInstance();

    /**
     * A HF {@code nn.Linear(in, out, bias)} child: weight {@code [out, in]} as in PyTorch, a
     * {@link ParameterRole#PROJECTION}.
     */
    protected final Block linear(String name, long in, long out, boolean bias) {
        return roled(child(name, newLinear(name, in, out, bias), new Shape(1, in)), ParameterRole.PROJECTION);
    }

    /** A linear child that is (part of) the task head, such as {@code classifier} or {@code lm_head}. */
    protected final Block headLinear(String name, long in, long out, boolean bias) {
        return roled(child(name, newLinear(name, in, out, bias), new Shape(1, in)), ParameterRole.HEAD);
    }

    /** A child block that is a task head as a whole, such as BERT's masked-LM {@code cls.predictions}. */
    protected final <B extends Block> B head(String name, B block, Shape inputShape) {
        return roled(child(name, block, inputShape), ParameterRole.HEAD);
    }

    private static Block newLinear(String name, long in, long out, boolean bias) {
        Block block = LINEAR_FACTORY.isBound() ? LINEAR_FACTORY.get().create(name, in, out, bias) : null;
        return block != null ? block : Linear.builder().setUnits(out).optBias(bias).build();
    }

    private <B extends Block> B roled(B child, ParameterRole role) {
        childRoles.put(child, role);
        return child;
    }

    @Override
    public ParameterRole childRole(Block child) {
        return childRoles.get(child);
    }

    /** A parameter of a fixed shape named as HF names it. */
    protected final Parameter parameter(String name, Parameter.Type type, Shape shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).build());
    }

    /**
     * Initializes every parameter as Hugging Face does for a fresh model: matrices and embeddings normal(0, 0.02),
     * biases zero, norm weights one. Seed the engine ({@code Engine.getInstance().setRandomSeed}) first for a
     * reproducible model.
     */
    protected final void initializeLikeHuggingFace(NDManager manager, DataType dataType, Shape inputShape) {
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
        initialize(manager, dataType, inputShape);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType, childInputShapes.get(child));
        }
    }

    /** Runs a single-input, single-output child. */
    protected static NDArray apply(Block child, ParameterStore store, NDArray input, boolean training) {
        return child.forward(store, new NDList(input), training).singletonOrThrow();
    }

    /** The array of a parameter of this block on {@code like}'s device. */
    protected static NDArray value(ParameterStore store, Parameter parameter, NDArray like, boolean training) {
        return store.getValue(parameter, like.getDevice(), training);
    }
}
