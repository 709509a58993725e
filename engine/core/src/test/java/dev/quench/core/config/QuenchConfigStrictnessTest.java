package dev.quench.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.boot.EngineSettings;
import dev.quench.core.dispatch.ExecutorSettings;
import dev.quench.core.ingest.IngestSettings;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.schedule.ScheduleSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@code quench.yaml} is bound strictly: each fixture under {@code config/invalid/} stops the start with
 * exactly the message below, and the shipped example loads and documents every key the records define.
 */
class QuenchConfigStrictnessTest {

    private static final Path INVALID = Path.of("src/test/resources/config/invalid");

    static Stream<Arguments> invalidFixtures() {
        String top = "(quench.yaml takes auth, data, env, executor, ingest, inventory, params, plugins, runbooks, "
                + "schedule, secrets, server, sources, store, and the sections of the loaded plugins: http, notify, "
                + "shell, ssh, wait)";
        String executor = "(executor takes maxConcurrentRuns, maxQueuedPerRunbook, maxQueuedRuns, outputLimitBytes, "
                + "shutdownGrace)";
        return Stream.of(
                Arguments.of("unknown-top-level-key.yaml",
                        "3:1: shedule: unknown key — did you mean 'schedule'? " + top),
                Arguments.of("misspelt-key.yaml",
                        "2:3: executor.maxConcurentRuns: unknown key — did you mean 'maxConcurrentRuns'? " + executor),
                Arguments.of("misspelt-server-key.yaml",
                        "1:10: server.prot: unknown key — did you mean 'port'? (server takes host, port)"),
                Arguments.of("wrong-type.yaml", "2:22: executor.maxConcurrentRuns: expected an integer, got \"lots\""),
                Arguments.of("wrong-type-unquoted.yaml",
                        "2:22: executor.maxConcurrentRuns: expected an integer, got \"lots\""),
                Arguments.of("float-for-int.yaml", "2:21: executor.outputLimitBytes: expected an integer, got 2.9"),
                Arguments.of("negative-count.yaml", "2:18: executor.maxQueuedRuns: must be at least 1, got -5"),
                Arguments.of("zero-threads.yaml", "2:12: schedule.threads: must be at least 1, got 0"),
                Arguments.of("string-for-boolean.yaml", "2:12: ingest.journal: expected true or false, got \"yes\""),
                Arguments.of("bad-duration.yaml", "2:18: executor.shutdownGrace: expected a duration such as 500ms, "
                        + "30s, 5m or 1h30m, got \"soon\""),
                Arguments.of("port-out-of-range.yaml", "2:9: server.port: must be 0-65535, got 70000"),
                Arguments.of("misspelt-source-auth-key.yaml", "4:7: sources.alertmanager.auth.bearerTokenFle: "
                        + "unknown key — did you mean 'bearerTokenFile'? (sources.alertmanager.auth takes basic, "
                        + "bearerTokenEnv, bearerTokenFile, hmac, open)"),
                Arguments.of("string-for-boolean-in-source.yaml",
                        "3:18: sources.grafana.auth.open: expected true or false, got \"yes\""),
                Arguments.of("section-not-a-mapping.yaml",
                        "1:11: executor: expected a mapping (executor: {key: value, ...}), got 8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFixtures")
    void anInvalidConfigStopsTheStartNamingFileLineColumnAndKey(String fixture, String expected) {
        Path file = INVALID.resolve(fixture);

        assertThatThrownBy(() -> loadStrictly(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":" + expected);
    }

    @Test
    void everyInvalidFixtureHasItsExpectedMessage() throws IOException {
        try (Stream<Path> files = Files.list(INVALID)) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted())
                    .containsExactlyInAnyOrderElementsOf(invalidFixtures().map(arguments -> (String) arguments.get()[0])
                            .toList());
        }
    }

    @Test
    void theExampleConfigLoadsStrictly() {
        QuenchConfig config = ConfigLoader.load(example(), Path.of("data"));
        EngineSettings settings = loadStrictly(example());

        assertThat(config.port()).isEqualTo(9095);
        assertThat(settings.executor().maxConcurrentRuns()).isEqualTo(8);
        assertThat(settings.executor().shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.schedule()).isEqualTo(ScheduleSettings.DEFAULTS);
        assertThat(settings.ingest().http().maxConnections()).isEqualTo(1000);
    }

    @Test
    void theExampleConfigDocumentsEveryKeyTheRecordsDefine() throws IOException {
        Map<String, List<String>> blocks = sections(Files.readAllLines(example()));
        Map<String, Class<? extends Record>> sections = new LinkedHashMap<>();
        sections.put("server", QuenchFile.Server.class);
        sections.put("store", QuenchFile.Store.class);
        sections.put("auth", QuenchFile.Auth.class);
        sections.put("executor", ExecutorSettings.Section.class);
        sections.put("schedule", ScheduleSettings.Section.class);
        sections.put("ingest", IngestSettings.Section.class);
        List<String> missing = new ArrayList<>();
        for (String key : names(QuenchFile.class)) {
            if (!blocks.containsKey(key)) {
                missing.add(key);
            }
        }
        sections.forEach((section, type) -> {
            for (String key : names(type)) {
                Pattern line = Pattern.compile("^\\s*(#\\s*)?" + Pattern.quote(key) + ":.*");
                if (blocks.getOrDefault(section, List.of()).stream().noneMatch(text -> line.matcher(text).matches())) {
                    missing.add(section + "." + key);
                }
            }
        });

        assertThat(missing).as("keys missing from deploy/config/quench.example.yaml").isEmpty();
    }

    /** What {@code quench serve} checks before it serves: the file, the engine's sections, the plugins' names. */
    private static EngineSettings loadStrictly(Path file) {
        QuenchConfig config = ConfigLoader.load(file, Path.of("data"));
        EngineSettings settings = EngineSettings.bind(config);
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            ConfigLoader.requireKnownSections(config, plugins.types());
        }
        return settings;
    }

    private static List<String> names(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(component -> component.getName()).toList();
    }

    /** The lines of each top-level section, written or commented out ({@code # name:}). */
    private static Map<String, List<String>> sections(List<String> lines) {
        Pattern top = Pattern.compile("^#? ?([a-z][A-Za-z]*):.*");
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        List<String> current = new ArrayList<>();
        for (String line : lines) {
            var match = top.matcher(line);
            if (match.matches()) {
                current = blocks.computeIfAbsent(match.group(1), ignored -> new ArrayList<>());
            } else {
                current.add(line);
            }
        }
        return blocks;
    }

    private static Path example() {
        Path directory = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(directory.resolve("deploy/config"))) {
            directory = directory.getParent();
        }
        return directory.resolve("deploy/config/quench.example.yaml");
    }
}
