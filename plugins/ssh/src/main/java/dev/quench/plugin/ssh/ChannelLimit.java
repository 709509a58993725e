package dev.quench.plugin.ssh;

import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The small channel pool of one host connection: at most {@code ssh.maxChannelsPerHost} commands run over it
 * at once. JSch opens every channel asked for on the one session, but OpenSSH refuses session channels beyond
 * its {@code MaxSessions} (10 by default), so without a limit the 11th concurrent step on a host failed with
 * "channel is not opened". Steps beyond the limit wait (first come, first served) until a channel is free,
 * their deadline passes or the run is cancelled. Jump-host forwarding channels do not count: sshd does not
 * count them either. Thread-safe.
 */
final class ChannelLimit {

    /** How often a waiting step looks at its cancellation; waiting is rare and only this short. */
    private static final long CANCEL_CHECK_MILLIS = 100;

    private final int channels;
    private final Semaphore permits;

    ChannelLimit(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, got " + channels);
        }
        this.channels = channels;
        this.permits = new Semaphore(channels, true);
    }

    /** A channel slot held by one command; closing it gives the slot back. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a slot, waiting while all are in use, within the step's deadline and until it is cancelled. */
    Permit acquire(SshTarget target, StepContext context) throws StepFailedException {
        if (!permits.tryAcquire()) {
            context.output().info(target.display() + ": all " + channels + " SSH channels of this host's connection "
                    + "are in use by other steps of the run (ssh.maxChannelsPerHost); waiting for one");
            waitForPermit(target, context);
        }
        return new Permit() {
            private boolean released;

            @Override
            public synchronized void close() {
                if (!released) {
                    released = true;
                    permits.release();
                }
            }
        };
    }

    private void waitForPermit(SshTarget target, StepContext context) throws StepFailedException {
        try {
            while (true) {
                if (context.cancellation().isCancelled()) {
                    throw new StepFailedException(target.display() + ": " + context.cancellation().reason()
                            + " while waiting for a free SSH channel; the command was not run");
                }
                long left = Duration.between(Instant.now(), context.deadline()).toMillis();
                if (left <= 0) {
                    throw new StepFailedException(target.display() + ": timed out after "
                            + Durations.describe(context.timeout()) + " waiting for a free SSH channel: all "
                            + channels + " channels of this host's connection (ssh.maxChannelsPerHost) stayed in use "
                            + "by other steps of the run. The command was not run. Raise ssh.maxChannelsPerHost "
                            + "(at most the host's sshd MaxSessions) or run fewer steps on this host at once.");
                }
                if (permits.tryAcquire(Math.min(left, CANCEL_CHECK_MILLIS), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailedException(target.display() + ": interrupted while waiting for a free SSH channel; "
                    + "the command was not run", e);
        }
    }
}
