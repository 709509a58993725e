package dev.quench.core.store;

import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Copies every application table of one store into another, freshly migrated and empty one (an embedded H2
 * store into PostgreSQL: {@code quench store copy}), in batches, then counts the rows of each table on both
 * sides. The tables are discovered from the source's schema, so a table a later migration adds is copied
 * without a change here; they are copied parents first (by their foreign keys).
 *
 * <p>Quartz's tables ({@code qrtz_*}) are not copied: they hold serialized job data and the scheduler's own
 * node state (instance ids, check-ins, fired triggers), which would be wrong on the new store. The schedule
 * memberships ({@code schedule_member}) are copied, and the first engine that starts on the target re-creates
 * the triggers from them and the runbooks, as it does on any start. Not thread-safe; one copy at a time.
 */
public final class StoreCopy {

    /** Flyway's history (the target has its own) and Quartz's tables (see above) are not copied. */
    private static final Pattern NOT_COPIED = Pattern.compile("quench_schema_history|qrtz_.*");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    /**
     * One table's rows on both sides after the copy.
     *
     * @param table  the table
     * @param source rows in the source
     * @param target rows in the target
     */
    public record TableCount(String table, long source, long target) {
        public boolean matches() {
            return source == target;
        }
    }

    private final Store source;
    private final Store target;
    private final int batchSize;

    public StoreCopy(Store source, Store target, int batchSize) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /**
     * Copies every application table, then counts both sides.
     *
     * @param progress told of each table as it starts
     * @return the row counts per table, in copy order
     * @throws StoreException when the target is not an empty Quench store, or a statement fails (the target
     *                        is then partly filled: drop and re-create it before trying again)
     */
    public List<TableCount> copy(Consumer<String> progress) {
        try (Connection from = source.dataSource().getConnection(); Connection to = target.dataSource().getConnection()) {
            List<String> tables = ordered(from, tables(from));
            Set<String> targetTables = new LinkedHashSet<>(tables(to));
            for (String table : tables) {
                if (!targetTables.contains(table)) {
                    throw new StoreException("the target store has no table " + table + " that the source has: is the "
                            + "target's Quench older than the source's? Nothing was copied.");
                }
            }
            Map<String, Long> seeded = seededCounts(tables);
            requireEmpty(to, tables, seeded);
            to.setAutoCommit(false);
            for (String table : tables) {
                progress.accept(table);
                copyTable(from, to, table, seeded.getOrDefault(table, 0L) > 0);
            }
            restartIdentities(to, tables);
            to.setAutoCommit(true);
            List<TableCount> counts = new ArrayList<>();
            for (String table : tables) {
                counts.add(new TableCount(table, count(from, table), count(to, table)));
            }
            return counts;
        } catch (SQLException e) {
            throw new StoreException("copying the store failed: " + e.getMessage() + ". The target is partly filled: "
                    + "drop and re-create its database, then run the copy again.", e);
        }
    }

    /** The application tables of the connection's schema, lower case. */
    private static List<String> tables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rows = connection.getMetaData().getTables(connection.getCatalog(), schema(connection), "%",
                new String[] {"TABLE"})) {
            while (rows.next()) {
                String table = rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                if (!NOT_COPIED.matcher(table).matches()) {
                    if (!IDENTIFIER.matcher(table).matches()) {
                        throw new StoreException("table name " + table + " is not a plain identifier: not copying it");
                    }
                    tables.add(table);
                }
            }
        }
        tables.sort(null);
        return tables;
    }

    /** Parents before children, by the foreign keys, so every insert finds the row it refers to. */
    private static List<String> ordered(Connection connection, List<String> tables) throws SQLException {
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        DatabaseMetaData metadata = connection.getMetaData();
        for (String table : tables) {
            Set<String> of = new LinkedHashSet<>();
            try (ResultSet keys = metadata.getImportedKeys(connection.getCatalog(), schema(connection),
                    metaName(metadata, table))) {
                while (keys.next()) {
                    String parent = keys.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
                    if (!parent.equals(table) && tables.contains(parent)) {
                        of.add(parent);
                    }
                }
            }
            parents.put(table, of);
        }
        List<String> order = new ArrayList<>();
        while (order.size() < tables.size()) {
            int before = order.size();
            for (String table : tables) {
                if (!order.contains(table) && order.containsAll(parents.get(table))) {
                    order.add(table);
                }
            }
            if (order.size() == before) {
                throw new StoreException("the tables' foreign keys form a cycle: cannot order " + parents);
            }
        }
        return order;
    }

    /** Rows a freshly migrated store already has (alert_id's counter, the lease rows), per table. */
    private static Map<String, Long> seededCounts(List<String> tables) throws SQLException {
        Map<String, Long> seeded = new LinkedHashMap<>();
        try (Store fresh = Store.open("jdbc:h2:mem:quench-copy-" + UUID.randomUUID(), "sa", "");
             Connection connection = fresh.dataSource().getConnection()) {
            for (String table : tables) {
                seeded.put(table, count(connection, table));
            }
        }
        return seeded;
    }

    private static void requireEmpty(Connection to, List<String> tables, Map<String, Long> seeded) throws SQLException {
        List<String> filled = new ArrayList<>();
        for (String table : tables) {
            long rows = count(to, table);
            if (rows != seeded.getOrDefault(table, 0L)) {
                filled.add(table + " (" + rows + " rows)");
            }
        }
        if (!filled.isEmpty()) {
            throw new StoreException("the target store is not empty: " + String.join(", ", filled) + ". Quench copies "
                    + "only into a new, empty database, so that nothing there is overwritten or mixed: create one "
                    + "(createdb quench) and point --to at it. Nothing was copied.");
        }
    }

    private void copyTable(Connection from, Connection to, String table, boolean seeded) throws SQLException {
        if (seeded) {
            try (Statement clear = to.createStatement()) {
                clear.executeUpdate("delete from " + table); // the fresh store's own seed rows give way to the source's
            }
        }
        try (Statement read = from.createStatement()) {
            read.setFetchSize(batchSize);
            try (ResultSet rows = read.executeQuery("select * from " + table)) {
                int columns = rows.getMetaData().getColumnCount();
                List<String> names = new ArrayList<>();
                int[] types = new int[columns];
                for (int column = 1; column <= columns; column++) {
                    String name = rows.getMetaData().getColumnName(column).toLowerCase(Locale.ROOT);
                    if (!IDENTIFIER.matcher(name).matches()) {
                        throw new StoreException("column " + table + "." + name + " is not a plain identifier");
                    }
                    names.add(name);
                    types[column - 1] = rows.getMetaData().getColumnType(column);
                }
                String insert = "insert into " + table + " (" + String.join(", ", names) + ") values ("
                        + String.join(", ", java.util.Collections.nCopies(columns, "?")) + ")";
                try (PreparedStatement write = to.prepareStatement(insert)) {
                    int pending = 0;
                    while (rows.next()) {
                        for (int column = 1; column <= columns; column++) {
                            Object value = portable(rows.getObject(column));
                            if (value == null) {
                                write.setNull(column, types[column - 1]);
                            } else {
                                write.setObject(column, value);
                            }
                        }
                        write.addBatch();
                        if (++pending == batchSize) {
                            write.executeBatch();
                            to.commit();
                            pending = 0;
                        }
                    }
                    if (pending > 0) {
                        write.executeBatch();
                    }
                    to.commit();
                }
            }
        }
    }

    /** Large objects as plain values: H2 hands out its own Clob/Blob, which another driver cannot take. */
    private static Object portable(Object value) throws SQLException {
        if (value instanceof Clob clob) {
            return clob.getSubString(1, Math.toIntExact(clob.length()));
        }
        if (value instanceof Blob blob) {
            return blob.getBytes(1, Math.toIntExact(blob.length()));
        }
        return value;
    }

    /** Identity columns continue after the copied ids, on both databases. */
    private static void restartIdentities(Connection to, List<String> tables) throws SQLException {
        DatabaseMetaData metadata = to.getMetaData();
        for (String table : tables) {
            List<String> identities = new ArrayList<>();
            try (ResultSet columns = metadata.getColumns(to.getCatalog(), schema(to), metaName(metadata, table), "%")) {
                while (columns.next()) {
                    if ("YES".equalsIgnoreCase(columns.getString("IS_AUTOINCREMENT"))) {
                        identities.add(columns.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
            for (String column : identities) {
                long next;
                try (Statement statement = to.createStatement();
                     ResultSet max = statement.executeQuery("select max(" + column + ") from " + table)) {
                    max.next();
                    next = max.getLong(1) + 1;
                }
                try (Statement statement = to.createStatement()) {
                    statement.execute("alter table " + table + " alter column " + column + " restart with " + next);
                }
            }
            to.commit();
        }
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String schema(Connection connection) throws SQLException {
        return connection.getSchema();
    }

    /** The table's name as the database's metadata spells it (H2 upper case, PostgreSQL lower case). */
    private static String metaName(DatabaseMetaData metadata, String table) throws SQLException {
        return metadata.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
    }
}
