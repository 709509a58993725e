package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.EngineHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site param ({@code site: true}) on the run-now form, over HTTP without a browser: shown with where its value
 * comes from but with no input, a forged value refused (422) without starting anything, and the dry run planned
 * with the site's value.
 */
class SiteParamsConsoleTest {


    @TempDir
    static Path temp;

    private static EngineHarness quench;
    private static ConsoleHttp http;

    @BeforeAll
    static void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("health-probe.yaml"), """
                name: health-probe
                params:
                  healthUrl: {type: string, site: true, default: "http://127.0.0.1/health", description: what curl fetches}
                  service: {type: string, default: web}
                steps:
                  - {id: probe, uses: shell.exec, with: {command: 'echo probe ${{ params.service }} ${{ params.healthUrl }}'}}
                """);
        quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks)
                .withRunbookParams(Map.of("health-probe", Map.of("healthUrl", "http://10.0.0.7/health"))));
        http = new ConsoleHttp(quench);
    }

    @AfterAll
    static void stop() {
        quench.close();
    }

    @Test
    void theRunNowFormShowsASiteParamWithoutAnInputAndRefusesAForgedValueWithoutStartingAnything() throws Exception {
        String admin = session(quench.engine().apiToken().value());

        String page = get("/runbooks/health-probe", admin).body();
        HttpResponse<String> forgedPlan = post("/runbooks/health-probe/plan", admin, "param.service", "web",
                "param.healthUrl", "http://169.254.169.254/latest/meta-data/");
        HttpResponse<String> forgedRun = post("/runbooks/health-probe/run", admin,
                "param.healthUrl", "http://169.254.169.254/latest/meta-data/");
        HttpResponse<String> plan = post("/runbooks/health-probe/plan", admin, "param.service", "api");

        assertThat(page).contains("name=\"param.service\"").doesNotContain("name=\"param.healthUrl\"")
                .contains("healthUrl <span class=\"type\">(string, site configuration)</span>")
                .contains("set by the site, not by a run");
        for (HttpResponse<String> forged : List.of(forgedPlan, forgedRun)) {
            assertThat(forged.statusCode()).isEqualTo(422);
            assertThat(forged.body()).contains("healthUrl: site configuration (site: true): the form does not take it; "
                    + "its value is the runbook's default or the site's (params: in quench.yaml)");
        }
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        assertThat(plan.body()).contains("echo probe api http://10.0.0.7/health").doesNotContain("name=\"param.healthUrl\"");
        assertThat(quench.engine().store().runs().list(null, null, 1000)).isEmpty();
    }

    private static String session(String token) throws Exception {
        return http.session(token);
    }

    private static HttpResponse<String> signIn(String token) throws Exception {
        return http.signIn(token, "/runs");
    }

    private static HttpResponse<String> get(String path, String session) throws Exception {
        return http.get(path, session);
    }

    private static HttpResponse<String> post(String path, String session, String... fields) throws Exception {
        return http.post(path, session, fields);
    }

    private static String origin() {
        return http.origin();
    }

    private static HttpRequest.BodyPublisher form(String... pairs) {
        return ConsoleHttp.form(pairs);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request);
    }
}
