package dev.quench.core.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a transaction again when the database gave up waiting for a row lock: H2's lock timeout (2 s), or
 * PostgreSQL choosing it as a deadlock's victim. The transaction was rolled back whole, so running it again is
 * safe; a fenced write that lost its lease still finds nothing to update and says so. Waits grow from 100 ms;
 * after {@link #ATTEMPTS} attempts the last error is thrown. Thread-safe (stateless).
 */
final class LockWaits {

    private static final Logger LOG = LoggerFactory.getLogger(LockWaits.class);

    static final int ATTEMPTS = 5;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    /** H2's ErrorCode.LOCK_TIMEOUT_1. */
    private static final int H2_LOCK_TIMEOUT = 50200;

    private LockWaits() {
    }

    /** {@code transaction}'s result, run again (at most {@link #ATTEMPTS} times in all) while a lock wait gives up. */
    static <T> T retried(String what, Supplier<T> transaction) {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !gaveUpWaiting(e)) {
                    throw e;
                }
                LOG.warn("{}: a row lock was not free in time (attempt {} of {}); trying again in {} ms", what,
                        attempt, ATTEMPTS, pause.toMillis());
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2);
            }
        }
    }

    /** Whether {@code error} says a lock wait timed out or lost a deadlock (and the transaction was rolled back). */
    static boolean gaveUpWaiting(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && (sql.getErrorCode() == H2_LOCK_TIMEOUT
                    || "40P01".equals(sql.getSQLState()) || "55P03".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
