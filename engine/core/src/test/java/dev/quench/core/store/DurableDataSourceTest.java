package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An embedded store's writes are in its file when their connection is closed; queries wait for nothing. */
class DurableDataSourceTest {

    @TempDir
    Path temp;

    @Test
    void aChangeIsWrittenToTheFileBeforeItsConnectionCloses() throws Exception {
        try (Store store = Store.open("jdbc:h2:file:" + temp.resolve("quench"), "sa", "")) {
            assertThat(store.dataSource()).isInstanceOf(DurableDataSource.class);
            for (int round = 0; round < 20; round++) {
                store.runs().insertQueued(run("run-" + round));
                try (Connection connection = store.dataSource().getConnection()) {
                    MVStore file = H2FileWrites.storeOf(connection);
                    // H2's own writer would take up to its 500 ms write delay; the insert's close waited for it.
                    assertThat(file.hasUnsavedChanges()).as("round %d", round).isFalse();
                }
            }
        }
    }

    @Test
    void writesOfTheRunPathThatMayWaitAreLeftToTheNextAwaitedWrite() throws Exception {
        try (Store store = Store.open("jdbc:h2:file:" + temp.resolve("quench") + ";WRITE_DELAY=60000", "sa", "")) {
            store.runs().insertQueued(run("queued"));
            assertThat(store.runs().claimQueued("node-a", 1, Instant.now(), Instant.now().plusSeconds(60))).hasSize(1);
            try (Connection connection = store.dataSource().getConnection()) {
                assertThat(H2FileWrites.storeOf(connection).hasUnsavedChanges())
                        .as("the claim is in memory only, until the claimed run's first step start").isTrue();
            }
        }
    }

    @Test
    void onlyQueriesCountAsChangingNothing() {
        assertThat(DurableDataSource.isSelect("select 1")).isTrue();
        assertThat(DurableDataSource.isSelect("\n  SELECT id from run for update")).isTrue();
        assertThat(DurableDataSource.isSelect("(select 1) union (select 2)")).isTrue();
        assertThat(DurableDataSource.isSelect("values (1)")).isTrue();
        assertThat(DurableDataSource.isSelect("selected")).isFalse();
        assertThat(DurableDataSource.isSelect("update run set status = 'x'")).isFalse();
        assertThat(DurableDataSource.isSelect("insert into run select * from old_run")).isFalse();
        assertThat(DurableDataSource.isSelect("checkpoint sync")).isFalse();
        assertThat(DurableDataSource.isSelect("")).isFalse();
    }

    private static RunRecord run(String id) {
        return new RunRecord(id, "disk-cleanup", "team", TriggerType.MANUAL, "by hand", null, RunStatus.QUEUED, false,
                Map.of(), 5, 0, "", Instant.now(), null, null, java.util.List.of());
    }
}
