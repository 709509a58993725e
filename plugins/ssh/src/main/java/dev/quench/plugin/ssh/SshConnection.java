package dev.quench.plugin.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The SSH session to one target that all steps of a run share (it lives in the run's resources and
 * is closed when the run ends). Connects on first use and again if the server dropped the session.
 * JSch multiplexes channels over a session, so steps may use it concurrently. Thread-safe.
 */
final class SshConnection implements AutoCloseable {

    private final SshTarget target;
    private final Path knownHosts;
    private final Optional<Path> pinnedHosts;
    private final Consumer<SshConnection> onClose;
    private final JumpSessions jumpSessions;
    private final ChannelLimit channelLimit;
    /** Keepalives notice a silent peer during long quiet commands (ssh.serverAliveInterval, CountMax). */
    private final Duration serverAliveInterval;
    private final int serverAliveCountMax;
    /** The direct connection's socket activity; null through a jump host (no socket of its own). */
    private volatile ActivitySocketFactory activity;
    /** A lock rather than synchronized: connecting blocks on I/O, which would pin a virtual thread's carrier. */
    private final ReentrantLock connectLock = new ReentrantLock();
    private volatile Session session;
    private volatile boolean closed;

    /** Gives the run's shared, connected session to a jump host. */
    interface JumpSessions {
        Session session(SshTarget jump, StepContext context) throws StepFailedException;
    }

    SshConnection(SshTarget target, Path knownHosts, Optional<Path> pinnedHosts, Consumer<SshConnection> onClose,
                  JumpSessions jumpSessions, int maxChannels, Duration serverAliveInterval,
                  int serverAliveCountMax) {
        this.target = target;
        this.knownHosts = knownHosts;
        this.pinnedHosts = pinnedHosts;
        this.onClose = onClose;
        this.jumpSessions = jumpSessions;
        this.channelLimit = new ChannelLimit(maxChannels);
        this.serverAliveInterval = serverAliveInterval;
        this.serverAliveCountMax = serverAliveCountMax;
    }

    /**
     * When the connection is gone after the server went silent for at least the keepalives' window (no
     * packet, no answer to {@code serverAliveCountMax} keepalives): how long it was silent. Empty while
     * connected, or when the server closed the connection (a FIN ends the silence at once).
     */
    Optional<Duration> silentDrop() {
        Session current = session;
        ActivitySocketFactory socket = activity;
        if (current == null || current.isConnected() || socket == null) {
            return Optional.empty();
        }
        Duration silence = socket.silence();
        return silence.compareTo(serverAliveInterval.multipliedBy(serverAliveCountMax)) >= 0
                ? Optional.of(silence) : Optional.empty();
    }

    /** The keepalive settings, for messages: {@code every 5 s, 3 unanswered}. */
    String keepalives() {
        return "a keepalive every " + Durations.describe(serverAliveInterval) + ", " + serverAliveCountMax
                + " unanswered";
    }

    /** A slot for one command's channel on this connection; waits while {@code ssh.maxChannelsPerHost} are in use. */
    ChannelLimit.Permit channelPermit(StepContext context) throws StepFailedException {
        return channelLimit.acquire(target, context);
    }

    /** A connected, authenticated session; connects within the connect timeout and the step's deadline. */
    Session session(StepContext context) throws StepFailedException {
        connectLock.lock();
        try {
            if (closed) {
                throw new StepFailedException(target.display() + ": the run's SSH connection is already closed "
                        + "(the run ended)");
            }
            Session current = session;
            if (current != null && current.isConnected()) {
                return current;
            }
            if (current != null) {
                context.output().info("SSH connection to " + target.display() + " was lost; reconnecting");
            }
            session = connect(context);
            return session;
        } finally {
            connectLock.unlock();
        }
    }

    private Session connect(StepContext context) throws StepFailedException {
        Duration untilDeadline = Duration.between(Instant.now(), context.deadline());
        Duration timeout = untilDeadline.compareTo(target.connectTimeout()) < 0 ? untilDeadline : target.connectTimeout();
        if (timeout.toMillis() <= 0) {
            throw new StepFailedException(target.display() + ": no time left to connect: the step's timeout of "
                    + Durations.describe(context.timeout()) + " ran out");
        }
        JSch jsch = new JSch();
        SshIdentities.load(jsch, target);
        HostKeyVerifier verifier = new HostKeyVerifier(knownHosts, pinnedHosts);
        Session created;
        try {
            created = jsch.getSession(target.user(), target.address(), target.port());
        } catch (JSchException e) {
            throw new StepFailedException(target.display() + ": invalid SSH target: " + e.getMessage(), e);
        }
        created.setHostKeyRepository(verifier);
        // Host keys are always verified; "yes" makes JSch refuse anything our verifier does not accept.
        created.setConfig("StrictHostKeyChecking", "yes");
        created.setConfig("PreferredAuthentications", "publickey");
        KexAvailability.apply(created);
        created.setDaemonThread(true);
        Optional<JumpProxy> proxy = Optional.empty();
        if (target.jump().isPresent()) {
            SshTarget jump = target.jump().get();
            Session jumpSession;
            try {
                jumpSession = jumpSessions.session(jump, context);
            } catch (StepFailedException e) {
                throw new StepFailedException(target.display() + ": cannot reach the jump host, so Quench did not "
                        + "connect to " + target.name() + ". Jump host " + e.getMessage(), e);
            }
            proxy = Optional.of(new JumpProxy(jumpSession));
            created.setProxy(proxy.get());
            activity = null;
        } else {
            ActivitySocketFactory socket = new ActivitySocketFactory(timeout);
            created.setSocketFactory(socket);
            activity = socket;
        }

        context.output().info("connecting to " + target.display() + " as " + target.user());
        // Cancelling while connecting aborts the handshake; once connected, the session belongs to the run.
        AtomicBoolean connecting = new AtomicBoolean(true);
        AtomicBoolean timedOut = new AtomicBoolean();
        context.cancellation().onCancel(() -> {
            if (connecting.get()) {
                created.disconnect();
            }
        });
        if (proxy.isPresent()) {
            // Through a jump host there is no socket whose read timeout could end a stalled handshake.
            CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (connecting.get()) {
                    timedOut.set(true);
                    created.disconnect();
                }
            });
        }
        try {
            created.connect((int) Math.max(1, timeout.toMillis()));
            created.setServerAliveInterval((int) Math.min(Integer.MAX_VALUE, serverAliveInterval.toMillis()));
            created.setServerAliveCountMax(serverAliveCountMax);
        } catch (JSchException e) {
            created.disconnect();
            if (context.cancellation().isCancelled()) {
                throw new StepFailedException(target.display() + ": connecting was abandoned: "
                        + context.cancellation().reason(), e);
            }
            if (proxy.isPresent()) {
                throw SshErrors.connectThroughJumpFailed(target, e, verifier, timeout, proxy.get().openFailure(),
                        timedOut.get());
            }
            throw SshErrors.connectFailed(target, e, verifier, timeout);
        } finally {
            connecting.set(false);
        }
        if (closed) {
            created.disconnect();
            throw new StepFailedException(target.display() + ": the run ended while connecting");
        }
        byte[] hostKey = Base64.getDecoder().decode(created.getHostKey().getKey());
        String verifiedBy = verifier.pinnedFingerprint().isPresent()
                ? "pinned on first use into " + pinnedHosts.orElseThrow() + " (hostKeyPolicy: tofu)"
                : "verified";
        context.output().info("connected to " + target.display() + "; host key " + HostKeys.keyType(hostKey) + " "
                + HostKeys.fingerprint(hostKey) + " " + verifiedBy);
        return created;
    }

    SshTarget target() {
        return target;
    }

    /** Disconnects; idempotent. A step still using the session sees its channel close. */
    @Override
    public void close() {
        closed = true;
        Session current = session;
        if (current != null) {
            current.disconnect();
        }
        onClose.accept(this);
    }
}
