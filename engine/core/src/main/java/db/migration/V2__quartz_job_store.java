package db.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The Quartz job store tables, after Quench's own baseline ({@code V1__baseline.sql}). The Quartz DDL is
 * read from the Quartz jar itself ({@code tables_h2.sql} or {@code tables_postgres.sql}, chosen by the
 * database), so it always matches the Quartz version that uses it; a Java migration because one SQL file
 * cannot serve both databases (H2 {@code IMAGE} versus PostgreSQL {@code BYTEA}).
 */
public final class V2__quartz_job_store extends BaseJavaMigration {

    private static final String QUARTZ_DDL = "org/quartz/impl/jdbcjobstore/";

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String script;
        if (product.contains("h2")) {
            script = "tables_h2.sql";
        } else if (product.contains("postgres")) {
            script = "tables_postgres.sql";
        } else {
            throw new SQLException("Quench's scheduler supports H2 and PostgreSQL, not " + product
                    + ": set store.url to one of them");
        }
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(readQuartzScript(script))) {
                statement.execute(sql);
            }
        }
    }

    private static String readQuartzScript(String name) throws IOException {
        try (InputStream in = V2__quartz_job_store.class.getClassLoader().getResourceAsStream(QUARTZ_DDL + name)) {
            if (in == null) {
                throw new IOException(QUARTZ_DDL + name + " is not on the class path: the Quartz jar is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The script's statements without comments, drops (the tables are new here, and a drop must never
     * touch a database Quench does not own) or commits (Flyway owns the transaction).
     */
    static List<String> statements(String script) {
        StringBuilder code = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("--") && !trimmed.startsWith("#")) {
                code.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : code.toString().split(";")) {
            String trimmed = statement.strip();
            String upper = trimmed.toUpperCase(Locale.ROOT);
            if (!trimmed.isEmpty() && !upper.startsWith("DROP ") && !upper.equals("COMMIT")) {
                statements.add(trimmed);
            }
        }
        return statements;
    }
}
