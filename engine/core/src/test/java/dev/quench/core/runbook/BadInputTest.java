package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "bad input" list, each beside a good runbook that must keep loading: a 10 MB file,
 * a deeply nested document, a billion-laughs alias bomb. (Tabs, duplicate keys and single aliases
 * are invalid fixtures; Groovy loops and Runtime.exec are in GroovyRunbookTest; expressions that
 * throw at run time in StepControlTest, ForEachTest and ParsingFunctionsTest.)
 */
class BadInputTest {

    private static final String GOOD = """
            name: good
            steps:
              - id: a
                uses: shell.exec
                with: {command: "true"}
            """;

    @TempDir
    Path directory;

    private List<String> problemsBeside(String fileName, String content) throws Exception {
        Files.writeString(directory.resolve("good.yaml"), GOOD);
        Files.writeString(directory.resolve(fileName), content);
        long started = System.nanoTime();
        RunbookLoadResult result = new RunbookLoader(new TestStepCatalog()).load(directory);
        // generous for a loaded machine: the point is that it is refused, not parsed for minutes
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(result.runbooks()).extracting(Runbook::name).containsExactly("good");
        return result.problems().stream().map(RunbookProblem::toString).toList();
    }

    @Test
    void aTenMegabyteFileIsRefusedWithoutBeingParsed() throws Exception {
        String huge = "name: huge\nsteps:\n" + ("  - id: a\n    uses: shell.exec\n    with: {command: \"true\"}\n")
                .repeat(10 * 1024 * 1024 / 50);

        assertThat(problemsBeside("huge.yaml", huge)).containsExactly(directory.resolve("huge.yaml")
                + ":1:1: file is larger than 1024 KiB: split it into several runbooks");
    }

    @Test
    void aDeeplyNestedDocumentIsRefusedAtItsDepthLimit() throws Exception {
        String deep = "name: deep\nsteps:\n  - id: a\n    uses: shell.exec\n    with: {command: "
                + "[".repeat(1000) + "]".repeat(1000) + "}\n";

        assertThat(problemsBeside("deep.yaml", deep)).containsExactly(directory.resolve("deep.yaml") + ":5:50: the "
                + "document is nested more than 32 levels deep here: a runbook never needs that many; flatten it");
    }

    @Test
    void aBillionLaughsAliasBombIsRefusedAtTheFirstAlias() throws Exception {
        StringBuilder bomb = new StringBuilder("name: bomb\na: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (char level = 'b'; level <= 'j'; level++) {
            char previous = (char) (level - 1);
            bomb.append(level).append(": &").append(level).append(" [*").append(previous).append(", *").append(previous)
                    .append(", *").append(previous).append(", *").append(previous).append(", *").append(previous)
                    .append("]\n");
        }
        bomb.append("steps: *j\n");

        assertThat(problemsBeside("bomb.yaml", bomb.toString())).containsExactly(directory.resolve("bomb.yaml")
                + ":3:8: YAML aliases (*a) are not supported in runbooks: write the value out");
    }
}
