package dev.quench.core.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.schedule.ScheduleView;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.util.Durations;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** History read from a running engine's API. */
final class ServerHistory implements History {

    private final URI server;
    private final String token;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectReader reader = Json.json().reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    ServerHistory(URI server, String token) {
        this.server = server;
        this.token = token;
    }

    @Override
    public List<RunRecord> runs(RunStatus status, String runbook, int limit) throws Exception {
        StringBuilder query = new StringBuilder("/api/v1/runs?limit=" + limit);
        if (status != null) {
            query.append("&status=").append(status.wireName());
        }
        if (runbook != null) {
            query.append("&runbook=").append(URLEncoder.encode(runbook, StandardCharsets.UTF_8));
        }
        JsonNode body = get(query.toString()).orElseThrow();
        List<RunRecord> runs = new ArrayList<>();
        for (JsonNode run : body.path("runs")) {
            runs.add(reader.treeToValue(run, RunRecord.class));
        }
        return runs;
    }

    @Override
    public Optional<RunRecord> run(String id) throws Exception {
        Optional<JsonNode> body = get("/api/v1/runs/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        return body.isEmpty() ? Optional.empty() : Optional.of(reader.treeToValue(body.get(), RunRecord.class));
    }

    @Override
    public ToilReport toil(Duration since, ToilGrouping by) throws Exception {
        return reader.treeToValue(get("/api/v1/toil?since=" + Durations.format(since) + "&by=" + by.wireName())
                .orElseThrow(), ToilReport.class);
    }

    @Override
    public List<ScheduleView> schedules() throws Exception {
        List<ScheduleView> schedules = new ArrayList<>();
        for (JsonNode schedule : get("/api/v1/schedules").orElseThrow().path("schedules")) {
            schedules.add(reader.treeToValue(schedule, ScheduleView.class));
        }
        return schedules;
    }

    private Optional<JsonNode> get(String path) throws IOException, InterruptedException {
        URI uri = server.resolve(path);
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach Quench at " + server + ": " + e.getMessage()
                    + " — is 'quench serve' running there?", e);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return Optional.of(reader.readTree(response.body()));
    }
}
