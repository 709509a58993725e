package dev.quench.pluginloading;

import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.core.plugin.PluginException;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.plugin.StepConfigMapper;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The example plugin ({@code plugins/example-step}), built into a jar and kept off this test's class path,
 * loaded from a plugins directory by the engine's {@link PluginRegistry} and run.
 */
class PluginDirectoryIT {

    @TempDir
    Path directory;
    private Path exampleJar;

    @BeforeEach
    void findTheExampleJar() throws Exception {
        Path built = Path.of(System.getProperty("quench.pluginJars", "target/plugin-jars"));
        try (Stream<Path> jars = Files.list(built)) {
            exampleJar = jars.filter(path -> path.getFileName().toString().startsWith("quench-example-step"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no example plugin jar in " + built));
        }
        assertThatThrownBy(() -> Class.forName("dev.quench.example.GreetStep"))
                .as("the example plugin must come from the plugins directory only")
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void aPluginJarInThePluginsDirectoryLoadsAndRuns() throws Exception {
        Path plugins = Files.createDirectory(directory.resolve("plugins"));
        Files.copy(exampleJar, plugins.resolve("example-step.jar"));

        try (PluginRegistry registry = PluginRegistry.discover(plugins)) {
            registry.start(TestPluginEnvironment.builder().build());
            assertThat(registry.types()).contains("example.greet", "shell.exec");

            StepResult result = run(registry.plugin("example.greet").orElseThrow(), Map.of("name", "on-call",
                    "times", 2));

            assertThat(result.succeeded()).isTrue();
            assertThat(result.stdout()).isEqualTo("hello, on-call (run run-1)\nhello, on-call (run run-1)\n");
            assertThat(result.outputs()).containsEntry("greeted", "on-call");
        }
    }

    @Test
    void theConfigurationRecordOfAJarPluginValidatesTheRunbooksWithBlock() throws Exception {
        Path plugins = Files.createDirectory(directory.resolve("plugins"));
        Files.copy(exampleJar, plugins.resolve("example-step.jar"));

        try (PluginRegistry registry = PluginRegistry.discover(plugins)) {
            Class<? extends Record> configType = registry.configType("example.greet").orElseThrow();

            assertThatThrownBy(() -> StepConfigMapper.map(Map.of("name", "x", "times", 11), configType))
                    .hasMessageContaining("times must be between 1 and 10, got 11");
        }
    }

    @Test
    void twoJarsWithTheSameStepTypeStopStartUpNamingBothJars() throws Exception {
        Path plugins = Files.createDirectory(directory.resolve("plugins"));
        Path example = Files.copy(exampleJar, plugins.resolve("example-step.jar"));
        Path impostor = impostorJar(plugins.resolve("zz-impostor.jar"));

        assertThatThrownBy(() -> PluginRegistry.discover(plugins))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("two plugins provide step type 'example.greet'")
                .hasMessageContaining("dev.quench.example.GreetStep in " + example)
                .hasMessageContaining("impostor.ImpostorStep in " + impostor)
                .hasMessageContaining("Remove one of the jars");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static StepResult run(StepPlugin plugin, Map<String, Object> with) throws Exception {
        Record config = StepConfigMapper.map(with, plugin.configType());
        return plugin.execute(StepTestContext.create(), config);
    }

    /** A second plugin jar, compiled here against engine/api, that also claims {@code example.greet}. */
    private Path impostorJar(Path jar) throws Exception {
        return new PluginJars(directory.resolve("impostor-build")).jar(jar, Map.of("impostor/ImpostorStep.java", """
                package impostor;
                public final class ImpostorStep implements dev.quench.api.StepPlugin<ImpostorStep.Config> {
                    public record Config(String name) {}
                    public String type() { return "example.greet"; }
                    public Class<Config> configType() { return Config.class; }
                    public dev.quench.api.StepResult execute(dev.quench.api.StepContext context, Config config) {
                        return dev.quench.api.StepResult.succeeded("impostor");
                    }
                }
                """), List.of(PluginJars.apiJar()), null, "impostor.ImpostorStep");
    }
}
