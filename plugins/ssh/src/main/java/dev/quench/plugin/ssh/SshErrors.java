package dev.quench.plugin.ssh;

import com.jcraft.jsch.JSchException;
import dev.quench.api.StepFailedException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns connection failures into messages for the on-call engineer: what failed, on which host
 * ({@code name (address:port)}), and what to do. The original exception stays attached as cause.
 */
final class SshErrors {

    private SshErrors() {
    }

    /** Explains a failed connect or login. */
    static StepFailedException connectFailed(SshTarget target, JSchException failure, HostKeyVerifier verifier,
                                              Duration connectTimeout) {
        String where = target.display() + ": ";
        Optional<HostKeyRejection> rejection = verifier.rejection();
        if (rejection.isPresent()) {
            return new StepFailedException(where + hostKeyMessage(target, rejection.get()), failure);
        }
        if (verifier.readFailure().isPresent()) {
            var readFailure = verifier.readFailure().get();
            StepFailedException error = new StepFailedException(where + "cannot read the known_hosts file "
                    + verifier.getKnownHostsRepositoryID() + " (" + readFailure + "), so the host key cannot be "
                    + "verified; Quench did not log in. Check the file's permissions for the user Quench runs as.",
                    failure);
            error.addSuppressed(readFailure);
            return error;
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (hasCause(failure, UnknownHostException.class)) {
            return new StepFailedException(where + "unknown host name '" + target.address()
                    + "' (DNS lookup failed). Check the host in the step or its address in the inventory.", failure);
        }
        if (hasCause(failure, ConnectException.class)) {
            return new StepFailedException(where + "connection refused: nothing accepts SSH connections on port "
                    + target.port() + ". Is sshd running on the host, and is the port right?", failure);
        }
        if (hasCause(failure, NoRouteToHostException.class)) {
            return new StepFailedException(where + "no route to host: the network cannot reach "
                    + target.address() + ". Is the host up, and is the address right?", failure);
        }
        if (hasCause(failure, SocketTimeoutException.class) || message.startsWith("timeout")) {
            return new StepFailedException(where + "connect timed out after " + Durations.describe(connectTimeout)
                    + " (connectTimeout, or what was left of the step's timeout); the host did not answer. Is it up, and does a "
                    + "firewall drop SSH traffic?", failure);
        }
        if (message.startsWith("Auth fail") || message.startsWith("Auth cancel")) {
            return new StepFailedException(where + "authentication failed for user '" + target.user()
                    + "' with key " + describeKeys(target) + ". Check that its public key is in ~"
                    + target.user() + "/.ssh/authorized_keys on the host, or set user/identity in the step, "
                    + "the inventory or the ssh: settings.", failure);
        }
        if (message.startsWith("Algorithm negotiation fail")) {
            return new StepFailedException(where + LegacyAlgorithms.explain(message), failure);
        }
        if (message.contains("closed by foreign host")) {
            return new StepFailedException(where + "the server closed the connection before the SSH handshake "
                    + "(sshd refusing connections, MaxStartups reached, or not an SSH server on port "
                    + target.port() + ")", failure);
        }
        return new StepFailedException(where + "cannot connect: " + message, failure);
    }

    /**
     * Explains a failed connect or login to a target behind a jump host: the jump host could not open
     * the connection onwards, or the target itself refused (host key, login) through the tunnel.
     */
    static StepFailedException connectThroughJumpFailed(SshTarget target, JSchException failure,
                                                         HostKeyVerifier verifier, Duration connectTimeout,
                                                         Optional<JSchException> openFailure, boolean timedOut) {
        SshTarget jump = target.jump().orElseThrow();
        String where = target.display() + ": ";
        if (openFailure.isPresent()) {
            return new StepFailedException(where + "the jump host " + jump.display() + " could not open a connection "
                    + "to " + target.hostAndPort() + " (" + openFailure.get().getMessage() + "). Is sshd running on "
                    + target.name() + ", is " + target.address() + " the address the jump host reaches it by, and does "
                    + "the jump host's sshd allow TCP forwarding (AllowTcpForwarding yes, or PermitOpen)? The command "
                    + "was not run.", failure);
        }
        if (timedOut && verifier.rejection().isEmpty()) {
            return new StepFailedException(where + "connect through the jump host " + jump.display()
                    + " timed out after " + Durations.describe(connectTimeout) + " (connectTimeout, or what was left "
                    + "of the step's timeout): " + target.hostAndPort() + " did not complete the SSH handshake. "
                    + "The command was not run.", failure);
        }
        return connectFailed(target, failure, verifier, connectTimeout);
    }

    /**
     * Explains a command whose channel closed without an exit status: when the SSH connection itself
     * is gone, the target dropped (rebooted, sshd killed, network cut) while the command ran.
     */
    /** The connection ended because the server stopped answering, without closing it. */
    static String noAnswer(SshTarget target, Duration silence, String keepalives) {
        return target.display() + ": no answer from the server for " + silence.toSeconds() + " s while the command "
                + "ran (" + keepalives + "; ssh.serverAliveInterval and ssh.serverAliveCountMax), so Quench closed "
                + "the connection: the host froze, or the network between Quench and it drops packets (a firewall, a "
                + "failed link). Quench does not know whether the command finished there: check the host before "
                + "running the step again.";
    }

    static String endedWithoutExitStatus(SshTarget target, boolean connectionLost) {
        if (connectionLost) {
            return target.display() + ": connection lost while the command ran (the server closed the SSH"
                    + " connection, or the network dropped it): the host may be rebooting, or sshd was restarted or"
                    + " killed. Quench does not know whether the command finished there: check the host before"
                    + " running the step again.";
        }
        return target.display() + ": the command ended without an exit status: it was killed by a signal, or the"
                + " connection was lost";
    }

    private static String hostKeyMessage(SshTarget target, HostKeyRejection rejection) {
        String key = rejection.keyType() + " key " + rejection.fingerprint();
        String portOption = target.port() == SshTarget.DEFAULT_PORT ? "" : "-p " + target.port() + " ";
        return switch (rejection.status()) {
            case UNKNOWN -> "unknown host key: " + rejection.hostName() + " is not in " + rejection.file()
                    + " and Quench never accepts unknown host keys. The server offered " + key + ". "
                    + "Check that fingerprint with the host's owner (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub "
                    + "on the host), then add the key: ssh-keyscan " + portOption + "-t " + rejection.keyType()
                    + " " + target.address() + " >> " + rejection.file()
                    + " (or set ssh.hostKeyPolicy: tofu to pin keys on first use). The command was not run.";
            case CHANGED -> "HOST KEY CHANGED! The server offered " + key + ", but " + rejection.file()
                    + lineSuffix(rejection) + " holds a different " + rejection.keyType() + " key for "
                    + rejection.hostName() + ". Someone may be intercepting the connection (man-in-the-middle), "
                    + "or the host was reinstalled. Quench refused to connect and did not run the command. "
                    + "Verify the new key with the host's owner before replacing that line.";
            case REVOKED -> "the server offered " + key + ", which " + rejection.file() + lineSuffix(rejection)
                    + " marks as @revoked: a revoked key may be stolen. Quench refused to connect and did not "
                    + "run the command.";
            case MATCH -> throw new IllegalStateException("a matching key is never a rejection");
        };
    }

    private static String lineSuffix(HostKeyRejection rejection) {
        return rejection.lineNumber().map(line -> " line " + line).orElse("");
    }

    /** The key files offered, with where they came from. */
    static String describeKeys(SshTarget target) {
        String files = target.identities().stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("(none)");
        return files + " (" + target.identitySource() + ")";
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
