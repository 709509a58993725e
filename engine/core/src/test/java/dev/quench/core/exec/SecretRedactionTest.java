package dev.quench.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretRedactionTest {

    @Test
    void credentialsAreMaskedAtAnyDepthAndEverythingElseIsKept() {
        Map<String, Object> rendered = Map.of(
                "url", "https://api.example/flush",
                "bearerToken", "s3cr3t",
                "basicAuth", Map.of("user", "ops", "password", "hunter2"),
                "headers", Map.of("Authorization", "Bearer abc", "X-Trace", "1"),
                "items", List.of(Map.of("apiKey", "k")));

        Map<String, Object> stored = SecretRedaction.redact(rendered);

        assertThat(stored).containsEntry("url", "https://api.example/flush").containsEntry("bearerToken", "***");
        assertThat(stored.get("basicAuth")).isEqualTo(Map.of("user", "ops", "password", "***"));
        assertThat(stored.get("headers")).isEqualTo(Map.of("Authorization", "***", "X-Trace", "1"));
        assertThat(stored.get("items")).isEqualTo(List.of(Map.of("apiKey", "***")));
        assertThat(stored.toString()).doesNotContain("s3cr3t", "hunter2", "abc");
    }
}
