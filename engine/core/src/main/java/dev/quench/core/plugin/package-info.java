/** Step plugins: discovery through ServiceLoader and the plugins directory, the step catalog, mapping a step's configuration onto its record. */
package dev.quench.core.plugin;
