package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.schedule.ScheduleView;
import dev.quench.core.store.RunStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedules screen: active schedules first by next fire, inactive ones after, with the totals. */
class ScheduleBoardTest {

    private static ScheduleView active(String runbook, String next, int misfires) {
        return new ScheduleView(runbook, true, "0 0 * * * ?", "UTC", "runOnce", List.of(Instant.parse(next)),
                "run-" + runbook, RunStatus.SUCCEEDED, misfires, null);
    }

    @Test
    void activeSchedulesComeFirstBySoonestFireThenTheInactiveOnes() {
        ScheduleView off = new ScheduleView("aaa-off", false, "0 0 3 * * ?", "UTC", "skip", List.of(), null, null, 0,
                "disabled: set triggers.schedule.enabled: true in runbooks/aaa.yaml to let it fire");
        ScheduleBoard board = ScheduleBoard.of(List.of(off, active("late", "2026-12-05T10:00:00Z", 2),
                active("soon", "2026-12-05T08:00:00Z", 1)));

        assertThat(board.schedules()).extracting(ScheduleView::runbook).containsExactly("soon", "late", "aaa-off");
        assertThat(board.active()).isEqualTo(2);
        assertThat(board.inactive()).isEqualTo(1);
        assertThat(board.misfires()).isEqualTo(3);
    }
}
