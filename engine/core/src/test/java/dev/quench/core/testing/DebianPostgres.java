package dev.quench.core.testing;

import dev.quench.core.store.Store;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL 15 server ({@code apt-get install postgresql}), started for a test in a directory
 * of its own: {@code initdb}, then {@code pg_ctl start} on a free port, run as the {@code postgres} user
 * when the test runs as root (PostgreSQL refuses to run as root). Stop it with {@link #close()}.
 */
public final class DebianPostgres implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path directory;
    private final int port;

    private DebianPostgres(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Whether Debian's postgresql 15 binaries are installed. */
    public static boolean available() {
        return Files.isExecutable(BIN.resolve("postgres")) && Files.isExecutable(BIN.resolve("initdb"));
    }

    public static DebianPostgres start() throws Exception {
        Path directory = Files.createTempDirectory("quench-pg15-");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres:postgres", directory.toString()), false);
        }
        Path data = directory.resolve("data");
        run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
                "--no-sync"), root);
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l",
                directory.resolve("server.log").toString(), "-o",
                "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), root);
        return new DebianPostgres(directory, port);
    }

    /** A Quench store, migrated, on a new empty database of this server. Close it after the test. */
    public Store newStore() throws Exception {
        return Store.open(newDatabaseUrl(), "postgres", "");
    }

    /** The JDBC URL of a new, empty database of this server (user postgres, no password). */
    public String newDatabaseUrl() throws Exception {
        String database = "quench_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("create database " + database);
        }
        return url(database);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            run(List.of(BIN.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-m", "fast",
                    "-w", "stop"), root);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", full) + " failed: " + output);
        }
    }
}
