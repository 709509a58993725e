package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fields the real plugins declare {@code @Required} are checked when runbooks load, so
 * {@code quench validate} reports an {@code ssh.exec} without a host instead of the run failing.
 * Fixtures under {@code runbooks/plugin-fields}, with {@code # expect:} lines as in {@link RunbookFixturesTest}.
 */
class PluginRequiredFieldsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/runbooks/plugin-fields");
    private static final String EXPECT = "# expect: ";

    private static PluginRegistry plugins;

    @BeforeAll
    static void discover() {
        plugins = PluginRegistry.discover(null);
    }

    @AfterAll
    static void close() {
        plugins.close();
    }

    static Stream<Path> validFixtures() {
        return fixtures("valid");
    }

    static Stream<Path> invalidFixtures() {
        return fixtures("invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFixtures")
    void aMissingRequiredFieldIsAProblemNamingTheFieldAndTheStep(Path fixture) throws IOException {
        List<String> expected = Files.readAllLines(fixture).stream()
                .filter(line -> line.startsWith(EXPECT))
                .map(line -> fixture + ":" + line.substring(EXPECT.length()))
                .toList();
        assertThat(expected).as("%s has no '%s' lines", fixture, EXPECT.strip()).isNotEmpty();

        RunbookLoadResult result = new RunbookLoader(plugins).load(fixture);

        assertThat(result.runbooks()).isEmpty();
        assertThat(result.problems()).extracting(RunbookProblem::toString).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFixtures")
    void aTemplatedValueOrAnAlternativeCountsAsGiven(Path fixture) {
        RunbookLoadResult result = new RunbookLoader(plugins).load(fixture);

        assertThat(result.problems()).isEmpty();
        assertThat(result.runbooks()).hasSize(1);
    }

    private static Stream<Path> fixtures(String kind) {
        try (Stream<Path> files = Files.list(FIXTURES.resolve(kind))) {
            return files.sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
