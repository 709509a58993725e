package dev.quench.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path must agree with {@link OffsetDateTime#parse} on every input: same instant, or both refuse. */
class Rfc3339Test {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-20T02:58:14.117Z", "2026-11-20T02:58:14Z", "0001-01-01T00:00:00Z",
            "2026-11-20T03:58:14.117+01:00", "2026-11-19T21:28:14.117123456-05:30", "2024-02-29T23:59:59.9Z",
            "2026-11-20T02:58:14.1170000Z", "9999-12-31T23:59:59.999999999+18:00", "1970-01-01T00:00:00.000001Z"})
    void readsTheShapesSendersWriteExactlyAsTheJdkDoes(String text) {
        assertThat(Rfc3339.parse(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T00:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T02:60:00Z",
            "2026-11-20T02:58:14.1234567891Z", "2026-11-20T02:58:14", "2026-11-20 02:58:14Z",
            "2026-11-20T02:58:14+1:00", "2026-11-20T02:58:14+19:00", "2026-1a-20T02:58:14Z", "yesterday", "",
            "2026-11-20T02:58:14.117ZZ", "+2026-11-20T02:58:14Z", "2026-11-20T02:58:14.\u0661Z",
            "2026-11-20T02:58:14.11\u0663Z"})
    void refusesWhatTheJdkRefuses(String text) {
        assertThatThrownBy(() -> OffsetDateTime.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Rfc3339.parse(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void agreesWithTheJdkOnThousandsOfMutatedTimes() {
        Random random = new Random(42);
        String alphabet = "0123456789-:T.Z+z \u0661\u0969";
        for (int round = 0; round < 20_000; round++) {
            char[] text = "2026-11-20T02:58:14.117+01:00".toCharArray();
            for (int change = random.nextInt(3); change >= 0; change--) {
                text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String candidate = new String(text, 0, 19 + random.nextInt(text.length - 18));
            Instant expected;
            try {
                expected = OffsetDateTime.parse(candidate).toInstant();
            } catch (DateTimeParseException e) {
                assertThatThrownBy(() -> Rfc3339.parse(candidate)).as(candidate).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(Rfc3339.parse(candidate)).as(candidate).isEqualTo(expected);
        }
    }
}
