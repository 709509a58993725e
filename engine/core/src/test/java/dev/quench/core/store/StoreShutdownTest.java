package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store stays open until the engine closes it, also while the JVM exits: a shutdown hook
 * (as {@code quench serve}'s is) can still record what it stops. H2's own exit hook closed the database
 * under it ("Database is already closed") before {@code DB_CLOSE_ON_EXIT=FALSE}.
 */
class StoreShutdownTest {

    @TempDir
    Path temp;

    /** The child JVM: opens the store, exits, and writes from a shutdown hook a moment later. */
    public static void main(String[] args) {
        Store store = Store.open(args[0], "sa", "");
        store.jdbi().useHandle(handle -> handle.execute("create table shutdown_probe (note varchar(100))"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    store.jdbi().useHandle(handle ->
                            handle.execute("insert into shutdown_probe (note) values ('written while stopping')"));
                    Thread.sleep(5);
                }
                System.out.println("written");
            } catch (Exception e) {
                System.out.println("failed: " + Store.rootMessage(e));
            } finally {
                store.close();
            }
        }));
        System.exit(0);
    }

    @Test
    void aShutdownHookCanStillWriteToTheEmbeddedStore() throws Exception {
        String url = "jdbc:h2:file:" + temp.resolve("quench");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreShutdownTest.class.getName(), url)
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(output).contains("written").doesNotContain("closed");
        try (Store store = Store.open(url, "sa", "")) {
            List<String> notes = store.jdbi().withHandle(handle ->
                    handle.createQuery("select note from shutdown_probe").mapTo(String.class).list());
            assertThat(notes).hasSize(200);
        }
    }
}
