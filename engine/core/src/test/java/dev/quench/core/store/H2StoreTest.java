package dev.quench.core.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on embedded H2, the default backend (a file in a temp directory). */
class H2StoreTest extends StoreContract {

    @TempDir
    Path temp;

    private Store store;

    @BeforeEach
    void open() {
        store = Store.open("jdbc:h2:file:" + temp.resolve("quench"), "sa", "");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @org.junit.jupiter.api.Test
    void anInterruptedWriterDoesNotBreakTheStoreForEveryoneElse() throws Exception {
        try (java.sql.Connection connection = store.dataSource().getConnection()) {
            connection.createStatement().execute("create table scratch (id int auto_increment primary key, v varchar)");
            connection.setAutoCommit(true);
            Thread writer = Thread.currentThread();
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread interrupter = Thread.ofPlatform().start(() -> {
                for (int index = 0; index < 200 && writing.get(); index++) {
                    writer.interrupt();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            for (int index = 0; index < 2000; index++) {
                try (java.sql.Statement statement = connection.createStatement()) {
                    statement.execute("insert into scratch (v) values ('x')");
                } catch (java.sql.SQLException ignored) {
                    // An interrupted write may fail; what matters is that the store survives it.
                }
            }
            writing.set(false);
            while (interrupter.isAlive()) {
                try {
                    interrupter.join(100);
                } catch (InterruptedException ignored) {
                    // The interrupter's last shot may land here; keep waiting for it to end.
                }
            }
            Thread.interrupted();
        }
        java.time.Instant now = java.time.Instant.now();

        java.util.List<Long> created = store.alerts().record(java.util.List.of(new dev.quench.core.alert.Alert(
                "alertmanager", "after", dev.quench.core.alert.AlertStatus.FIRING, java.util.Map.of("alertname", "B"),
                java.util.Map.of(), now, null, "")), now);

        org.assertj.core.api.Assertions.assertThat(created).hasSize(1);
        org.assertj.core.api.Assertions.assertThat(store.alerts().find(created.get(0))).isPresent();
    }

    @Override
    Store store() {
        return store;
    }
}
