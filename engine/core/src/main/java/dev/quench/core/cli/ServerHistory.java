package dev.quench.core.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.quench.core.incident.IncidentDetail;
import dev.quench.core.incident.RunbookTimes;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.store.IncidentQuery;
import dev.quench.core.store.IncidentRecord;
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
    public dev.quench.core.ledger.ToilShares toilShares(Duration since) throws Exception {
        return reader.treeToValue(get("/api/v1/toil/share?since=" + Durations.format(since)).orElseThrow(),
                dev.quench.core.ledger.ToilShares.class);
    }

    @Override
    public List<ScheduleView> schedules() throws Exception {
        List<ScheduleView> schedules = new ArrayList<>();
        for (JsonNode schedule : get("/api/v1/schedules").orElseThrow().path("schedules")) {
            schedules.add(reader.treeToValue(schedule, ScheduleView.class));
        }
        return schedules;
    }

    @Override
    public IncidentPage incidents(IncidentQuery query) throws Exception {
        StringBuilder path = new StringBuilder("/api/v1/incidents?limit=" + query.limit() + "&offset=" + query.offset());
        if (query.open() != null) {
            path.append("&status=").append(query.open() ? "open" : "resolved");
        }
        if (query.runbook() != null) {
            path.append("&runbook=").append(URLEncoder.encode(query.runbook(), StandardCharsets.UTF_8));
        }
        if (query.since() != null) {
            path.append("&since=").append(URLEncoder.encode(query.since().toString(), StandardCharsets.UTF_8));
        }
        JsonNode body = get(path.toString()).orElseThrow();
        List<IncidentRecord> incidents = new ArrayList<>();
        for (JsonNode incident : body.path("incidents")) {
            incidents.add(reader.treeToValue(incident, IncidentRecord.class));
        }
        List<RunbookTimes> times = new ArrayList<>();
        for (JsonNode time : body.path("byRunbook")) {
            times.add(reader.treeToValue(time, RunbookTimes.class));
        }
        return new IncidentPage(incidents, times);
    }

    @Override
    public Optional<IncidentDetail> incident(String id) throws Exception {
        Optional<JsonNode> body = get("/api/v1/incidents/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        return body.isEmpty() ? Optional.empty() : Optional.of(reader.treeToValue(body.get(), IncidentDetail.class));
    }

    @Override
    public Optional<String> exportIncident(String id, String format) throws Exception {
        return text("/api/v1/incidents/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/export?format="
                + URLEncoder.encode(format, StandardCharsets.UTF_8));
    }

    private Optional<JsonNode> get(String path) throws IOException, InterruptedException {
        Optional<String> text = text(path);
        return text.isEmpty() ? Optional.empty() : Optional.of(reader.readTree(text.get()));
    }

    private Optional<String> text(String path) throws IOException, InterruptedException {
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
        return Optional.of(response.body());
    }
}
