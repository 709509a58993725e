package dev.quench.core.runbook.load;

import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookProblem;
import java.util.List;
import java.util.Objects;

/**
 * What loading runbooks produced: the runbooks of the files without problems, and the problems of
 * the others. A file with any problem contributes no runbook; warnings do not stop a file.
 *
 * @param runbooks the loaded runbooks, in file name order
 * @param problems every error found, by file, then line and column
 * @param warnings every warning, by file, then line and column
 */
public record RunbookLoadResult(List<Runbook> runbooks, List<RunbookProblem> problems, List<RunbookProblem> warnings) {

    public RunbookLoadResult {
        runbooks = List.copyOf(Objects.requireNonNull(runbooks, "runbooks"));
        problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }

    /** Whether every file loaded. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
