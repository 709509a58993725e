package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.Role;
import dev.quench.core.testing.EngineHarness;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's HTTP behaviour without a browser, against a real engine: sign-in and its cookie, the session
 * check, CSRF and Origin checks, security headers, assets and the console's 404s beside the API's JSON ones.
 */
class ConsoleRoutesTest {


    @TempDir
    static Path temp;

    private static EngineHarness quench;
    private static ConsoleHttp http;

    @BeforeAll
    static void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo-disk.yaml"), EngineHarness.resource("fixtures/runbooks/echo-disk.yaml"));
        quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        http = new ConsoleHttp(quench);
    }

    @AfterAll
    static void stop() {
        quench.close();
    }

    @Test
    void signingInSetsAStrictHttpOnlySessionCookieAndLeadsToTheNextPage() throws Exception {
        HttpResponse<String> answer = signIn(quench.engine().apiToken().value(), "/runs?status=failed");

        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValue("/runs?status=failed");
        String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        // Attribute names are case-insensitive (Netty writes HTTPOnly).
        assertThat(cookie.toLowerCase(java.util.Locale.ROOT)).startsWith("quench_session=")
                .contains("; path=/", "; httponly", "; samesite=strict", "; max-age=43200").doesNotContain("secure");
        assertThat(cookieValue(answer)).matches("[0-9a-f]{64}");
        // The audit trail is appended off the event loop, after the answer.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                quench.engine().store().audit().list("admin", "console.signin", Instant.EPOCH, 100)).isNotEmpty());
    }

    @Test
    void aSignInFromAnotherOriginIsRefused() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(quench.uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "https://evil.example")
                .POST(form("token", quench.engine().apiToken().value())));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(answer.body()).contains("https://evil.example");
    }

    @Test
    void aWrongTokenIsAnswered401WithTheSignInPageAndNoCookie() throws Exception {
        HttpResponse<String> answer = signIn("f".repeat(64), "/runs");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(answer.body()).contains("That token was not accepted", "id=\"token\"");
    }

    @Test
    void aPageWithoutASessionGoesToTheSignInPageAndBack() throws Exception {
        HttpResponse<String> answer = get("/runs?status=failed", null);

        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValue("/login?next="
                + URLEncoder.encode("/runs?status=failed", StandardCharsets.UTF_8));
        assertThat(get("/runs", "f".repeat(64)).headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).contains("ended=1"));
    }

    @Test
    void aSignInNeverLeadsOffTheConsole() {
        assertThat(LoginRoutes.local("//evil.example/runs")).isEqualTo("/runs");
        assertThat(LoginRoutes.local("/\\evil.example")).isEqualTo("/runs");
        assertThat(LoginRoutes.local("https://evil.example")).isEqualTo("/runs");
        assertThat(LoginRoutes.local("/login")).isEqualTo("/runs");
        assertThat(LoginRoutes.local("/runs/42?tab=steps")).isEqualTo("/runs/42?tab=steps");
    }

    @Test
    void everyConsoleAnswerCarriesTheSecurityHeaders() throws Exception {
        String session = session(quench.engine().apiToken().value());
        for (HttpResponse<String> answer : List.of(get("/runs", session), get("/login", null), get("/nowhere", session),
                get("/", null))) {
            assertThat(answer.headers().firstValue("Content-Security-Policy")).as(answer.uri().toString())
                    .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(answer.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
            assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
        HttpResponse<String> page = get("/runs", session);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("<script>", "style=\"", " onclick=");
    }

    @Test
    void aChangeWithoutTheCsrfTokenOrFromAnotherOriginIsRefusedAndChangesNothing() throws Exception {
        String session = session(quench.engine().apiToken().value());
        String csrf = csrf(session);

        HttpResponse<String> noToken = post("/logout", session, quench.uri("/").toString().replaceAll("/$", ""), null);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("no CSRF token");
        HttpResponse<String> wrongToken = post("/logout", session, origin(), "0".repeat(64));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> otherOrigin = post("/logout", session, "http://evil.example", csrf);
        assertThat(otherOrigin.statusCode()).isEqualTo(403);
        assertThat(otherOrigin.body()).contains("evil.example");
        assertThat(get("/runs", session).statusCode()).as("the session still works: nothing was changed").isEqualTo(200);

        HttpResponse<String> signOut = post("/logout", session, origin(), csrf);
        assertThat(signOut.statusCode()).isEqualTo(303);
        assertThat(get("/runs", session).statusCode()).as("signed out: the old cookie no longer works").isEqualTo(303);
    }

    @Test
    void revokingTheTokenEndsItsSessions() throws Exception {
        String token = quench.engine().store().tokens().create("revoked-viewer", Role.VIEWER, null, null, "test",
                Instant.now()).secret();
        // The engine re-reads the tokens every second (TokenDirectory.REFRESH).
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> signIn(token, "/runs").statusCode() == 303);
        String session = session(token);
        assertThat(get("/runs", session).statusCode()).isEqualTo(200);

        quench.engine().store().tokens().revoke("revoked-viewer", "test", Instant.now());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get("/runs", session).statusCode() != 200);

        HttpResponse<String> after = get("/runs", session);
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).contains("ended=1"));
    }

    @Test
    void anExpiredSessionNoLongerWorks() throws Exception {
        String id = "e".repeat(64);
        Instant signedInAt = Instant.now().minus(Duration.ofHours(13));
        quench.engine().store().consoleSessions().create(new dev.quench.core.store.ConsoleSession(
                dev.quench.core.store.TokenRepository.hash(id),
                dev.quench.core.store.TokenRepository.hash(quench.engine().apiToken().value()), "admin", signedInAt,
                signedInAt.plus(Duration.ofHours(12))));

        HttpResponse<String> answer = get("/runs", id);

        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).contains("ended=1"));
    }

    @Test
    void assetsAreServedFromTheWebJarsWithALongCacheAndNothingElseIs() throws Exception {
        String session = session(quench.engine().apiToken().value());
        String page = get("/runs", session).body();
        Matcher htmx = Pattern.compile("src=\"(/assets/htmx\\.min\\.js\\?v=[0-9a-f]{16})\"").matcher(page);
        assertThat(htmx.find()).as(page).isTrue();

        HttpResponse<String> script = get(htmx.group(1), null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("Cache-Control")).hasValue(ConsoleAssets.LONG_CACHE);
        assertThat(script.body()).contains("htmx");
        HttpResponse<String> css = get("/assets/console.css", null);
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(css.headers().firstValue("Cache-Control")).as("without the current hash").hasValue("no-cache");

        for (String path : List.of("/assets/nothing.js", "/assets/..%2f..%2fMETA-INF%2fMANIFEST.MF",
                "/assets/%2e%2e/console/console.css", "/assets/webjars/htmx.org/2.0.10/dist/htmx.js",
                "/assets/../db/migration/V1__baseline.sql")) {
            HttpResponse<String> answer = get(path, null);
            assertThat(answer.statusCode()).as(path).isIn(303, 404);
            assertThat(answer.body()).as(path).doesNotContain("create table", "Manifest-Version");
        }
    }

    @Test
    void unknownConsolePathsGetTheConsole404AndTheApiKeepsItsJson() throws Exception {
        String session = session(quench.engine().apiToken().value());
        HttpResponse<String> page = get("/no-such-screen", session);
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("not a page of the Quench console");

        HttpResponse<String> api = quench.get("/api/v1/no-such-thing");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(api.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(api.body()).startsWith("{\"error\"");
        assertThat(api.headers().firstValue("Content-Security-Policy")).isEmpty();
    }

    @Test
    void theHeadersPollBringsTheKillSwitchBannerWhenAnotherOperatorPausesAndTakesItAwayOnResume() throws Exception {
        String session = session(quench.engine().apiToken().value());
        assertThat(get("/alerts", session).body()).contains("hx-get=\"/badge/approvals?paused=false\"")
                .doesNotContain("kill-switch-banner");
        try {
            quench.engine().dispatcher().killSwitch().set(true, "other-operator", "database failover");

            HttpResponse<String> stale = poll(session, false);
            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(stale.body()).contains("<div id=\"kill-switch\" hx-swap-oob=\"true\">", "kill-switch-banner",
                    "paused by other-operator", "database failover", "hx-get=\"/badge/approvals?paused=true\"",
                    "name=\"back\" value=\"/alerts?since=7d\"");
            assertThat(poll(session, true).body()).as("nothing changed since the page showed it: the banner is left alone")
                    .doesNotContain("kill-switch");
        } finally {
            quench.engine().dispatcher().killSwitch().set(false, "other-operator", "failover done");
        }
        HttpResponse<String> resumed = poll(session, true);
        assertThat(resumed.body()).contains("<div id=\"kill-switch\" hx-swap-oob=\"true\">",
                "hx-get=\"/badge/approvals?paused=false\"").doesNotContain("kill-switch-banner");
    }

    /** The header's poll as htmx sends it from the alerts page, which shows the kill switch {@code paused} or not. */
    private static HttpResponse<String> poll(String session, boolean paused) throws Exception {
        return send(HttpRequest.newBuilder(quench.uri("/badge/approvals?paused=" + paused))
                .header("Cookie", "quench_session=" + session).header("HX-Request", "true")
                .header("HX-Current-URL", origin() + "/alerts?since=7d").GET());
    }

    private static HttpResponse<String> signIn(String token, String next) throws Exception {
        return http.signIn(token, next);
    }

    private static String session(String token) throws Exception {
        return http.session(token);
    }

    private static String csrf(String session) throws Exception {
        return http.csrf(session);
    }

    private static String cookieValue(HttpResponse<String> answer) {
        return ConsoleHttp.cookieValue(answer);
    }

    private static HttpResponse<String> get(String path, String session) throws Exception {
        return http.get(path, session);
    }

    private static HttpResponse<String> post(String path, String session, String origin, String csrf) throws Exception {
        return csrf == null ? http.postAs(path, session, origin) : http.postAs(path, session, origin, "_csrf", csrf);
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
