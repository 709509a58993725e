package dev.quench.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The run and step of a log line follow the work onto the plugin's thread, and are gone after it. */
class RunLogContextTest {

    @Test
    void aStepPluginsThreadLogsWithTheRunAndStepOfItsCaller() throws Exception {
        Map<String, String> seen;
        try (RunLogContext run = RunLogContext.run("r-1", "disk-cleanup");
             RunLogContext step = RunLogContext.step("clean");
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            seen = threads.submit(RunLogContext.carried(MDC::getCopyOfContextMap)).get();
            try (RunLogContext iteration = RunLogContext.onAnotherThread(RunLogContext.capture(), "clean[2]")) {
                assertThat(MDC.get(RunLogContext.STEP)).isEqualTo("clean[2]");
            }
            assertThat(MDC.get(RunLogContext.STEP)).isEqualTo("clean");
        }

        assertThat(seen).containsEntry("run_id", "r-1").containsEntry("runbook", "disk-cleanup")
                .containsEntry("step", "clean");
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }
}
