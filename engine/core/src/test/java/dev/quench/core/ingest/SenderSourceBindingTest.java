package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.AuditEntry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sender token made through the API posts only to the webhook sources it is bound to, generic sources
 * included; the roles above sender post to every source.
 */
class SenderSourceBindingTest {

    private static final String UPTIME_BODY = "{\"name\": \"DiskSpaceLow\"}";

    @TempDir
    Path temp;

    private IngestEngine engine;

    @BeforeEach
    void start() throws Exception {
        engine = IngestEngine.start(temp, """
                sources:
                  uptime:
                    mapping: {name: /name}
                  nagios:
                    mapping: {name: /name}
                """, Map.of());
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void aSenderBoundToOneGenericSourcePostsThereAndIsRefusedElsewhereOnTheAuditTrail() throws Exception {
        HttpResponse<String> made = createToken("{\"name\": \"uptime-robot\", \"role\": \"sender\", "
                + "\"sources\": [\"uptime\"]}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        JsonNode token = IngestEngine.json(made);
        assertThat(token.path("sources")).extracting(JsonNode::asText).containsExactly("uptime");
        String secret = token.path("token").asText();

        HttpResponse<String> accepted = awaitAccepted("/hooks/generic/uptime", secret);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        Instant before = Instant.now().minusMillis(5);
        HttpResponse<String> nagios = engine.post("/hooks/generic/nagios", UPTIME_BODY, "Authorization", "Bearer " + secret);
        HttpResponse<String> alertmanager = engine.post("/hooks/alertmanager", "{\"alerts\": []}", "Authorization",
                "Bearer " + secret);
        HttpResponse<String> api = engine.post("/api/v1/pause", "{}", "Authorization", "Bearer " + secret);

        assertThat(nagios.statusCode()).isEqualTo(403);
        assertThat(IngestEngine.json(nagios).path("detail").asText()).isEqualTo("token 'uptime-robot' is a sender bound "
                + "to uptime; posting to source nagios needs a sender token bound to nagios (quench tokens create "
                + "NAME --role sender --source nagios)");
        assertThat(alertmanager.statusCode()).isEqualTo(403);
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(IngestEngine.json(api).path("detail").asText()).endsWith("needs role viewer (or a higher role) "
                + "(a sender token may only post alerts to the webhook sources it is bound to: uptime)");
        List<AuditEntry> entries = awaitAudit("uptime-robot", before, 3);
        assertThat(entries).extracting(AuditEntry::action, AuditEntry::outcome, AuditEntry::role).contains(
                org.assertj.core.groups.Tuple.tuple("POST /hooks/generic/nagios", "forbidden", "sender"),
                org.assertj.core.groups.Tuple.tuple("POST /hooks/alertmanager", "forbidden", "sender"),
                org.assertj.core.groups.Tuple.tuple("POST /api/v1/pause", "forbidden", "sender"));
        assertThat(engine.alerts("?source=nagios")).as("nothing of the refused post was stored").isEmpty();
    }

    @Test
    void aViewerPostsToEverySource() throws Exception {
        HttpResponse<String> made = createToken("{\"name\": \"dashboard\", \"role\": \"viewer\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        assertThat(IngestEngine.json(made).path("sources")).isEmpty();

        String secret = IngestEngine.json(made).path("token").asText();
        assertThat(awaitAccepted("/hooks/generic/uptime", secret).statusCode()).isEqualTo(202);
        assertThat(engine.post("/hooks/generic/nagios", UPTIME_BODY, "Authorization", "Bearer " + secret).statusCode())
                .isEqualTo(202);
    }

    @Test
    void theApiRefusesASenderWithoutSourcesAnUnknownSourceAndSourcesThatAreNotAList() throws Exception {
        assertThat(refusal("{\"name\": \"a\", \"role\": \"sender\"}")).isEqualTo("422 a sender token may only post to "
                + "the webhook sources it is bound to, and none was named: name each source it posts to "
                + "(--source alertmanager, repeated for more)");
        assertThat(refusal("{\"name\": \"a\", \"role\": \"sender\", \"sources\": [\"prometheus\"]}")).isEqualTo(
                "422 unknown source 'prometheus': the sources are alertmanager, grafana, nagios, pagerduty, uptime "
                        + "(a generic source is the NAME of sources.NAME.mapping in quench.yaml, posted to "
                        + "/hooks/generic/NAME)");
        assertThat(refusal("{\"name\": \"a\", \"role\": \"sender\", \"sources\": \"uptime\"}")).isEqualTo(
                "422 'sources' must be a list of strings, got uptime");
        assertThat(refusal("{\"name\": \"a\", \"role\": \"admin\", \"sources\": [\"uptime\"]}")).isEqualTo(
                "422 only a sender token is bound to webhook sources; a token of role admin may post to every "
                        + "source: leave out the sources (--source)");
        assertThat(engine.harness.engine().store().tokens().find("a")).isEmpty();
    }

    private HttpResponse<String> createToken(String body) throws Exception {
        return engine.harness.post("/api/v1/tokens", body.getBytes(StandardCharsets.UTF_8),
                engine.harness.engine().apiToken().value());
    }

    private String refusal(String body) throws Exception {
        HttpResponse<String> answer = createToken(body);
        return answer.statusCode() + " " + IngestEngine.json(answer).path("detail").asText();
    }

    /** A token made through the API works at once on this engine; polled anyway, bounded. */
    private HttpResponse<String> awaitAccepted(String path, String secret) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        HttpResponse<String> answer = engine.post(path, UPTIME_BODY, "Authorization", "Bearer " + secret);
        while (answer.statusCode() == 401 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            answer = engine.post(path, UPTIME_BODY, "Authorization", "Bearer " + secret);
        }
        return answer;
    }

    private List<AuditEntry> awaitAudit(String actor, Instant since, int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        List<AuditEntry> entries = engine.harness.engine().store().audit().list(actor, null, since, 10);
        while (entries.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            entries = engine.harness.engine().store().audit().list(actor, null, since, 10);
        }
        return entries;
    }
}
