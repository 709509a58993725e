package dev.quench.plugin.ssh;

import com.jcraft.jsch.Session;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSch's check of which key exchanges this JVM can do, done once per JVM instead of on every connection.
 *
 * <p>Before its KEXINIT, every JSch session tries each key exchange named in {@code CheckKexes} that its
 * {@code kex} list offers by running it with a fresh ephemeral key pair (ML-KEM-768 + X25519, X25519 twice),
 * and drops the ones that fail (a missing provider, an old JDK). The answer depends only on the JVM, the
 * classpath and the configuration, yet it cost more CPU than the real key exchange: a quarter of the client's
 * samples in a 1,000-target fan-out. {@link #apply} asks JSch's own check once per configuration (it is
 * private, and the key exchange classes it instantiates are package-private, so by reflection), remembers
 * the answer, and gives each session its {@code kex} list with the unavailable ones removed, in the same
 * order, with {@code CheckKexes} emptied. The proposal the server sees is the one JSch would have sent:
 * nothing is weakened or reordered. If JSch's check cannot be reached (a JSch version without it, or a
 * module that does not open it), the session is left alone and JSch checks on every connection, as before.
 * Thread-safe.
 */
final class KexAvailability {

    /** JSch's answer (the unavailable key exchanges) per configuration; empty: JSch's check is unreachable. */
    private static final Map<String, Optional<List<String>>> UNAVAILABLE = new ConcurrentHashMap<>();

    private KexAvailability() {
    }

    /** Sets {@code session}'s {@code kex} to its available key exchanges and turns JSch's own check off. */
    static void apply(Session session) {
        Objects.requireNonNull(session, "session");
        String offered = session.getConfig("kex");
        String checked = session.getConfig("CheckKexes");
        if (offered == null || checked == null || checked.isEmpty()) {
            return;
        }
        StringBuilder configuration = new StringBuilder(offered).append('\n').append(checked);
        for (String name : checked.split(",")) {
            configuration.append('\n').append(session.getConfig(name));
        }
        Optional<List<String>> unavailable = UNAVAILABLE.computeIfAbsent(configuration.toString(),
                ignored -> jschCheck(session, checked));
        if (unavailable.isEmpty()) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String name : offered.split(",")) {
            if (!unavailable.get().contains(name)) {
                kept.add(name);
            }
        }
        // Left as it was when nothing is left: JSch's own check then fails with its usual message.
        if (!kept.isEmpty()) {
            session.setConfig("kex", String.join(",", kept));
            session.setConfig("CheckKexes", "");
        }
    }

    /** JSch's own {@code Session.checkKexes}, run on a session that is not connected yet, as JSch runs it. */
    private static Optional<List<String>> jschCheck(Session session, String checked) {
        try {
            Method check = Session.class.getDeclaredMethod("checkKexes", String.class);
            check.setAccessible(true);
            String[] unavailable = (String[]) check.invoke(session, checked);
            return Optional.of(unavailable == null ? List.of() : List.of(unavailable));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError ignored) {
            // Not reachable in this JSch or module layout: keep JSch's per-connection check (slower, same result).
            return Optional.empty();
        }
    }
}
