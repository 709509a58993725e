package dev.quench.core.ingest;

import dev.quench.core.store.StoreSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.api.Trigger;

/**
 * An H2 trigger on storing alerts that makes the store slow (waits until released) or broken
 * (throws), so tests can see what a sender sees when the store falls behind. It fires on the id
 * block every store of alerts takes ({@code alert_id}), so it catches alerts stored in their own
 * rows and in bulk alike, once per transaction.
 */
public final class SlowStoreTrigger implements Trigger {

    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);
    static volatile boolean broken;

    /** Installs the trigger in {@code store}'s H2 database. */
    static void install(dev.quench.core.store.Store store) {
        StoreSql.jdbi(store).useHandle(handle -> handle.execute("create trigger slow_store before update on alert_id "
                + "for each row call '" + SlowStoreTrigger.class.getName() + "'"));
    }

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
