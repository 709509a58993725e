package dev.quench.pluginloading;

import dev.quench.api.QuenchApi;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.plugin.StepConfigMapper;
import dev.quench.pluginloading.bundled.Helper;
import dev.quench.testkit.StepTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each entry of the plugins directory has a class loader of its own: two plugins bundling different versions
 * of one library class (with the name of a class the engine has too) each see their own copy, and share the
 * engine's API and logging.
 */
class PluginIsolationIT {

    @TempDir
    Path directory;

    @Test
    void twoPluginsBundlingDifferentVersionsOfOneLibraryEachSeeTheirOwn() throws Exception {
        Path plugins = Files.createDirectory(directory.resolve("plugins"));
        PluginJars build = new PluginJars(directory.resolve("build"));
        // alpha: one jar with its dependency inside it
        build.jar(plugins.resolve("alpha.jar"), Map.of(
                        "alpha/AlphaStep.java", step("alpha"),
                        "dev/quench/pluginloading/bundled/Helper.java", helper("1.0")),
                List.of(PluginJars.apiJar(), slf4jJar()), QuenchApi.VERSION, "alpha.AlphaStep");
        // beta: a directory, the plugin's jar at its top and its dependency in lib/
        Path betaHelper = build.jar(plugins.resolve("beta/lib/helper-2.0.jar"),
                Map.of("dev/quench/pluginloading/bundled/Helper.java", helper("2.0")), List.of(), null, null);
        build.jar(plugins.resolve("beta/beta.jar"), Map.of("beta/BetaStep.java", step("beta")),
                List.of(PluginJars.apiJar(), slf4jJar(), betaHelper), QuenchApi.VERSION, "beta.BetaStep");

        try (PluginRegistry registry = PluginRegistry.discover(plugins)) {
            assertThat(registry.types()).contains("alpha.which", "beta.which", "shell.exec");

            assertThat(run(registry.plugin("alpha.which").orElseThrow()).stdout()).isEqualTo("alpha sees helper 1.0");
            assertThat(run(registry.plugin("beta.which").orElseThrow()).stdout()).isEqualTo("beta sees helper 2.0");
            assertThat(Helper.version()).as("the engine's own copy is untouched").isEqualTo("engine");
            assertThat(registry.plugin("alpha.which").orElseThrow().getClass().getClassLoader())
                    .isNotSameAs(registry.plugin("beta.which").orElseThrow().getClass().getClassLoader());
        }
    }

    /** A step that answers which copy of the helper it sees, and logs through the engine's slf4j. */
    private static String step(String name) {
        String type = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Step";
        return """
                package %1$s;
                public final class %2$s implements dev.quench.api.StepPlugin<%2$s.Config> {
                    public record Config() {}
                    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(%2$s.class);
                    public String type() { return "%1$s.which"; }
                    public Class<Config> configType() { return Config.class; }
                    public dev.quench.api.StepResult execute(dev.quench.api.StepContext context, Config config) {
                        String answer = "%1$s sees helper " + dev.quench.pluginloading.bundled.Helper.version();
                        LOG.info(answer);
                        return dev.quench.api.StepResult.succeeded(answer);
                    }
                }
                """.formatted(name, type);
    }

    private static String helper(String version) {
        return """
                package dev.quench.pluginloading.bundled;
                public final class Helper {
                    public static String version() { return "%s"; }
                }
                """.formatted(version);
    }

    private static Path slf4jJar() throws Exception {
        return Path.of(org.slf4j.Logger.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static StepResult run(StepPlugin plugin) throws Exception {
        Record config = StepConfigMapper.map(Map.of(), plugin.configType());
        return plugin.execute(StepTestContext.create(), config);
    }
}
