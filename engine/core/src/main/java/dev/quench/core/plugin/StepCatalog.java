package dev.quench.core.plugin;

import java.util.Optional;
import java.util.Set;

/**
 * The step types the engine can run and the configuration record of each, as the runbook loader
 * needs them to check {@code uses:} and {@code with:}. Thread-safe.
 */
public interface StepCatalog {

    /** Every known step type, for "did you mean" hints. */
    Set<String> types();

    /** The configuration record of {@code type}, if the type is known. */
    Optional<Class<? extends Record>> configType(String type);
}
