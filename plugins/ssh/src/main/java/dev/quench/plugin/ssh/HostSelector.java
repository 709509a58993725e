package dev.quench.plugin.ssh;

import dev.quench.api.InventoryHost;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An inventory label selector, {@code role=web,env!=staging}: every term must hold ({@code =} the label has
 * that value, {@code !=} it is absent or has another). Immutable.
 *
 * @param text  the selector as written
 * @param terms its terms, in order
 */
record HostSelector(String text, List<Term> terms) {

    HostSelector {
        terms = List.copyOf(terms);
    }

    /** One {@code label=value} or {@code label!=value}. */
    record Term(String label, String value, boolean equal) {
        boolean matches(Map<String, String> labels) {
            return equal == value.equals(labels.get(label));
        }
    }

    /** Parses a selector; the message names the bad term. */
    static HostSelector parse(String text) {
        List<Term> terms = new ArrayList<>();
        for (String raw : text.split(",")) {
            String term = raw.strip();
            int at = term.indexOf('=');
            boolean equal = at < 1 || term.charAt(at - 1) != '!';
            String label = at < 0 ? "" : term.substring(0, equal ? at : at - 1).strip();
            String value = at < 0 ? "" : term.substring(at + 1).strip();
            if (label.isEmpty() || value.isEmpty()) {
                throw new IllegalArgumentException("selector term '" + term + "' in '" + text
                        + "' is not label=value or label!=value (example: role=web,env=prod)");
            }
            terms.add(new Term(label, value, equal));
        }
        return new HostSelector(text, terms);
    }

    boolean matches(InventoryHost host) {
        return terms.stream().allMatch(term -> term.matches(host.labels()));
    }

    /** The matching hosts' names, in inventory order. */
    List<String> select(List<InventoryHost> inventory) {
        return inventory.stream().filter(this::matches).map(InventoryHost::name).toList();
    }

    @Override
    public String toString() {
        return text;
    }
}
