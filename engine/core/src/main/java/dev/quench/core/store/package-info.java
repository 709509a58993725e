/** Storage: the repositories of alerts, runs and the alert journal, and the only SQL of the engine. */
package dev.quench.core.store;
