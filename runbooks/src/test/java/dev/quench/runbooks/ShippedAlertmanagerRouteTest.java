package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The example Alertmanager configuration routes to Quench exactly the alertnames the shipped
 * runbooks handle: a route naming an alert no runbook matches (or a runbook whose alert is not
 * routed) is a broken example, found here rather than by a user.
 */
class ShippedAlertmanagerRouteTest {

    private static final Path ALERTMANAGER = Path.of("../deploy/alertmanager/alertmanager.yml");
    /** {@code alertname="A"} or {@code alertname=~"A|B"}, in a runbook's matchers and in a route alike. */
    private static final Pattern ALERTNAMES = Pattern.compile("alertname=~?\"([A-Za-z0-9_|]+)\"");

    @Test
    void theExampleRouteSendsQuenchTheAlertnamesTheShippedRunbooksMatch() throws IOException {
        Set<String> routed = new TreeSet<>();
        JsonNode config = Json.yaml().readTree(ALERTMANAGER.toFile());
        for (JsonNode route : config.path("route").path("routes")) {
            if (route.path("receiver").asText().equals("quench")) {
                for (JsonNode matcher : route.path("matchers")) {
                    Matcher names = ALERTNAMES.matcher(matcher.asText());
                    if (names.find()) {
                        routed.addAll(List.of(names.group(1).split("\\|")));
                    }
                }
            }
        }
        Set<String> handled = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("."))) {
            for (Path runbook : files.filter(file -> file.toString().endsWith(".yaml")
                    && !file.toString().endsWith(".test.yaml")).toList()) {
                Matcher names = ALERTNAMES.matcher(Files.readString(runbook));
                while (names.find()) {
                    handled.addAll(List.of(names.group(1).split("\\|")));
                }
            }
        }

        assertThat(handled).as("alertnames the shipped runbooks match").isNotEmpty();
        assertThat(routed).as("alertnames %s routes to the quench receiver", ALERTMANAGER).isEqualTo(handled);
    }
}
