package dev.quench.core.runbook;

import dev.quench.core.util.DidYouMean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The problems of one file as they are found, with helpers for the checks every section needs. */
public final class ProblemList {

    private final Path file;
    private final List<RunbookProblem> problems = new ArrayList<>();
    private final List<RunbookProblem> warnings = new ArrayList<>();

    public ProblemList(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    Path file() {
        return file;
    }

    public void add(SourcePosition position, String message) {
        problems.add(RunbookProblem.at(position, message));
    }

    /** A risk that does not stop the file from loading. */
    void warn(SourcePosition position, String message) {
        warnings.add(RunbookProblem.warningAt(position, message));
    }

    /** The warnings in the order they appear in the file. */
    public List<RunbookProblem> sortedWarnings() {
        return inFileOrder(warnings);
    }

    /** Whether there is no problem (warnings do not count). */
    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems in the order they appear in the file. */
    public List<RunbookProblem> sorted() {
        return inFileOrder(problems);
    }

    private static List<RunbookProblem> inFileOrder(List<RunbookProblem> problems) {
        return problems.stream()
                .sorted(Comparator.comparingInt(RunbookProblem::line).thenComparingInt(RunbookProblem::column))
                .toList();
    }

    /**
     * Reports every key of {@code mapping} not in {@code known}, with a did-you-mean, else the list.
     *
     * @param where appended to "unknown field 'x'", like " in triggers.alert"
     */
    void checkKeys(YamlNode.Mapping mapping, Set<String> known, String where) {
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (!known.contains(entry.key())) {
                String hint = DidYouMean.hint(entry.key(), known);
                add(entry.keyPosition(), "unknown field '" + entry.key() + "'" + where
                        + (hint.isEmpty() ? " (known fields: " + String.join(", ", known) + ")" : hint));
            }
        }
    }

    /** The mapping under {@code node}, or a problem saying what {@code label} should be. */
    Optional<YamlNode.Mapping> mapping(YamlNode node, String label, String example) {
        if (node instanceof YamlNode.Mapping mapping) {
            return Optional.of(mapping);
        }
        add(node.position(), label + " must be a mapping (" + example + "), found " + node.describe());
        return Optional.empty();
    }

    /** The text of {@code key} if present; a problem if it is present but not text. */
    Optional<String> optionalText(YamlNode.Mapping mapping, String key, String label) {
        YamlNode.Entry entry = mapping.entries().get(key);
        if (entry == null || (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() == null)) {
            return Optional.empty();
        }
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.isText()) {
            return Optional.of((String) scalar.value());
        }
        add(entry.value().position(), label + " must be text, found " + entry.value().describe());
        return Optional.empty();
    }
}
