package dev.quench.core.ingest;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.api.Trigger;

/**
 * An H2 trigger on {@code alert} inserts that makes the store slow (waits until released) or
 * broken (throws), so tests can see what a sender sees when the store falls behind.
 */
public final class SlowStoreTrigger implements Trigger {

    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);
    static volatile boolean broken;

    static void reset() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        broken = false;
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        if (broken) {
            throw new SQLException("disk full (simulated by SlowStoreTrigger)");
        }
        entered.countDown();
        try {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new SQLException("SlowStoreTrigger was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
    }
}
