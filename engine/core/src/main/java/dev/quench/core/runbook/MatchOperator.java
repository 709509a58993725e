package dev.quench.core.runbook;

import java.util.Optional;

/** The four Alertmanager matcher operators. */
public enum MatchOperator {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String symbol;

    MatchOperator(String symbol) {
        this.symbol = symbol;
    }

    /** The operator as written in a matcher: {@code =}, {@code !=}, {@code =~}, {@code !~}. */
    public String symbol() {
        return symbol;
    }

    /** The operator written as {@code symbol}, if it is one. */
    public static Optional<MatchOperator> fromSymbol(String symbol) {
        for (MatchOperator operator : values()) {
            if (operator.symbol.equals(symbol)) {
                return Optional.of(operator);
            }
        }
        return Optional.empty();
    }
}
