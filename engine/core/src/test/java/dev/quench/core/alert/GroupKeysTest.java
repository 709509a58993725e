package dev.quench.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Alertmanager's groupKey: kept on every alert of its notification, bounded, NUL refused. */
class GroupKeysTest {

    private static byte[] notification(String groupKeyJson) {
        return ("{\"version\": \"4\", \"status\": \"firing\", \"groupKey\": " + groupKeyJson + ", \"alerts\": ["
                + "{\"status\": \"firing\", \"labels\": {\"alertname\": \"A\", \"instance\": \"web-1\"}},"
                + "{\"status\": \"firing\", \"labels\": {\"alertname\": \"B\", \"instance\": \"web-2\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyAlertOfANotificationKeepsItsGroupKey() throws Exception {
        AlertmanagerPayload.Notification parsed =
                AlertmanagerPayload.parse(notification("\"{}/{severity=\\\"critical\\\"}:{alertname=\\\"A\\\"}\""));

        assertThat(parsed.alerts()).extracting(Alert::groupKey)
                .containsOnly("{}/{severity=\"critical\"}:{alertname=\"A\"}");
        assertThat(parsed.alerts().getFirst().groupKeyIfSent()).isPresent();
    }

    @Test
    void noGroupKeyOrOneThatIsNotTextIsNone() throws Exception {
        for (String absent : List.of("null", "42", "{\"a\": 1}", "\"\"")) {
            assertThat(AlertmanagerPayload.parse(notification(absent)).alerts()).as(absent)
                    .allSatisfy(alert -> assertThat(alert.groupKeyIfSent()).isEmpty());
        }
        Alert grafana = new Alert("grafana", "f", AlertStatus.FIRING, java.util.Map.of("alertname", "A"),
                java.util.Map.of(), null, null, "");
        assertThat(grafana.groupKey()).isEmpty();
    }

    @Test
    void aLongKeyKeepsItsStartAndEndsWithItsHashSoTwoLongKeysStayTwoGroups() {
        String start = "{}/{team=\"x\"}:{instance=\"" + "a".repeat(600);
        String one = GroupKeys.capped(start + "1\"}");
        String two = GroupKeys.capped(start + "2\"}");

        assertThat(one).hasSize(GroupKeys.MAX_LENGTH).startsWith("{}/{team=\"x\"}:{instance=\"aaa")
                .matches("(?s).*\\.\\.\\.sha256:[0-9a-f]{64}");
        assertThat(two).hasSize(GroupKeys.MAX_LENGTH).isNotEqualTo(one);
        assertThat(GroupKeys.capped(one)).as("capping is stable").isEqualTo(one);
        String exact = "k".repeat(GroupKeys.MAX_LENGTH);
        assertThat(GroupKeys.capped(exact)).isSameAs(exact);
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String snowmen = "x" + "\uD83D\uDE00".repeat(400); // emoji (surrogate pairs) from an odd index: the cut lands mid-pair
        String capped = GroupKeys.capped(snowmen);

        assertThat(capped.length()).isLessThanOrEqualTo(GroupKeys.MAX_LENGTH);
        String kept = capped.substring(0, capped.indexOf("...sha256:"));
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
        assertThat(new String(capped.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(capped);
    }

    @Test
    void aGroupKeyWithANulIsRefusedWithTheFieldNamed() throws Exception {
        AlertmanagerPayload.Notification parsed = AlertmanagerPayload.parse(notification("\"{}:{a=\\u0000}\""));

        assertThatThrownBy(() -> AlertLimits.DEFAULT.check(parsed.alerts()))
                .isInstanceOf(PayloadException.class).hasMessage("groupKey contains a NUL character (\\u0000)");
    }
}
