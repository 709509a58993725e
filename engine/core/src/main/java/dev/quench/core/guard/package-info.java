/** What may start a run: the kill switch, cooldowns and hourly rate budgets per dedupe key, approvals, run control (approve, reject, cancel). */
package dev.quench.core.guard;
