package dev.quench.core.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the connection pool to drop a connection whose embedded H2 database has closed itself. H2
 * closes the database when a write fails (the disk is full): every pooled connection then answers
 * "The database has been closed" for ever, because the pool only evicts on connection-class SQL
 * states. Dropped, the pool opens new connections, which reopen the database from its last good
 * commit once there is space again: the engine recovers without a restart. Thread-safe (stateless).
 */
public final class ClosedDatabaseEviction implements SQLExceptionOverride {

    /** H2's DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN. */
    private static final int[] CLOSED = {90098, 90121};
    /** H2's GENERAL_ERROR, with which a failed file write (MVStoreException) reaches the caller. */
    private static final int GENERAL_ERROR = 50000;

    @java.lang.Override
    public Override adjudicate(SQLException exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && closes(sql)) {
                return Override.MUST_EVICT;
            }
            if (cause.getClass().getName().equals("org.h2.mvstore.MVStoreException")) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }

    private static boolean closes(SQLException sql) {
        for (int code : CLOSED) {
            if (sql.getErrorCode() == code) {
                return true;
            }
        }
        return sql.getErrorCode() == GENERAL_ERROR && String.valueOf(sql.getMessage()).contains("MVStoreException");
    }
}
