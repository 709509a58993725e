/** The step types built into the engine (the local {@code shell.exec}), plugins like any other. */
package dev.quench.core.step;
