package dev.quench.core.cli;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.DataDirectory;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoreCopy;
import dev.quench.core.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quench store copy}: moves an embedded store into PostgreSQL, verified. */
@Command(name = "store", mixinStandardHelpOptions = true, description = "The engine's store.",
        subcommands = StoreCommand.Copy.class)
final class StoreCommand {

    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = "Copies an embedded store (a data directory) into a new, empty database, in batches, "
                    + "then compares the rows of every table. The engine using the data directory must be stopped.")
    static final class Copy implements Callable<Integer> {

        @Option(names = "--from", required = true, paramLabel = "DIR", description = "the data directory of the embedded store")
        Path from;

        @Option(names = "--to", required = true, paramLabel = "JDBC_URL",
                description = "the new database, e.g. jdbc:postgresql://db:5432/quench (created empty; Quench migrates it)")
        String to;

        @Option(names = "--to-user", paramLabel = "USER", description = "database user (else from the URL)")
        String user;

        @Option(names = "--to-password-file", paramLabel = "FILE",
                description = "file holding the database password (else $QUENCH_STORE_PASSWORD, else from the URL)")
        Path passwordFile;

        @Option(names = "--batch-size", defaultValue = "1000", description = "rows per insert batch and commit (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Override
        public Integer call() throws IOException {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("--batch-size must be 1-100000, got " + batchSize);
            }
            Path directory = from.toAbsolutePath().normalize();
            if (!Files.isRegularFile(directory.resolve("quench.mv.db"))) {
                throw new IllegalArgumentException("no embedded Quench store in " + directory
                        + " (no quench.mv.db): pass the data directory 'quench serve --data' used");
            }
            if (to.startsWith("jdbc:h2:") && !to.startsWith("jdbc:h2:mem:")) {
                System.err.println("quench: note: the target is an H2 database; 'store copy' is meant for PostgreSQL");
            }
            String password = password();
            if (DataDirectory.storeInUse(directory)) {
                throw inUse(directory);
            }
            PrintStream out = System.out;
            List<StoreCopy.TableCount> counts;
            try (Store source = openSource(directory); Store target = Store.open(to, user, password)) {
                out.println("copying " + directory + " to " + to);
                counts = new StoreCopy(source, target, batchSize).copy(table -> out.println("  " + table));
            }
            out.printf("%-28s %12s %12s%n", "TABLE", "SOURCE", "TARGET");
            boolean all = true;
            for (StoreCopy.TableCount count : counts) {
                out.printf("%-28s %12d %12d%s%n", count.table(), count.source(), count.target(),
                        count.matches() ? "" : "  MISMATCH");
                all &= count.matches();
            }
            if (!all) {
                System.err.println("quench: the row counts differ (MISMATCH above): do not use the target; drop and "
                        + "re-create it and run the copy again");
                return 1;
            }
            out.println("copied and verified " + counts.size() + " tables. Point store.url of every node at " + to
                    + " (Quartz's schedules are re-created from the runbooks at the first start)");
            return 0;
        }

        private static Store openSource(Path directory) throws IOException {
            try {
                return Store.open(QuenchConfig.defaults(directory).storeUrl(), "sa", "");
            } catch (StoreException e) {
                if (e.inUse()) {
                    throw inUse(directory);
                }
                throw e;
            }
        }

        private static IOException inUse(Path directory) {
            return new IOException("the store in " + directory + " is open in another process (a running 'quench "
                    + "serve'): stop that engine first, so that nothing is written while it is copied. Nothing was copied.");
        }

        private String password() throws IOException {
            if (passwordFile != null) {
                return Files.readString(passwordFile).strip();
            }
            return System.getenv("QUENCH_STORE_PASSWORD");
        }
    }
}
