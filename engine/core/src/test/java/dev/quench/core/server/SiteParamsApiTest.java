package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.RunRecord;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site param ({@code site: true}) over the API: a start or a dry run that sets it is refused with 400 and the
 * reason, and records nothing; a start that leaves it out, and a scheduled run, take the site's value.
 */
class SiteParamsApiTest {

    private static final String SITE_URL = "http://10.0.0.7:8080/health";

    @TempDir
    Path temp;

    private EngineHarness harness;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("probe.yaml"), """
                name: probe
                params:
                  healthUrls: {type: map, site: true, default: {web: "http://127.0.0.1/health"}}
                  service: {default: web}
                steps:
                  - id: probe
                    uses: shell.exec
                    with: {command: "echo ${{ params.healthUrls[params.service] ?? 'none' }}"}
                """);
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks)
                .withRunbookParams(Map.of("probe", Map.of("healthUrls", "{\"web\": \"" + SITE_URL + "\"}"))));
        assertThat(harness.engine().runbooks().problems()).isEmpty();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return harness.post("/api/v1/runs", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStartOrADryRunThatSetsASiteParamIsRefusedWith400AndTheReasonAndNothingIsRecorded() throws Exception {
        for (String dryRun : List.of("false", "true")) {
            HttpResponse<String> response = post("""
                    {"runbook": "probe", "dryRun": %s, "params": {"service": "web",
                     "healthUrls": {"web": "http://169.254.169.254/latest/meta-data/"}}}""".formatted(dryRun));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            JsonNode error = Json.json().readTree(response.body());
            assertThat(error.get("error").asText()).isEqualTo("param not settable");
            assertThat(error.get("detail").asText()).isEqualTo("runbook 'probe': param 'healthUrls' is site "
                    + "configuration (site: true), which a run request cannot set: the value is the runbook's default or "
                    + "the site's (params: {probe: {healthUrls: ...}} in quench.yaml); nothing was started. Leave it out "
                    + "of the request, or change the site's value in quench.yaml");
        }
        assertThat(harness.awaitRuns(Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void aStartThatLeavesTheSiteParamOutRunsWithTheSitesValue() throws Exception {
        HttpResponse<String> response = post("{\"runbook\": \"probe\", \"params\": {\"service\": \"web\"}}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        RunRecord run = harness.run(harness.awaitRuns(Duration.ofSeconds(60)).getFirst().id());
        assertThat(run.params()).containsEntry("healthUrls", Map.of("web", SITE_URL));
        assertThat(run.steps().getFirst().rendered().get("command")).isEqualTo("echo " + SITE_URL);
    }

    @Test
    void aScheduledRunTakesTheSitesValueItHasNoParamsOfItsOwn() throws Exception {
        Runbook probe = harness.engine().runbooks().find("probe").orElseThrow();

        RunRecord run = harness.engine().dispatcher().startScheduled(probe, "schedule probe, fired by the test");

        harness.awaitRuns(Duration.ofSeconds(60));
        RunRecord finished = harness.run(run.id());
        assertThat(finished.params()).containsEntry("healthUrls", Map.of("web", SITE_URL));
        assertThat(finished.steps().getFirst().rendered().get("command")).isEqualTo("echo " + SITE_URL);
    }
}
