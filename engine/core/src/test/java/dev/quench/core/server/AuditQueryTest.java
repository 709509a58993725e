package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit query that GET /api/v1/audit and the console's audit screen share. */
class AuditQueryTest {

    private static final Instant NOW = Instant.parse("2026-12-05T07:00:00Z");

    @Test
    void blankFiltersCountAsAbsentAndSinceTakesADurationOrATime() {
        AuditQuery query = AuditQuery.parse(Map.of("actor", " ", "action", "pause", "since", "7d",
                "before", "120")::get, NOW, 50);

        assertThat(query).isEqualTo(new AuditQuery(null, "pause", NOW.minus(Duration.ofDays(7)), 120L, 50));
        assertThat(AuditQuery.parse(Map.of("since", "2026-12-01T00:00:00Z")::get, NOW, 50).since())
                .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void aWrongParameterIsNamedWithWhatItMustBe() {
        assertThatThrownBy(() -> AuditQuery.parse(Map.of("before", "abc")::get, NOW, 50))
                .hasMessage("before must be an entry's id (a whole number), was 'abc'");
        assertThatThrownBy(() -> AuditQuery.parse(Map.of("limit", "0")::get, NOW, 50))
                .hasMessage("limit must be 1-1000, was 0");
        assertThatThrownBy(() -> AuditQuery.parse(Map.of("since", "last week")::get, NOW, 50))
                .hasMessageStartingWith("since must be a duration back from now (30m, 7d) or an RFC 3339 time (2026-11-20T03:00:00Z), was 'last week'");
    }
}
