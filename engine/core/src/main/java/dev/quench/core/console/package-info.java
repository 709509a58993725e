/**
 * The web console (issue 19): server-rendered pages (jte templates, htmx) on the API's router, signed in
 * with a token into a session. Above {@code server} (whose access checks, audit trail and shared actions it
 * uses) and below {@code boot}, which mounts it. Nothing below imports it.
 */
package dev.quench.core.console;
