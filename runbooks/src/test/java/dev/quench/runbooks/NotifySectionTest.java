package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.api.Inventory;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.plugin.EnginePluginEnvironment;
import dev.quench.core.plugin.PluginRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code notify:} section of quench.yaml, bound as {@code quench serve} binds it (the engine's strict YAML mapper,
 * through the plugin environment, with every shipped plugin): a known section, its key documented in the example
 * config, and a misspelt key or a URL that is not http(s) stopping the start, named.
 */
class NotifySectionTest {

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
        Path file = Files.writeString(temp.resolve("quench.yaml"), "notify:\n" + section);
        QuenchConfig config = ConfigLoader.load(file, temp.resolve("data"));
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            ConfigLoader.requireKnownSections(config, plugins.types());
            plugins.start(new EnginePluginEnvironment(config.sections(), Inventory.empty(), Map.of(Vertx.class, vertx),
                    Files.createDirectories(temp.resolve("data"))));
        }
    }

    @Test
    void anEuRegionEndpointStartsTheStep() throws Exception {
        start("  pagerdutyEventsUrl: https://events.eu.pagerduty.com/v2/enqueue\n");
    }

    @Test
    void aMisspeltKeyStopsTheStartNamingIt() {
        assertThatThrownBy(() -> start("  pagerdutyEventUrl: https://events.eu.pagerduty.com/v2/enqueue\n"))
                .hasMessageContaining("notify").hasMessageContaining("pagerdutyEventUrl");
    }

    @Test
    void aUrlThatIsNotHttpStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> start("  pagerdutyEventsUrl: ftp://events.pagerduty.com/v2/enqueue\n"))
                .hasMessageContaining("notify.pagerdutyEventsUrl must be an https:// URL");
    }

    @Test
    void theExampleConfigDocumentsTheKey() throws IOException {
        String example = Files.readString(Path.of("../deploy/config/quench.example.yaml"));
        String block = example.substring(example.indexOf("# notify:"));
        assertThat(Pattern.compile("#\\s+pagerdutyEventsUrl: https://").matcher(block).find()).isTrue();
    }
}
