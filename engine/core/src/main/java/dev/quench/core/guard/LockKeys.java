package dev.quench.core.guard;

import dev.quench.core.alert.Alert;
import dev.quench.core.expr.ExpressionException;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.RenderMode;
import dev.quench.core.expr.ValueTemplate;
import dev.quench.core.runbook.LockKeySpec;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.StepSpec;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** The lock key of a run ({@code guards.lockKey}): what two runs must not act on at the same time. Thread-safe (stateless). */
final class LockKeys {

    /** Longer keys are cut: the column holds 1024 characters. */
    static final int MAX_LENGTH = 1000;

    private LockKeys() {
    }

    /**
     * The key of a run of {@code runbook} for {@code alert} and {@code params}, or empty when it takes no lock.
     *
     * @throws ExpressionException when an explicit {@code lockKey} expression fails
     */
    static Optional<String> of(Runbook runbook, Alert alert, Map<String, Object> params) {
        ExpressionScope scope = ExpressionScope.of(alert, params, Map.of(), Map.of("runbook", runbook.name()), Map.of());
        return switch (runbook.guards().lockKey()) {
            case LockKeySpec.None none -> Optional.empty();
            case LockKeySpec.Expression expression -> {
                Object value = expression.template().render(scope, RenderMode.PLAIN);
                String text = value == null ? "" : value.toString().strip();
                yield text.isEmpty() ? Optional.empty() : Optional.of(cut(text));
            }
            case LockKeySpec.TargetHost host -> targetHost(runbook, scope).map(LockKeys::cut);
        };
    }

    /** The host the first step acts on, when it is an ssh.exec or http.request step whose host renders now. */
    private static Optional<String> targetHost(Runbook runbook, ExpressionScope scope) {
        if (runbook.steps().isEmpty()) {
            return Optional.empty();
        }
        StepSpec first = runbook.steps().getFirst();
        try {
            if (first.uses().equals("ssh.exec") && first.with().entries().get("host") instanceof ValueTemplate host) {
                Object value = host.render(scope, RenderMode.PLAIN);
                return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString().strip());
            }
            if (first.uses().equals("http.request") && first.with().entries().get("url") instanceof ValueTemplate url) {
                Object value = url.render(scope, RenderMode.URL);
                return value == null ? Optional.empty() : Optional.ofNullable(URI.create(value.toString().strip()).getHost());
            }
        } catch (ExpressionException | IllegalArgumentException ignored) {
            // The host needs something only the run knows (an earlier step's output): no lock, the run is not held.
        }
        return Optional.empty();
    }

    private static String cut(String key) {
        return key.length() > MAX_LENGTH ? key.substring(0, MAX_LENGTH) : key;
    }
}
