package dev.quench.plugin.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builder names every part of an http.request step and checks them exactly as the record does. */
class HttpRequestConfigBuilderTest {

    @Test
    void unsetPartsMeanWhatTheRecordSays() {
        HttpRequestConfig config = HttpRequestConfig.builder().url("https://api.example.com/v1/flush").build();

        assertThat(config).isEqualTo(new HttpRequestConfig(null, "https://api.example.com/v1/flush", null, null, null,
                null, null, null, null, null, null, null, null));
        assertThat(config.method()).isEqualTo("GET");
        assertThat(config.followRedirects()).isTrue();
        assertThat(config.expectJson()).isFalse();
        assertThat(config.headers()).isEmpty();
    }

    @Test
    void everyPartReachesTheRecord() {
        HttpRequestConfig config = HttpRequestConfig.builder().method("post").url("https://api.example.com/v1/flush")
                .headers(Map.of("X-Team", "storage")).query(Map.of("q", "1")).json(Map.of("a", 1))
                .basicAuth(new HttpRequestConfig.BasicAuth("ops", "pw")).expectStatus(List.of(202))
                .timeout(Duration.ofSeconds(3)).followRedirects(false).expectJson(true).build();

        assertThat(config).isEqualTo(new HttpRequestConfig("POST", "https://api.example.com/v1/flush",
                Map.of("X-Team", "storage"), Map.of("q", "1"), Map.of("a", 1), null, null,
                new HttpRequestConfig.BasicAuth("ops", "pw"), List.of(202), Duration.ofSeconds(3), false, null, true));
        assertThat(HttpRequestConfig.builder().url("https://x.example/").body("text").bearerToken("t").build())
                .extracting(HttpRequestConfig::body, HttpRequestConfig::bearerToken).containsExactly("text", "t");
    }

    @Test
    void buildChecksLikeTheRecord() {
        assertThatThrownBy(() -> HttpRequestConfig.builder().method("GET").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("http.request: url is required");
        assertThatThrownBy(() -> HttpRequestConfig.builder().url("https://x.example/").json(Map.of()).body("b").build())
                .hasMessage("http.request: set either json (sent as application/json) or body (sent as text), not both");
    }
}
