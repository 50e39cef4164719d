package dev.tune4j.optim.adam;

import dev.tune4j.optim.OptimizerFactory;
import dev.tune4j.optim.OptionSchema;
import dev.tune4j.optim.Options;
import dev.tune4j.optim.RuleFactory;
import dev.tune4j.optim.UpdateRule;
import java.util.List;

/**
 * Registers the Adam family, the one home of its four ids: {@code adam} and {@code adamw} (PyTorch semantics, fused
 * Java Vector API kernel, {@link AdamRule}) and the engine baselines {@code adam_engine} and {@code adamw_engine}
 * (DJL's native Adam update, {@link EngineAdamRule}). The engine-op path of {@code adam}/{@code adamw} (option
 * {@code engine_ops}, or parameters off the CPU) is that native update with PyTorch's eps; the {@code _engine} ids take
 * their one path whatever {@code engine_ops} says.
 */
public final class AdamFactory extends RuleFactory<AdamOptions> {
    private final AdamFlavor flavor;
    private final boolean engine;
    private final OptionSchema schema;

    /** {@code adam}, the entry ServiceLoader instantiates; the other three ids are its {@link #aliases()}. */
    public AdamFactory() {
        this(AdamFlavor.ADAM, false);
    }

    private AdamFactory(AdamFlavor flavor, boolean engine) {
        super(engine ? flavor.id() + "_engine" : flavor.id(), engine
                ? "DJL's built-in " + flavor.title() + " (native adamUpdate), state owned and freed."
                : flavor.title() + " (PyTorch semantics, " + (flavor.decoupled() ? "decoupled" : "L2")
                        + " weight decay), fused Java Vector API kernel.");
        this.flavor = flavor;
        this.engine = engine;
        this.schema = flavor.schema(id());
    }

    @Override
    public OptionSchema schema() {
        return schema;
    }

    @Override
    public AdamOptions options(Options parsed) {
        return AdamOptions.of(parsed);
    }

    @Override
    public UpdateRule<AdamOptions> rule(AdamOptions options, long totalSteps, boolean engineOps) {
        return engine ? new EngineAdamRule(id(), flavor) : new AdamRule(id(), flavor, engineOps);
    }

    /** {@code adamw}, {@code adam_engine} and {@code adamw_engine}. */
    @Override
    public List<OptimizerFactory> aliases() {
        if (flavor != AdamFlavor.ADAM || engine) {
            return List.of();
        }
        return List.of(new AdamFactory(AdamFlavor.ADAMW, false), new AdamFactory(AdamFlavor.ADAM, true),
                new AdamFactory(AdamFlavor.ADAMW, true));
    }
}
