/** Scheduled maintenance on Quartz: syncing runbook schedules, fan-out, fires, misfires. */
package dev.quench.core.schedule;
