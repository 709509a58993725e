package dev.quench.core.schedule;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;

/**
 * Hands Quartz connections from the engine's own pool, so the job store shares the store's
 * database, credentials and limits. Closing it does nothing: the store owns the pool.
 */
final class StoreConnectionProvider implements ConnectionProvider {

    private final DataSource dataSource;

    StoreConnectionProvider(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void shutdown() {
        // The store closes the pool after the scheduler has stopped.
    }

    @Override
    public void initialize() {
        // Nothing to set up: the pool is already open.
    }
}
