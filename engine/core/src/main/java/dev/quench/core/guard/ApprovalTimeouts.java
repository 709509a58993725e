package dev.quench.core.guard;

import dev.quench.core.runbook.Runbook;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Rejects, every {@code interval}, the runs that waited for approval past their runbook's timeout. Thread-safe. */
public final class ApprovalTimeouts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalTimeouts.class);

    /** Approval timeouts are at least a minute: checking twice a minute is precise enough. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("quench-approval-timeouts").daemon(true).factory());

    private ApprovalTimeouts() {
    }

    public static ApprovalTimeouts start(RunControl control, Function<String, Optional<Runbook>> runbooks,
                                         Duration interval) {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(runbooks, "runbooks");
        ApprovalTimeouts timeouts = new ApprovalTimeouts();
        timeouts.timer.scheduleWithFixedDelay(() -> {
            try {
                List<String> expired = control.expireApprovals(runbooks);
                if (!expired.isEmpty()) {
                    LOG.warn("rejected {} run(s) nobody approved in time: {}", expired.size(), expired);
                }
            } catch (RuntimeException e) {
                // Keep the timer alive: the next round retries; a run waits a little longer, nothing is lost.
                LOG.error("checking approval timeouts failed; retrying in {}", interval, e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return timeouts;
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }
}
