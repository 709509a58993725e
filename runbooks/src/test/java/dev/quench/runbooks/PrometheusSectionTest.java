package dev.quench.runbooks;

import dev.quench.api.Inventory;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.plugin.EnginePluginEnvironment;
import dev.quench.core.plugin.PluginRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code prometheus:} section of quench.yaml, bound as {@code quench serve} binds it (the engine's strict YAML
 * mapper, through the plugin environment, with every shipped plugin): a known section, every key documented in the
 * example config, and a misspelt key, a wrong type or an unreadable secret file stopping the start, named.
 */
class PrometheusSectionTest {

    private static final List<String> KEYS = List.of("url", "timeout", "bearerTokenFile", "basicAuth", "user",
            "passwordFile");

    private static Vertx vertx;

    @TempDir
    Path temp;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    private void start(String section) throws Exception {
        Path file = Files.writeString(temp.resolve("quench.yaml"), "prometheus:\n" + section);
        QuenchConfig config = ConfigLoader.load(file, temp.resolve("data"));
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            ConfigLoader.requireKnownSections(config, plugins.types());
            plugins.start(new EnginePluginEnvironment(config.sections(), Inventory.empty(), Map.of(Vertx.class, vertx),
                    Files.createDirectories(temp.resolve("data"))));
        }
    }

    @Test
    void aCompleteSectionStartsTheStep() throws Exception {
        Path password = Files.writeString(temp.resolve("password"), "pa55\n");

        start("  url: http://prometheus:9090/prom/\n  timeout: 5s\n"
                + "  basicAuth: {user: quench, passwordFile: " + password + "}\n");
    }

    @Test
    void aMisspeltKeyStopsTheStartNamingIt() {
        assertThatThrownBy(() -> start("  url: http://prometheus:9090\n  tiemout: 5s\n"))
                .hasMessageContaining("prometheus").hasMessageContaining("tiemout");
    }

    @Test
    void aWrongTypeStopsTheStartNamingTheSection() {
        assertThatThrownBy(() -> start("  url: http://prometheus:9090\n  timeout: soon\n"))
                .hasMessageContaining("prometheus").hasMessageContaining("soon");
    }

    @Test
    void anUnreadableTokenFileStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> start("  url: http://prometheus:9090\n  bearerTokenFile: " + temp.resolve("none")
                + "\n")).hasMessageContaining("prometheus.bearerTokenFile").hasMessageContaining("cannot be read");
    }

    @Test
    void theExampleConfigDocumentsEveryKey() throws IOException {
        String example = Files.readString(Path.of("../deploy/config/quench.example.yaml"));
        String block = example.substring(example.indexOf("# prometheus:"));
        for (String key : KEYS) {
            assertThat(Pattern.compile("[#\\s{,]" + key + ":").matcher(block).find()).as(key).isTrue();
        }
    }
}
