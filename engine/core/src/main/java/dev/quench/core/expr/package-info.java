/** The {@code ${{ }}} expression language: templates, scopes, functions, permissions and shell quoting of rendered values. */
package dev.quench.core.expr;
