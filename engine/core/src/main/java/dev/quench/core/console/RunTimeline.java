package dev.quench.core.console;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StepRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's steps as bars on one time axis, from the run's start to its end (or now, while it runs), for an SVG
 * drawn on the server: positions are percentages, so the drawing scales to any width without script or
 * inline style. Immutable.
 *
 * @param bars  one per step, in order
 * @param start the axis's start, UTC
 * @param span  the axis's length
 */
public record RunTimeline(List<Bar> bars, String start, String span) {

    /** A bar narrower than this (percent of the axis) is drawn this wide, so a fast step stays visible. */
    static final double MIN_WIDTH = 0.5;

    /**
     * One step's bar.
     *
     * @param x     where it starts, percent of the axis
     * @param width how long it took, percent of the axis
     * @param label the step id and its duration
     */
    public record Bar(int seq, String stepId, String status, double x, double width, String label) {

        /** {@code x} for an SVG attribute: {@code 12.5%}. */
        public String xPercent() {
            return percent(x);
        }

        public String widthPercent() {
            return percent(width);
        }

        /**
         * Where the label is anchored: just after the bar; left of the bar (anchored at its end) when the bar
         * reaches the right part of the axis; inside the bar's start when it is wide from the left.
         */
        public String labelPercent() {
            return percent(labelAfter() ? x + width + 0.5 : labelBefore() ? x - 0.5 : x + 0.5);
        }

        /** The SVG {@code text-anchor} of the label. */
        public String labelAnchor() {
            return labelBefore() ? "end" : "start";
        }

        /** Whether the label is drawn on the bar (then in the bar's contrast colour). */
        public boolean labelInside() {
            return !labelAfter() && !labelBefore();
        }

        private boolean labelAfter() {
            return x + width <= 70;
        }

        private boolean labelBefore() {
            return !labelAfter() && x >= 30;
        }

        private static String percent(double value) {
            return String.format(java.util.Locale.ROOT, "%.2f%%", value);
        }
    }

    public RunTimeline {
        bars = List.copyOf(bars);
    }

    /** The timeline of {@code run}'s steps as of {@code now}. */
    public static RunTimeline of(RunRecord run, Instant now) {
        List<StepRecord> steps = run.steps();
        Instant start = run.startedAt();
        for (StepRecord step : steps) {
            if (step.startedAt() != null && (start == null || step.startedAt().isBefore(start))) {
                start = step.startedAt();
            }
        }
        if (start == null) {
            return new RunTimeline(List.of(), "", "");
        }
        Instant end = run.finishedAt() != null ? run.finishedAt() : now;
        for (StepRecord step : steps) {
            Instant stepEnd = step.finishedAt() != null ? step.finishedAt() : now;
            if (stepEnd.isAfter(end)) {
                end = stepEnd;
            }
        }
        double total = Math.max(1, end.toEpochMilli() - start.toEpochMilli());
        List<Bar> bars = new ArrayList<>(steps.size());
        for (StepRecord step : steps) {
            Instant from = step.startedAt() != null ? step.startedAt() : start;
            Instant to = step.finishedAt() != null ? step.finishedAt() : now;
            double x = clamp((from.toEpochMilli() - start.toEpochMilli()) / total * 100, 0, 100 - MIN_WIDTH);
            double width = clamp((to.toEpochMilli() - from.toEpochMilli()) / total * 100, MIN_WIDTH, 100 - x);
            bars.add(new Bar(step.seq(), step.stepId(), step.status(), x, width,
                    step.stepId() + " " + RunTimeFormat.duration(from, to)));
        }
        return new RunTimeline(bars, RunTimeFormat.time(start), RunTimeFormat.duration(start, end));
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }
}
