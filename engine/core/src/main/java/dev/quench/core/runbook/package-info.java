/** The runbook model and its YAML parsing: steps, params, guards, approval, triggers with their label matchers, the schedule spec and its parser, problems with positions. */
package dev.quench.core.runbook;
