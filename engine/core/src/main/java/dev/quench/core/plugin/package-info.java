/** Step plugins: discovery through ServiceLoader and the plugins directory (a class loader per plugin, the API version check), the step catalog, mapping a step's configuration onto its record. */
package dev.quench.core.plugin;
