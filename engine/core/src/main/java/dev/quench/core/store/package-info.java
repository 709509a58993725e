/** Storage: opening the H2 or PostgreSQL store and its schema, the private data directory, the repositories of alerts and runs, the alert journal files. */
package dev.quench.core.store;
