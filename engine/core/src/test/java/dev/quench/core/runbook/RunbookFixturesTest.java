package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every fixture under {@code runbooks/valid} and {@code runbooks/invalid}. Each invalid fixture
 * ends with {@code # expect: LINE:COL: message} lines: the exact problems, in order, that loading it
 * must report (prefixed with the file path), so error messages stay good.
 */
class RunbookFixturesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/runbooks");
    private static final String EXPECT = "# expect: ";

    private final RunbookLoader loader = new RunbookLoader(new TestStepCatalog());

    static Stream<Path> validFixtures() {
        return fixtures("valid");
    }

    static Stream<Path> invalidFixtures() {
        return fixtures("invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFixtures")
    void validFixtureLoadsWithoutProblems(Path fixture) {
        RunbookLoadResult result = loader.load(fixture);

        assertThat(result.problems()).isEmpty();
        assertThat(result.runbooks()).hasSize(1);
        assertThat(result.runbooks().getFirst().source()).isEqualTo(fixture);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFixtures")
    void invalidFixtureReportsExactlyItsExpectedProblems(Path fixture) throws IOException {
        List<String> expected = Files.readAllLines(fixture).stream()
                .filter(line -> line.startsWith(EXPECT))
                .map(line -> fixture + ":" + line.substring(EXPECT.length()))
                .toList();
        assertThat(expected).as("%s has no '%s' lines", fixture, EXPECT.strip()).isNotEmpty();

        RunbookLoadResult result = loader.load(fixture);

        assertThat(result.runbooks()).isEmpty();
        assertThat(result.problems()).extracting(RunbookProblem::toString).containsExactlyElementsOf(expected);
    }

    private static Stream<Path> fixtures(String kind) {
        try (Stream<Path> files = Files.list(FIXTURES.resolve(kind))) {
            return files.sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
