/**
 * Storage, and the only place with SQL: opening the H2 or PostgreSQL store and its schema, the private data
 * directory, the alert journal files, and the repositories every other package goes through (alerts, runs,
 * guards and run decisions, engine switches, schedules), with {@link dev.quench.core.store.StoreTransaction}
 * for work that must share one transaction. The repositories are final classes rather than interfaces: both
 * databases run the same SQL, and the contract tests run these classes on H2 and PostgreSQL.
 */
package dev.quench.core.store;
