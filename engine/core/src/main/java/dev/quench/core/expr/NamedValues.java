package dev.quench.core.expr;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code env} and {@code secrets} of an expression: read-only, and reading a name that was
 * never made available is an error that says how to make it available, instead of an empty value
 * that would end up in a command or a URL.
 */
final class NamedValues extends AbstractMap<String, Object> {

    private final Map<String, String> values;
    private final Set<String> declared;
    private final String kind;

    private NamedValues(Map<String, String> values, Set<String> declared, String kind) {
        this.values = Map.copyOf(values);
        this.declared = declared;
        this.kind = kind;
    }

    /** Environment variables: only those listed under {@code env:} in quench.yaml are readable. */
    static NamedValues environment(Map<String, String> env) {
        return new NamedValues(env, env.keySet(), "env");
    }

    static NamedValues secrets(Map<String, String> secrets) {
        return new NamedValues(secrets, secrets.keySet(), "secrets");
    }

    /** The values themselves, for masking them where they must not be shown. */
    Collection<String> rawValues() {
        return values.values();
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name) || !declared.contains(name)) {
            throw new IllegalArgumentException(unavailable(String.valueOf(key)));
        }
        return values.get(name);
    }

    @Override
    public boolean containsKey(Object key) {
        return declared.contains(key);
    }

    private String unavailable(String name) {
        String known = declared.isEmpty() ? "none" : String.join(", ", new TreeSet<>(declared));
        if (kind.equals("env")) {
            return "env." + name + " is not available to runbooks: list it under 'env:' in quench.yaml "
                    + "(e.g. env: [" + name + "]), and put credentials under 'secrets:' instead (available: " + known + ")";
        }
        return "secret '" + name + "' is not configured: add 'secrets: {" + name + ": {file: PATH}}' (or {env: VARIABLE}) "
                + "to quench.yaml (configured: " + known + ")";
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        // Listing is for debugging output only; it never shows secret values.
        Map<String, Object> shown = new java.util.LinkedHashMap<>();
        values.forEach((name, value) -> shown.put(name, kind.equals("secrets") ? "***" : value));
        return shown.entrySet();
    }

    @Override
    public String toString() {
        return kind + entrySet();
    }
}
