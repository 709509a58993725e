package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.config.ConfigException;
import dev.quench.core.config.ConfigSection;
import dev.quench.core.util.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {

    private static IngestSettings parse(String yaml) throws Exception {
        return IngestSettings.from(Json.yaml().readTree(yaml));
    }

    @Test
    void theReDeliveryWindowAndKeysDefaultTo24HoursAndTwoMillion() throws Exception {
        IngestSettings settings = parse("maxPendingAlerts: 500");

        assertThat(settings.redeliveryWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.redeliveryKeys()).isEqualTo(2_000_000);
        assertThat(IngestSettings.from(ConfigSection.of("ingest", null)).redeliveryWindow()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void theReDeliveryWindowAndKeysAreRead() throws Exception {
        IngestSettings settings = parse("redeliveryWindow: 6h\nredeliveryKeys: 50000");

        assertThat(settings.redeliveryWindow()).isEqualTo(Duration.ofHours(6));
        assertThat(settings.redeliveryKeys()).isEqualTo(50_000);
    }

    @Test
    void badReDeliverySettingsAreRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> parse("redeliveryWindow: 30s")).isInstanceOf(ConfigException.class)
                .hasMessage("ingest.redeliveryWindow: must be at least 1m, got 30s");
        assertThatThrownBy(() -> parse("redeliveryWindow: soon")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ingest.redeliveryWindow: ");
        assertThatThrownBy(() -> parse("redeliveryKeys: 10")).isInstanceOf(ConfigException.class)
                .hasMessage("ingest.redeliveryKeys: must be at least 1000, got 10");
        assertThatThrownBy(() -> parse("redeliveryKeys: lots")).isInstanceOf(ConfigException.class)
                .hasMessage("ingest.redeliveryKeys: expected an integer, got \"lots\"");
        assertThatThrownBy(() -> parse("redeliveryKeys: 3000000000")).isInstanceOf(ConfigException.class)
                .hasMessage("ingest.redeliveryKeys: expected an integer no larger than 2147483647, got 3000000000");
    }

    @Test
    void connectionTimeAndBodyLimitsAreReadWithDefaultsAndBadValuesRefused() throws Exception {
        HttpLimits defaults = parse("maxPendingAlerts: 500").http();
        HttpLimits set = parse("{maxConnections: 64, idleTimeout: 10s, requestTimeout: 2m, apiBodyLimit: 65536, "
                + "webhookBodyLimit: 10485760}").http();

        assertThat(defaults).isEqualTo(new HttpLimits(1_000, Duration.ofSeconds(30), Duration.ofSeconds(60),
                32L * 1024 * 1024, 1024L * 1024));
        assertThat(set).isEqualTo(new HttpLimits(64, Duration.ofSeconds(10), Duration.ofMinutes(2), 10_485_760, 65_536));
        assertThatThrownBy(() -> parse("maxConnections: 0")).isInstanceOf(ConfigException.class)
                .hasMessage("ingest.maxConnections: must be at least 1, got 0");
        assertThatThrownBy(() -> parse("apiBodyLimit: 1MiB")).isInstanceOf(ConfigException.class)
                .hasMessage("ingest.apiBodyLimit: expected an integer, got \"1MiB\"");
        assertThatThrownBy(() -> parse("idleTimeout: 100ms")).isInstanceOf(ConfigException.class)
                .hasMessage("ingest.idleTimeout: must be at least 1s, got 100ms");
        assertThatThrownBy(() -> parse("requestTimeout: later")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ingest.requestTimeout: ");
    }
}
