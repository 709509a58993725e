/**
 * The engine's Prometheus metrics: {@link dev.quench.core.metrics.EngineMetrics}, the one facade through
 * which the parts of the engine report what happens (alerts received, runs and steps finished, guard
 * refusals, schedule fires, toil), with label values bounded so that no input from outside can make the
 * series count grow without limit; and the {@code metrics:} section of {@code quench.yaml}. It sits beside
 * config and store in the package order (it reads config only) so that everything that reports can reach it.
 */
package dev.quench.core.metrics;
