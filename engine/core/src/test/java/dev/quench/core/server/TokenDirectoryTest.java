package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the engine's copy of the tokens answers: found, expired, stale for the API but not for webhooks. */
class TokenDirectoryTest {

    @TempDir
    Path temp;

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @Test
    void anExpiredTokenIsRefusedAtOnceAndAStaleCopyRefusesTheApiButNotWebhooks() {
        MovableClock clock = new MovableClock();
        try (Store store = Store.open("jdbc:h2:file:" + temp.resolve("quench"), "sa", "")) {
            String secret = store.tokens().create("ci", Role.OPERATOR, "web-team", clock.instant().plusSeconds(10),
                    "test", clock.instant()).secret();
            TokenDirectory directory = new TokenDirectory(store, clock);
            directory.close(); // no refresh from here on: the copy ages with the clock

            assertThat(directory.authenticate("Bearer " + secret)).isEqualTo(new TokenDirectory.Lookup.Found(
                    new Principal("ci", Role.OPERATOR, "web-team")));
            assertThat(directory.authenticate("bearer  " + secret + " ")).as("scheme case, spaces")
                    .isInstanceOf(TokenDirectory.Lookup.Found.class);
            assertThat(directory.authenticate("Bearer " + secret.substring(1))).isInstanceOf(TokenDirectory.Lookup.Refused.class);
            assertThat(directory.authenticate("Basic " + secret)).isInstanceOf(TokenDirectory.Lookup.Refused.class);
            assertThat(directory.authenticate(null)).isInstanceOf(TokenDirectory.Lookup.Refused.class);

            clock.now.set(clock.instant().plusSeconds(11));
            assertThat(directory.authenticate("Bearer " + secret)).as("expired since the copy was read")
                    .isInstanceOf(TokenDirectory.Lookup.Refused.class);

            String lasting = store.tokens().create("am", Role.SENDER, null, List.of("alertmanager", "grafana"),
                    null, "test", clock.instant()).secret();
            directory.refresh();
            assertThat(directory.authenticate("Bearer " + lasting)).as("the sources travel with the principal")
                    .isEqualTo(new TokenDirectory.Lookup.Found(new Principal("am", Role.SENDER, null,
                            List.of("alertmanager", "grafana"))));
            clock.now.set(clock.instant().plus(TokenDirectory.STALE).plus(Duration.ofSeconds(1)));
            assertThat(directory.authenticate("Bearer " + lasting)).isInstanceOf(TokenDirectory.Lookup.Unavailable.class);
            assertThat(directory.authenticate("Bearer " + lasting, true)).isInstanceOf(TokenDirectory.Lookup.Found.class);
        }
    }
}
