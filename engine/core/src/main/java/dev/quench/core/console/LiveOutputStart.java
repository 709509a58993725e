package dev.quench.core.console;

import dev.quench.core.events.RunEvent;
import dev.quench.core.events.RunEventBus;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import java.util.HashSet;
import java.util.Set;

/**
 * Where the run page's live stream starts: after the events the page already shows. The page is rendered
 * from the store, so a finished step is there with its output; its lines, its start and its end are not
 * sent again (the live output would repeat them). Lines of a step still running are sent from its start.
 * Stateless; the run must be read from the store before this reads the bus, so the page never misses an
 * event published in between (it may get one twice: a step's end only reloads the steps).
 */
final class LiveOutputStart {

    private LiveOutputStart() {
    }

    /** The {@code lastEventId} after which run {@code run}'s page, rendered from this record, streams. */
    static long of(RunRecord run, RunEventBus events) {
        Set<String> finishedSteps = new HashSet<>();
        Set<Integer> startedSeqs = new HashSet<>();
        Set<Integer> finishedSeqs = new HashSet<>();
        for (StepRecord step : run.steps()) {
            startedSeqs.add(step.seq());
            if (step.finishedAt() != null) {
                finishedSteps.add(step.stepId());
                finishedSeqs.add(step.seq());
            }
        }
        boolean started = run.status() != RunStatus.QUEUED && run.status() != RunStatus.AWAITING_APPROVAL;
        return events.shownUpTo(run.id(), event -> switch (event.type()) {
            case STDOUT, STDERR, INFO -> finishedSteps.contains(text(event, "step"));
            case STEP_STARTED -> startedSeqs.contains(seq(event));
            case STEP_FINISHED -> finishedSeqs.contains(seq(event));
            case STATUS -> started;
            // A count of left-out lines may belong to the running step; the run's end is never on a live page.
            case DROPPED, END -> false;
        });
    }

    private static String text(RunEvent event, String key) {
        Object value = event.data().get(key);
        return value == null ? "" : value.toString();
    }

    private static int seq(RunEvent event) {
        return event.data().get("seq") instanceof Number number ? number.intValue() : -1;
    }
}
