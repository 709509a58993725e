package dev.quench.core.exec;

import dev.quench.api.CappedText;
import dev.quench.core.store.StepRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Masks the values of configured secrets ({@code secrets:} in {@code quench.yaml}) wherever a run
 * is recorded: rendered inputs at any depth, stdout, stderr and messages. A command that echoes
 * a token, or an error that quotes a URL with a key in it, shows {@code ***} in history. This
 * complements {@link SecretRedaction}, which masks inputs by their name. Immutable.
 */
final class SecretScrubber {

    private final List<String> secrets;

    SecretScrubber(Collection<String> secretValues) {
        List<String> values = new ArrayList<>(secretValues.stream().filter(value -> !value.isEmpty()).toList());
        // Longest first, so that a secret containing another is masked whole.
        values.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(values);
    }

    /**
     * {@code text} with every secret masked. Text cut by an output cap (it ends with
     * {@link CappedText}'s marker) may end in the first characters of a secret that the cap cut
     * off: they are masked too, so a secret is never stored in part.
     */
    String scrub(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        int cut = CappedText.cutAt(text);
        if (cut < 0) {
            return maskWhole(text);
        }
        return maskCutEnd(maskWhole(text.substring(0, cut))) + text.substring(cut);
    }

    private String maskWhole(String text) {
        String result = text;
        for (String secret : secrets) {
            if (result.contains(secret)) {
                result = result.replace(secret, SecretRedaction.MASK);
            }
        }
        return result;
    }

    /** {@code kept} with its longest ending that begins some secret masked. */
    private String maskCutEnd(String kept) {
        int longest = 0;
        for (String secret : secrets) {
            for (int length = Math.min(secret.length() - 1, kept.length()); length > longest; length--) {
                if (kept.regionMatches(kept.length() - length, secret, 0, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest == 0 ? kept : kept.substring(0, kept.length() - longest) + SecretRedaction.MASK;
    }

    StepRecord scrub(StepRecord record) {
        if (secrets.isEmpty()) {
            return record;
        }
        return new StepRecord(record.seq(), record.stepId(), record.uses(), record.status(), scrubMap(record.rendered()),
                record.exitCode(), scrub(record.stdout()), scrub(record.stderr()), scrub(record.message()),
                record.startedAt(), record.finishedAt()).withPhase(record.phase());
    }

    /** Masks secret values anywhere in {@code map} (a step's recorded outputs). */
    Map<String, Object> scrub(Map<String, Object> map) {
        return secrets.isEmpty() ? map : scrubMap(map);
    }

    private Map<String, Object> scrubMap(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, scrubValue(value)));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private Object scrubValue(Object value) {
        if (value instanceof String text) {
            return scrub(text);
        }
        if (value instanceof Map<?, ?> map) {
            return scrubMap((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> items = new ArrayList<>();
            list.forEach(item -> items.add(scrubValue(item)));
            return items;
        }
        return value;
    }
}
