package dev.quench.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.boot.EngineSettings;
import dev.quench.core.dispatch.ExecutorSettings;
import dev.quench.core.events.EventLimits;
import dev.quench.core.ingest.IngestSettings;
import dev.quench.core.metrics.MetricsSettings;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.retention.RetentionSettings;
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
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@code quench.yaml} is bound strictly: each fixture under {@code config/invalid/} stops the start with
 * exactly the message below, and the shipped example loads and documents every key the records define.
 */
class QuenchConfigStrictnessTest {

    private static final Path INVALID = Path.of("src/test/resources/config/invalid");

    static Stream<String> invalidFixtures() throws IOException {
        try (Stream<Path> files = Files.list(INVALID)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** Each fixture ends with {@code # expect: LINE:COL: message}, the exact error after its file name. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFixtures")
    void anInvalidConfigStopsTheStartNamingFileLineColumnAndKey(String fixture) throws IOException {
        Path file = INVALID.resolve(fixture);
        String expected = Files.readAllLines(file).stream().filter(line -> line.startsWith("# expect: "))
                .map(line -> line.substring("# expect: ".length())).findFirst()
                .orElseThrow(() -> new AssertionError(fixture + " has no '# expect: ' line"));

        assertThatThrownBy(() -> loadStrictly(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":" + expected);
    }

    @Test
    void theExampleConfigLoadsStrictly() {
        QuenchConfig config = ConfigLoader.load(example(), Path.of("data"));
        EngineSettings settings = loadStrictly(example());

        assertThat(config.port()).isEqualTo(9095);
        assertThat(settings.executor().maxConcurrentRuns()).isEqualTo(8);
        assertThat(settings.executor().shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.schedule()).isEqualTo(ScheduleSettings.DEFAULTS);
        assertThat(settings.retention()).isEqualTo(RetentionSettings.DEFAULTS);
        assertThat(settings.cluster().leaseDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.cluster().heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.cluster().nodeId()).matches("[A-Za-z0-9._-]+-[0-9a-f]{6}");
        assertThat(settings.ingest().http().maxConnections()).isEqualTo(1000);
        assertThat(settings.events()).isEqualTo(EventLimits.DEFAULTS);
        assertThat(settings.metrics()).isEqualTo(MetricsSettings.DEFAULTS);
        assertThat(settings.console()).isEqualTo(dev.quench.core.console.ConsoleSettings.DEFAULTS);
        assertThat(settings.incidents()).isEqualTo(dev.quench.core.incident.IncidentSettings.DEFAULTS);
        assertThat(settings.toil()).isEqualTo(dev.quench.core.ledger.ToilSettings.DEFAULTS);
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
        sections.put("approval", dev.quench.core.server.ApprovalSettings.Section.class);
        sections.put("oidc", dev.quench.core.server.OidcSettings.Section.class);
        sections.put("events", EventLimits.Section.class);
        sections.put("retention", RetentionSettings.Section.class);
        sections.put("metrics", MetricsSettings.Section.class);
        sections.put("logging", dev.quench.core.boot.LoggingSettings.Section.class);
        sections.put("cluster", dev.quench.core.dispatch.ClusterSettings.Section.class);
        sections.put("console", dev.quench.core.console.ConsoleSettings.Section.class);
        sections.put("incidents", dev.quench.core.incident.IncidentSettings.Section.class);
        sections.put("toil", dev.quench.core.ledger.ToilSettings.Section.class);
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
