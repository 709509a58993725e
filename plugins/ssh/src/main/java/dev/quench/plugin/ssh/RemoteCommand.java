package dev.quench.plugin.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one command in its own exec channel of a shared session, streaming its output, and stops
 * it when the step's deadline passes or the run is cancelled.
 *
 * <p>Stopping: Quench sends the signal request TERM, waits {@link #SIGNAL_GRACE}, then KILL, then
 * closes the channel. OpenSSH (7.9 and later) delivers the signal to the command's whole process
 * group ({@code killpg}), so pipelines and children stop too, but it refuses signals for root
 * logins, which it serves without privilege separation. A command whose signal was refused or
 * ignored keeps running after its channel closes (sshd does not kill a command without a tty when
 * the channel or connection closes); the step's message then says so.
 */
final class RemoteCommand {

    /** How much of stdout and of stderr the step result keeps; the live output gets everything. */
    static final int OUTPUT_CAP_BYTES = 64 * 1024;

    /** How long a signalled command gets to exit before the next step of the stop sequence. */
    static final Duration SIGNAL_GRACE = Duration.ofMillis(300);

    /**
     * How long the step thread sleeps between looks at the channel while the command runs. It is woken at
     * once when the output ends, the run is cancelled or the deadline passes, so this is only a fallback:
     * long, so that 100 targets waiting at once cost no CPU (a 20 ms poll did, on every target).
     */
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** After the output ended, the exit status and channel close follow within a round trip. */
    private static final long CLOSING_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration LOST_CONNECTION_GRACE = Duration.ofMillis(500);
    private static final Duration CHANNEL_OPEN_TIMEOUT = Duration.ofSeconds(10);

    private RemoteCommand() {
    }

    static StepResult run(Session session, SshTarget target, String command, StepContext context)
            throws StepFailedException {
        return run(session, target, command, new byte[0], context);
    }

    /** Runs {@code command} with {@code stdin} as its standard input (end-of-file after it). */
    static StepResult run(Session session, SshTarget target, String command, byte[] stdin, StepContext context)
            throws StepFailedException {
        String where = target.display() + ": ";
        OutputCapture stdout = new OutputCapture(context.output()::stdout, OUTPUT_CAP_BYTES);
        OutputCapture stderr = new OutputCapture(context.output()::stderr, OUTPUT_CAP_BYTES);
        ChannelExec channel;
        try {
            channel = (ChannelExec) session.openChannel("exec");
        } catch (JSchException e) {
            throw new StepFailedException(where + "the SSH session closed before the command could start ("
                    + e.getMessage() + "); the command was not run", e);
        }
        channel.setCommand(command.getBytes(StandardCharsets.UTF_8));
        // JSch closes stdout at the command's EOF (dontclose false): OutputCapture.close() wakes this thread.
        channel.setOutputStream(stdout, false);
        channel.setErrStream(stderr, true);
        // A fixed stdin (usually empty): the command sees end-of-file after it instead of waiting forever.
        channel.setInputStream(new ByteArrayInputStream(stdin));

        Thread stepThread = Thread.currentThread();
        context.cancellation().onCancel(() -> LockSupport.unpark(stepThread));
        stdout.onEnd(() -> LockSupport.unpark(stepThread));
        try {
            try {
                channel.connect((int) Math.max(1, Math.min(CHANNEL_OPEN_TIMEOUT.toMillis(), millisUntil(context.deadline()))));
            } catch (JSchException e) {
                if (stopRequested(context)) {
                    return stopped(where, context, stdout, stderr, "the command had not started yet");
                }
                if (!finishedWhileStarting(channel, e)) {
                    throw new StepFailedException(startFailure(where, e), e);
                }
            }
            while (!channel.isClosed()) {
                if (stopRequested(context)) {
                    String outcome = stop(channel, target);
                    return stopped(where, context, stdout, stderr, outcome);
                }
                long poll = stdout.ended() ? CLOSING_POLL_NANOS : IDLE_POLL_NANOS;
                LockSupport.parkNanos(Math.min(poll, Math.max(1, TimeUnit.MILLISECONDS.toNanos(
                        millisUntil(context.deadline())))));
            }
            stdout.finish();
            stderr.finish();
            int exitStatus = channel.getExitStatus();
            if (exitStatus < 0) {
                return new StepResult(StepStatus.FAILED, null, stdout.text(), stderr.text(), Map.of(),
                        SshErrors.endedWithoutExitStatus(target, connectionLost(session)));
            }
            StepResult result = StepResult.ofExitCode(exitStatus, stdout.text(), stderr.text());
            return result.succeeded() ? result : result.withMessage(where + "command exited with code " + exitStatus);
        } finally {
            channel.disconnect();
        }
    }

    /**
     * True when the command ran to its end while JSch was still starting the channel's stdin thread: a
     * command as quick as {@code true} can exit, and the server close the channel, before JSch's
     * {@code start()} finishes; JSch's reader thread then clears the half-made thread and {@code connect}
     * fails with a NullPointerException although the command ran. Its exit status has arrived by then
     * (servers send it before closing the channel), so the normal completion path reports it.
     */
    private static boolean finishedWhileStarting(ChannelExec channel, JSchException e) {
        return e.getCause() instanceof RuntimeException && channel.isClosed() && channel.getExitStatus() >= 0;
    }

    /** Why the command could not start, saying honestly whether it may have run. */
    private static String startFailure(String where, JSchException e) {
        if (e.getCause() instanceof RuntimeException) {
            // The channel was open when JSch's own start-up failed: the command may have started.
            return where + "the SSH library failed while starting the command (" + e.getMessage()
                    + "); Quench does not know whether the command ran: check the host before running the step again";
        }
        return where + "the server refused to start the command (" + e.getMessage()
                + "). Too many sessions open (sshd MaxSessions)? The command was not run.";
    }

    /**
     * True when the session is gone. JSch closes a dropped session's channels before it marks the session
     * disconnected, so a channel that closed without an exit status gets a moment to see which it was.
     */
    private static boolean connectionLost(Session session) {
        long end = System.nanoTime() + LOST_CONNECTION_GRACE.toNanos();
        while (session.isConnected() && System.nanoTime() < end) {
            LockSupport.parkNanos(POLL_NANOS / 4);
        }
        return !session.isConnected();
    }

    private static boolean stopRequested(StepContext context) {
        return context.cancellation().isCancelled() || !Instant.now().isBefore(context.deadline())
                || Thread.currentThread().isInterrupted();
    }

    /** TERM, then KILL, then give up; returns what happened, in words. */
    private static String stop(ChannelExec channel, SshTarget target) {
        // The engine interrupts the step thread on cancel; parking ignores a pending interrupt, so clear
        // it for the grace waits and restore it afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            for (String signal : new String[] {"TERM", "KILL"}) {
                try {
                    channel.sendSignal(signal);
                } catch (Exception e) {
                    if (channel.isClosed()) {
                        return "the remote command ended";
                    }
                    return "the server refused the " + signal + " signal request (" + e.getMessage() + "), so the "
                            + "command may still be running on " + target.display() + ". OpenSSH refuses signals "
                            + "for root logins (they run without privilege separation): log in as an unprivileged "
                            + "user and use sudo: true";
                }
                if (awaitClosed(channel, SIGNAL_GRACE)) {
                    return "the remote command was stopped with " + signal;
                }
            }
            return "the server did not confirm that the command stopped after TERM and KILL signals (a server "
                    + "without support for signal requests?); it may still be running on " + target.display();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean awaitClosed(ChannelExec channel, Duration grace) {
        long end = System.nanoTime() + grace.toNanos();
        while (!channel.isClosed() && System.nanoTime() < end) {
            LockSupport.parkNanos(POLL_NANOS / 4);
        }
        return channel.isClosed();
    }

    private static StepResult stopped(String where, StepContext context, OutputCapture stdout, OutputCapture stderr,
                                      String outcome) {
        stdout.finish();
        stderr.finish();
        String reason = context.cancellation().reason();
        if (reason == null || reason.isBlank()) {
            reason = Instant.now().isBefore(context.deadline())
                    ? "the step was interrupted"
                    : "timed out after " + Durations.describe(context.timeout());
        }
        context.output().info(where + reason + "; " + outcome);
        return new StepResult(StepStatus.FAILED, null, stdout.text(), stderr.text(), Map.of(),
                where + reason + "; " + outcome);
    }

    private static long millisUntil(Instant deadline) {
        return Duration.between(Instant.now(), deadline).toMillis();
    }
}
