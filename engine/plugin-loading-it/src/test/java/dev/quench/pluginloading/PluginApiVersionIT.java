package dev.quench.pluginloading;

import dev.quench.api.QuenchApi;
import dev.quench.core.plugin.PluginException;
import dev.quench.core.plugin.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A plugin jar built against another Quench API stops the start with one line naming the jar and the fix,
 * whether its manifest says so or its classes fail to link.
 */
class PluginApiVersionIT {

    @TempDir
    Path directory;

    /** This engine's API line as the messages show it: {@code 0.1.x} before 1.0, {@code 1.x} after. */
    private static final String ENGINE_LINE = QuenchApi.VERSION.startsWith("0.")
            ? "0." + QuenchApi.VERSION.split("[.-]")[1] + ".x"
            : QuenchApi.VERSION.split("[.-]")[0] + ".x";

    @Test
    void theExamplePluginsBuildWritesTheApiVersionIntoItsManifest() throws Exception {
        Path built = Path.of(System.getProperty("quench.pluginJars", "target/plugin-jars"));
        Path exampleJar;
        try (Stream<Path> jars = Files.list(built)) {
            exampleJar = jars.filter(path -> path.getFileName().toString().startsWith("quench-example-step"))
                    .findFirst().orElseThrow();
        }
        try (JarFile jar = new JarFile(exampleJar.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Quench-Api-Version")).isEqualTo(QuenchApi.VERSION);
        }
    }

    @Test
    void aJarBuiltAgainstAnotherMajorApiVersionStopsTheStart() throws Exception {
        Path plugins = Files.createDirectory(directory.resolve("plugins"));
        Path jar = new PluginJars(directory.resolve("build")).jar(plugins.resolve("foo.jar"),
                Map.of("foo/FooStep.java", fooStep()), List.of(PluginJars.apiJar()), "2.0.0", "foo.FooStep");

        assertThatThrownBy(() -> PluginRegistry.discover(plugins))
                .isInstanceOf(PluginException.class)
                .hasMessage(jar + ": built against Quench API 2.x, this engine has " + ENGINE_LINE
                        + ": rebuild the plugin against quench-engine-api " + ENGINE_LINE);
    }

    @Test
    void aJarWhoseClassesDoNotLinkAgainstThisApiStopsTheStart() throws Exception {
        PluginJars build = new PluginJars(directory.resolve("build"));
        // An API "from the future": StepResult with a method this engine's API does not have.
        Path futureApi = build.classes(Map.of("dev/quench/api/StepResult.java", """
                package dev.quench.api;
                public final class StepResult {
                    public static StepResult fromTheFuture(String text) { return null; }
                }
                """), List.of(PluginJars.apiJar()));
        Path plugins = Files.createDirectory(directory.resolve("plugins"));
        // No manifest entry, as with a jar from before the check: its classes are what fails.
        Path jar = build.jar(plugins.resolve("future.jar"), Map.of("future/FutureStep.java", """
                package future;
                public final class FutureStep implements dev.quench.api.StepPlugin<FutureStep.Config> {
                    public record Config() {}
                    private static final Object EMPTY = dev.quench.api.StepResult.fromTheFuture("");
                    public String type() { return "future.step"; }
                    public Class<Config> configType() { return Config.class; }
                    public dev.quench.api.StepResult execute(dev.quench.api.StepContext context, Config config) {
                        return null;
                    }
                }
                """), List.of(futureApi, PluginJars.apiJar()), null, "future.FutureStep");

        assertThatThrownBy(() -> PluginRegistry.discover(plugins))
                .isInstanceOf(PluginException.class)
                .hasMessage(jar + ": cannot load step plugin future.FutureStep: NoSuchMethodError "
                        + "'dev.quench.api.StepResult dev.quench.api.StepResult.fromTheFuture(java.lang.String)'"
                        + ": it was probably built against another Quench API; rebuild it against quench-engine-api "
                        + ENGINE_LINE);
    }

    private static String fooStep() {
        return """
                package foo;
                public final class FooStep implements dev.quench.api.StepPlugin<FooStep.Config> {
                    public record Config() {}
                    public String type() { return "foo.step"; }
                    public Class<Config> configType() { return Config.class; }
                    public dev.quench.api.StepResult execute(dev.quench.api.StepContext context, Config config) {
                        return dev.quench.api.StepResult.succeeded("foo");
                    }
                }
                """;
    }
}
