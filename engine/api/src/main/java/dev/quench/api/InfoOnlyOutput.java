package dev.quench.api;

import java.util.Objects;
import java.util.function.Consumer;

/** A step output that drops stdout and stderr and hands info lines to {@code info}. Thread-safe if {@code info} is. */
final class InfoOnlyOutput implements StepOutput {

    private final Consumer<String> info;

    InfoOnlyOutput(Consumer<String> info) {
        this.info = Objects.requireNonNull(info, "info");
    }

    @Override
    public void stdout(String chunk) {
        // Kept elsewhere or not at all: see StepOutput.infoOnly and StepOutput.discard.
    }

    @Override
    public void stderr(String chunk) {
        // As stdout.
    }

    @Override
    public void info(String message) {
        info.accept(message);
    }
}
