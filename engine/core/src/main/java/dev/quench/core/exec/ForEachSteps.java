package dev.quench.core.exec;

import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.ItemResult;
import dev.quench.core.expr.RenderMode;
import dev.quench.core.expr.TextValues;
import dev.quench.core.runbook.ForEach;
import dev.quench.core.runbook.StepSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Runs a {@code forEach} step: once per item, at most {@link ForEach#concurrency()} at a time, in
 * list order. The first failed item stops new items from starting (those already running finish)
 * unless the step has {@code continueOnError}, in which case every item runs. Stateless.
 */
final class ForEachSteps {

    /** Runs and records one iteration, with {@code item} and {@code itemIndex} in its scope. */
    @FunctionalInterface
    interface Iteration {
        StepResult run(ExpressionScope scope, String recordId);
    }

    /** Every iteration that ran, in item order, and the step's overall result. */
    record Outcome(StepResult result, List<ItemResult> items, int notStarted) {
    }

    private ForEachSteps() {
    }

    /**
     * The items of the step's list, rendered once.
     *
     * @throws IllegalArgumentException when the list is not a list or is too long, saying what it was
     */
    static List<Object> items(StepSpec step, ExpressionScope scope) {
        Object value = step.forEach().orElseThrow().items().render(scope, RenderMode.PLAIN);
        if (value == null) {
            throw new IllegalArgumentException("forEach gave null, not a list (a param or output that is not set?)");
        }
        if (!(value instanceof Collection<?> collection)) {
            String shown = TextValues.toText(value);
            throw new IllegalArgumentException("forEach must give a list, but gave " + (value instanceof Map<?, ?>
                    ? "a mapping" : "'" + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown) + "'")
                    + (value instanceof String ? " (text: split it, like ${{ params.hosts.split(',') }}, or declare "
                    + "the param with type: list)" : ""));
        }
        if (collection.size() > ForEach.MAX_ITEMS) {
            throw new IllegalArgumentException("forEach gave " + collection.size() + " items; at most "
                    + ForEach.MAX_ITEMS + " are allowed: split the work across runs");
        }
        return Collections.unmodifiableList(new ArrayList<>(collection));
    }

    /** Runs the iterations; blocks until every started one has finished. */
    static Outcome run(StepSpec step, List<Object> items, ExpressionScope scope, Iteration iteration) {
        Objects.requireNonNull(iteration, "iteration");
        int concurrency = step.forEach().orElseThrow().concurrency();
        ItemResult[] results = new ItemResult[items.size()];
        AtomicBoolean stop = new AtomicBoolean();
        if (concurrency == 1) {
            for (int index = 0; index < items.size() && !stop.get(); index++) {
                results[index] = runItem(step, items.get(index), index, scope, iteration, stop);
            }
        } else {
            Semaphore permits = new Semaphore(concurrency);
            try (ExecutorService threads = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("quench-" + step.id() + "-", 0).factory())) {
                for (int index = 0; index < items.size() && !stop.get(); index++) {
                    try {
                        permits.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    if (stop.get()) {
                        permits.release();
                        break;
                    }
                    int position = index;
                    threads.execute(() -> {
                        try {
                            results[position] = runItem(step, items.get(position), position, scope, iteration, stop);
                        } finally {
                            permits.release();
                        }
                    });
                }
            }
        }
        List<ItemResult> ran = new ArrayList<>();
        for (ItemResult result : results) {
            if (result != null) {
                ran.add(result);
            }
        }
        return new Outcome(overall(ran, items.size()), List.copyOf(ran), items.size() - ran.size());
    }

    private static ItemResult runItem(StepSpec step, Object item, int index, ExpressionScope scope, Iteration iteration,
                                      AtomicBoolean stop) {
        StepResult result;
        try {
            result = iteration.run(scope.withItem(item, index), step.id() + "[" + index + "]");
        } catch (dev.quench.core.store.LeaseLostException e) {
            stop.set(true); // fenced: no later iteration may run; the step's own record is refused too
            result = StepResult.failed(e.getMessage());
        } catch (RuntimeException e) {
            result = StepResult.failed("engine error: " + e.getMessage());
        }
        if (result.status() == StepStatus.FAILED && !step.continueOnError()) {
            stop.set(true);
        }
        return new ItemResult(item, index, result);
    }

    /**
     * The step's result: failed when an item failed; stdout and stderr of the items in order; the
     * exit code of the first failed item, else the one all items share (null when they differ).
     */
    private static StepResult overall(List<ItemResult> ran, int total) {
        List<ItemResult> failed = ran.stream().filter(item -> item.result().status() == StepStatus.FAILED).toList();
        String stdout = ran.stream().map(item -> item.result().stdout()).collect(Collectors.joining());
        String stderr = ran.stream().map(item -> item.result().stderr()).collect(Collectors.joining());
        int notStarted = total - ran.size();
        if (failed.isEmpty()) {
            Set<Integer> codes = new LinkedHashSet<>();
            ran.forEach(item -> codes.add(item.result().exitCode()));
            Integer exitCode = codes.size() == 1 ? codes.iterator().next() : null;
            String message = total == 0 ? "forEach gave no items: nothing to do"
                    : total == 1 ? "1 item succeeded" : "all " + total + " items succeeded";
            return new StepResult(StepStatus.SUCCEEDED, exitCode, stdout, stderr, Map.of(), message);
        }
        ItemResult first = failed.getFirst();
        StringBuilder message = new StringBuilder("item ").append(first.index()).append(" (")
                .append(label(first.item())).append(") failed: ").append(first.result().message());
        if (failed.size() > 1) {
            message.append("; ").append(failed.size()).append(" of ").append(total).append(" items failed");
        }
        if (notStarted > 0) {
            message.append("; ").append(notStarted).append(notStarted == 1 ? " item was" : " items were")
                    .append(" not started");
        }
        return new StepResult(StepStatus.FAILED, first.result().exitCode(), stdout, stderr, Map.of(), message.toString());
    }

    private static String label(Object item) {
        if (item instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (item instanceof Collection<?>) {
            return "a list";
        }
        String text = TextValues.toText(item);
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
