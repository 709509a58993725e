/**
 * The runbook model and its YAML parsing: steps, params, guards, approval, triggers with their label matchers, the
 * schedule spec and its parser, problems with positions. Each section is parsed once, at load, into a typed field of
 * {@link dev.quench.core.runbook.Runbook}; nothing keeps raw YAML to read again later.
 */
package dev.quench.core.runbook;
