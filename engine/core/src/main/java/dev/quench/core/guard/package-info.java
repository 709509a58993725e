/** What may start a run: the kill switch, cooldown, rate budget, per-target lock, circuit breaker and approvals. */
package dev.quench.core.guard;
