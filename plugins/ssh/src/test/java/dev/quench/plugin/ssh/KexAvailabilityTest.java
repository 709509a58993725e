package dev.quench.plugin.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The once-per-JVM key exchange check proposes exactly what JSch's own per-connection check would. JSch's
 * check is private; reading it by reflection here (never in Quench) means a JSch upgrade that changes it
 * fails this test instead of silently changing what Quench proposes.
 */
class KexAvailabilityTest {

    private static Session unconnected() throws Exception {
        return new JSch().getSession("probe", "127.0.0.1", 22);
    }

    /** What JSch itself would offer: its kex list minus what its own check finds unavailable. */
    private static String jschOwnProposal(Session session) throws Exception {
        Method check = Session.class.getDeclaredMethod("checkKexes", String.class);
        check.setAccessible(true);
        String[] unavailable = (String[]) check.invoke(session, session.getConfig("CheckKexes"));
        List<String> dropped = unavailable == null ? List.of() : Arrays.asList(unavailable);
        return String.join(",", Arrays.stream(session.getConfig("kex").split(","))
                .filter(name -> !dropped.contains(name)).toList());
    }

    @Test
    void proposesWhatJschWouldWithItsPostQuantumHybridFirst() throws Exception {
        Session reference = unconnected();
        String expected = jschOwnProposal(reference);
        Session session = unconnected();

        KexAvailability.apply(session);

        assertThat(session.getConfig("kex")).isEqualTo(expected);
        assertThat(session.getConfig("kex")).startsWith("mlkem768x25519-sha256,curve25519-sha256");
        assertThat(session.getConfig("CheckKexes")).isEmpty();
    }

    @Test
    void dropsAKeyExchangeThisJvmCannotDoLikeJschDoes() throws Exception {
        Session reference = unconnected();
        Session session = unconnected();
        for (Session each : List.of(reference, session)) {
            each.setConfig("kex", "quench-missing-kex," + each.getConfig("kex"));
            each.setConfig("CheckKexes", "quench-missing-kex," + each.getConfig("CheckKexes"));
            each.setConfig("quench-missing-kex", "dev.quench.NoSuchKeyExchange");
        }
        String expected = jschOwnProposal(reference);

        KexAvailability.apply(session);

        assertThat(session.getConfig("kex")).isEqualTo(expected).doesNotContain("quench-missing-kex")
                .startsWith("mlkem768x25519-sha256");
    }

    @Test
    void leavesASessionWithNothingAvailableToJschsOwnError() throws Exception {
        Session session = unconnected();
        session.setConfig("kex", "quench-missing-kex");
        session.setConfig("CheckKexes", "quench-missing-kex");
        session.setConfig("quench-missing-kex", "dev.quench.NoSuchKeyExchange");

        KexAvailability.apply(session);

        assertThat(session.getConfig("kex")).isEqualTo("quench-missing-kex");
        assertThat(session.getConfig("CheckKexes")).isEqualTo("quench-missing-kex");
    }
}
