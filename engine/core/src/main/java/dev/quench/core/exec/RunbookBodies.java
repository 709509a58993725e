package dev.quench.core.exec;

import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.core.runbook.RunbookBody;
import dev.quench.core.util.Durations;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs a {@link RunbookBody} under its time limit, on its own virtual thread (interrupted at the
 * limit), handing each step call to the executor and recording each result. Stateless.
 */
final class RunbookBodies {

    private RunbookBodies() {
    }

    /**
     * @param executeStep runs and records one step
     * @param messages    gets why the body failed, when it failed outside a step
     * @return the step failure that stopped the body, if one did
     */
    static Optional<RunExecutor.StepFailure> run(RunbookBody body, RunState state,
                                                 Function<dev.quench.core.runbook.StepSpec, StepResult> executeStep,
                                                 List<String> messages) {
        RunbookBody.StepRunner runner = step -> {
            StepResult result = executeStep.apply(step);
            state.record(step.id(), result);
            if (result.status() == StepStatus.FAILED && !step.continueOnError()) {
                throw new RunbookBody.StepStopped(step, result);
            }
            if (result.status() == StepStatus.FAILED) {
                state.tolerate("step '" + step.id() + "' failed and the run went on (continueOnError): "
                        + result.message());
            }
            return result;
        };
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Void> future = thread.submit(() -> {
                body.run(state::scope, runner);
                return null;
            });
            try {
                future.get(body.timeLimit().toMillis(), TimeUnit.MILLISECONDS);
                return Optional.empty();
            } catch (TimeoutException e) {
                future.cancel(true);
                messages.add("the runbook body did not finish within its time limit of "
                        + Durations.format(body.timeLimit()) + " and was stopped");
                return Optional.empty();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof dev.quench.core.store.LeaseLostException lost) {
                    throw lost; // fenced: the run stops here without writing anything more
                }
                if (e.getCause() instanceof RunbookBody.StepStopped stopped) {
                    return Optional.of(RunExecutor.StepFailure.of(stopped.step(), stopped.result(), false, state));
                }
                messages.add("the runbook body failed: " + describe(e.getCause()));
                return Optional.empty();
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                messages.add("the engine stopped while the runbook body ran");
                return Optional.empty();
            }
        }
    }

    private static String describe(Throwable error) {
        StackTraceElement where = null;
        for (StackTraceElement element : error.getStackTrace()) {
            if (element.getFileName() != null && element.getFileName().endsWith(".groovy") && element.getLineNumber() > 0) {
                where = element;
                break;
            }
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return (where == null ? "" : where.getFileName() + ":" + where.getLineNumber() + ": ") + message;
    }
}
