package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.EngineHarness;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console over plain HTTP, as a browser without JavaScript uses it: signs in with a token, sends the session
 * cookie, and posts forms with the page's CSRF token and a same-origin {@code Origin}. Redirects are not followed,
 * so a test sees each answer. One per test class; thread-safe.
 */
final class ConsoleHttp {

    static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf-token\" content=\"([0-9a-f]{64})\">");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final EngineHarness quench;

    ConsoleHttp(EngineHarness quench) {
        this.quench = Objects.requireNonNull(quench, "quench");
    }

    /** The sign-in form posted with {@code token}, asking to go to {@code next} afterwards. */
    HttpResponse<String> signIn(String token, String next) throws Exception {
        return send(HttpRequest.newBuilder(quench.uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin())
                .POST(form("token", token, "next", next)));
    }

    /** A new session of {@code token}: its cookie's value (the sign-in must succeed). */
    String session(String token) throws Exception {
        HttpResponse<String> answer = signIn(token, "/runs");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
        return cookieValue(answer);
    }

    /** The session cookie's value that {@code answer} set. */
    static String cookieValue(HttpResponse<String> answer) {
        String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring((ConsoleSessions.COOKIE + "=").length(), cookie.indexOf(';'));
    }

    /** The CSRF token of {@code session}, read from a page as the browser has it. */
    String csrf(String session) throws Exception {
        Matcher meta = CSRF_META.matcher(get("/runs", session).body());
        assertThat(meta.find()).as("a page carries the session's CSRF token").isTrue();
        return meta.group(1);
    }

    /** A GET of {@code path} (with its query), with {@code session}'s cookie unless it is null. */
    HttpResponse<String> get(String path, String session) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quench.uri("/") + path.substring(1))).GET();
        if (session != null) {
            request.header("Cookie", ConsoleSessions.COOKIE + "=" + session);
        }
        return send(request);
    }

    /** A form POST of {@code fields} with the session's CSRF token and a same-origin Origin, as the browser sends it. */
    HttpResponse<String> post(String path, String session, String... fields) throws Exception {
        String[] all = new String[fields.length + 2];
        all[0] = "_csrf";
        all[1] = csrf(session);
        System.arraycopy(fields, 0, all, 2, fields.length);
        return postAs(path, session, origin(), all);
    }

    /** A form POST of exactly {@code fields} (no CSRF token added) from {@code origin}. */
    HttpResponse<String> postAs(String path, String session, String origin, String... fields) throws Exception {
        return send(HttpRequest.newBuilder(quench.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", ConsoleSessions.COOKIE + "=" + session).header("Origin", origin)
                .POST(form(fields)));
    }

    /** The console's own origin. */
    String origin() {
        return "http://127.0.0.1:" + quench.engine().port();
    }

    /** A URL-encoded form body of name, value pairs. */
    static HttpRequest.BodyPublisher form(String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int index = 0; index < pairs.length; index += 2) {
            body.append(index == 0 ? "" : "&").append(pairs[index]).append('=')
                    .append(URLEncoder.encode(pairs[index + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.BodyPublishers.ofString(body.toString());
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
