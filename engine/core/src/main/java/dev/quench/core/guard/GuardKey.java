package dev.quench.core.guard;

import dev.quench.core.alert.Alert;
import dev.quench.core.expr.ExpressionException;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.RenderMode;
import dev.quench.core.runbook.RunbookGuards;
import java.util.Map;

/** The dedupe key of one run: what makes two runs "the same" for a cooldown. Thread-safe (stateless). */
final class GuardKey {

    /** Longer keys are cut: the column holds 1024 characters, and a key is for comparing, not reading. */
    static final int MAX_LENGTH = 1000;

    private GuardKey() {
    }

    /**
     * The key of a run of {@code runbookName}: {@code guards.dedupeKey} rendered, else the alert's
     * source and fingerprint, else the runbook itself (scheduled and manual runs).
     *
     * @throws ExpressionException when the dedupeKey expression fails
     */
    static String of(String runbookName, RunbookGuards guards, Alert alert, Map<String, Object> params) {
        String key;
        if (guards.dedupeKey().isPresent()) {
            ExpressionScope scope = ExpressionScope.of(alert, params, Map.of(), Map.of("runbook", runbookName), Map.of());
            Object value = guards.dedupeKey().get().render(scope, RenderMode.PLAIN);
            key = "key " + (value == null ? "" : value);
        } else if (alert != null) {
            key = "alert " + alert.source() + "/" + alert.fingerprint();
        } else {
            key = "runbook " + runbookName;
        }
        return key.length() > MAX_LENGTH ? key.substring(0, MAX_LENGTH) : key;
    }
}
