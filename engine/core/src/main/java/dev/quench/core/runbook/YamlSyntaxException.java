package dev.quench.core.runbook;

import java.util.Objects;

/** A runbook file that is not YAML Quench accepts, with where the parser stopped. */
public final class YamlSyntaxException extends Exception {

    private final transient SourcePosition position;

    YamlSyntaxException(SourcePosition position, String message, Throwable cause) {
        super(message, cause);
        this.position = Objects.requireNonNull(position, "position");
    }

    public SourcePosition position() {
        return position;
    }
}
