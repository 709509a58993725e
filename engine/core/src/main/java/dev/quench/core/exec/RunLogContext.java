package dev.quench.core.exec;

import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.MDC;

/**
 * The run a log line belongs to, in SLF4J's MDC: {@code run_id} and {@code runbook} while a run executes,
 * {@code step} while one of its steps does, carried onto the thread a step plugin runs on. The JSON log
 * format ({@code logging.format: json}) writes them on every line, so log search can follow one run.
 * Closing restores what was there before (a step inside a step: a forEach iteration).
 */
final class RunLogContext implements AutoCloseable {

    static final String RUN_ID = "run_id";
    static final String RUNBOOK = "runbook";
    static final String STEP = "step";

    private final Map<String, String> previous;

    private RunLogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    static RunLogContext run(String runId, String runbook) {
        RunLogContext context = new RunLogContext(MDC.getCopyOfContextMap());
        MDC.put(RUN_ID, runId);
        MDC.put(RUNBOOK, runbook);
        MDC.remove(STEP);
        return context;
    }

    static RunLogContext step(String stepId) {
        RunLogContext context = new RunLogContext(MDC.getCopyOfContextMap());
        MDC.put(STEP, stepId);
        return context;
    }

    /** This thread's run and step, to hand to {@link #onAnotherThread}. */
    static Map<String, String> capture() {
        return MDC.getCopyOfContextMap();
    }

    /** On a thread of a forEach: the run {@link #capture() captured} on the run's thread, and this iteration as step. */
    static RunLogContext onAnotherThread(Map<String, String> captured, String stepId) {
        RunLogContext context = new RunLogContext(MDC.getCopyOfContextMap());
        if (captured != null) {
            MDC.setContextMap(captured);
        }
        MDC.put(STEP, stepId);
        return context;
    }

    /** {@code work} with this thread's run and step on whichever thread runs it. */
    static <T> Callable<T> carried(Callable<T> work) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            if (context != null) {
                MDC.setContextMap(context);
            }
            try {
                return work.call();
            } finally {
                MDC.clear();
            }
        };
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(previous);
        }
    }
}
