package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.EngineHarness;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf-token\" content=\"([0-9a-f]{64})\">");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    static Path temp;

    private static EngineHarness quench;

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
        HttpResponse<String> answer = signIn(token);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
        String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring("quench_session=".length(), cookie.indexOf(';'));
    }

    private static HttpResponse<String> signIn(String token) throws Exception {
        return send(HttpRequest.newBuilder(quench.uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin())
                .POST(form("token", token, "next", "/runs")));
    }

    private static HttpResponse<String> get(String path, String session) throws Exception {
        return send(HttpRequest.newBuilder(quench.uri(path)).header("Cookie", "quench_session=" + session).GET());
    }

    /** A form POST with the session's CSRF token and a same-origin Origin, as the browser sends it. */
    private static HttpResponse<String> post(String path, String session, String... fields) throws Exception {
        Matcher meta = CSRF_META.matcher(get("/runs", session).body());
        assertThat(meta.find()).isTrue();
        String[] all = new String[fields.length + 2];
        all[0] = "_csrf";
        all[1] = meta.group(1);
        System.arraycopy(fields, 0, all, 2, fields.length);
        return send(HttpRequest.newBuilder(quench.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "quench_session=" + session).header("Origin", origin()).POST(form(all)));
    }

    private static String origin() {
        return "http://127.0.0.1:" + quench.engine().port();
    }

    private static HttpRequest.BodyPublisher form(String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int index = 0; index < pairs.length; index += 2) {
            body.append(index == 0 ? "" : "&").append(pairs[index]).append('=')
                    .append(URLEncoder.encode(pairs[index + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.BodyPublishers.ofString(body.toString());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
