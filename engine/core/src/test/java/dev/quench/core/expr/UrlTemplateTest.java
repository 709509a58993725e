package dev.quench.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values inserted into a URL field: encoded for the part they land in, never deciding where the request goes. */
class UrlTemplateTest {

    private static final Alert ALERT = new Alert("alertmanager", "abc123", AlertStatus.FIRING,
            Map.of("alertname", "CacheCold", "service", "../../admin/drop?all=1#", "query", "a&b=c #d+é",
                    "host", "evil.example", "dots", ".."),
            Map.of(), Instant.parse("2024-05-01T03:00:00Z"), null, "");

    private static final ExpressionScope SCOPE = ExpressionScope.of(ALERT,
            Map.of("adminUrl", "https://admin.internal:8443", "region", "eu 1"), Map.of(), Map.of(), Map.of("PORT", "8080"));

    private static String url(String text) {
        return (String) Template.compile(text).render(SCOPE, RenderMode.URL);
    }

    @Test
    void anAlertValueInTheUrlPathStaysOneEncodedSegment() {
        assertThat(url("${{ params.adminUrl }}/caches/${{ alert.labels.service }}/warm"))
                .isEqualTo("https://admin.internal:8443/caches/..%2F..%2Fadmin%2Fdrop%3Fall%3D1%23/warm");
        assertThat(url("https://cache.internal/${{ alert.labels.dots }}/warm")).isEqualTo("https://cache.internal/%2E%2E/warm");
        assertThat(url("https://cache.internal/${{ params.region }}")).isEqualTo("https://cache.internal/eu%201");
    }

    @Test
    void anAlertValueInTheQueryStaysOneEncodedValue() {
        assertThat(url("https://search.internal/find?q=${{ alert.labels.query }}&limit=5"))
                .isEqualTo("https://search.internal/find?q=a%26b%3Dc%20%23d%2B%C3%A9&limit=5");
        assertThat(url("https://search.internal?${{ alert.labels.query }}=1#${{ alert.labels.service }}"))
                .isEqualTo("https://search.internal?a%26b%3Dc%20%23d%2B%C3%A9=1#..%2F..%2Fadmin%2Fdrop%3Fall%3D1%23");
    }

    @Test
    void rawInsertsTheValueAsItIs() {
        assertThat(url("https://cache.internal/${{ raw(alert.labels.service) }}"))
                .isEqualTo("https://cache.internal/../../admin/drop?all=1#");
        assertThat(url("https://${{ raw(alert.labels.host) }}:${{ env.PORT }}/x")).isEqualTo("https://evil.example:8080/x");
    }

    @Test
    void alertDataInTheSchemeHostOrPortIsRefusedUnlessRaw() {
        for (String text : new String[] {"https://${{ alert.labels.host }}/x", "${{ alert.labels.host }}/x",
                "https://cache.internal:${{ alert.labels.port }}/x", "${{ params.adminUrl + alert.labels.service }}",
                "https://${{ raw(alert.labels.host) + '.internal' }}/x"}) {
            Template template = Template.compile(text);
            assertThat(template.urlProblem()).as(text).isPresent();
            assertThatThrownBy(() -> template.render(SCOPE, RenderMode.URL)).as(text).isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("inserts alert data into the scheme, host or port of a URL");
        }
        assertThat(Template.compile("https://${{ alert.labels.host }}/x").urlProblem().orElseThrow())
                .hasMessage("${{ alert.labels.host }} puts alert data in the scheme, host or port of a URL, so an alert "
                        + "could send this request (and its credentials) anywhere: take the host from params or env, or "
                        + "wrap it in raw(...) if the alert's sender is trusted");
        for (String text : new String[] {"${{ params.adminUrl }}/caches/${{ alert.labels.service }}",
                "https://${{ env.PORT }}:${{ params.region }}/x", "https://${{ raw(alert.labels.host) }}/x",
                "http://cache.internal/?q=${{ alert.labels.host }}", "http://cache.internal#${{ alert.labels.host }}"}) {
            assertThat(Template.compile(text).urlProblem()).as(text).isEmpty();
        }
    }
}
