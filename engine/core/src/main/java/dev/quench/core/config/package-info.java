/** {@code quench.yaml}: loading it, the typed settings of each section, the inventory, secrets and the environment runbooks see. */
package dev.quench.core.config;
