package dev.quench.core.exec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.quench.core.cli.QuenchMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runbook whose later step reads {@code outputs.json} of an {@code http.request} with
 * {@code expectJson: true} that got a body which is not JSON: the run stops at that request, and
 * {@code quench run} names the step, the URL and what was wrong with the body.
 */
class HttpInvalidJsonRunTest {

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;
    private WireMockServer server;

    @BeforeEach
    void start() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        server = new WireMockServer(options().dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        server.stop();
    }

    @Test
    void laterStepReadingJsonOfAnInvalidBodyFailsNamingStepAndUrl() throws Exception {
        server.stubFor(get("/api/state").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"state\": \"draining\",")));
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        String url = "http://127.0.0.1:" + server.port() + "/api/state";
        Files.writeString(runbooks.resolve("drain.yaml"), """
                name: drain
                steps:
                  - id: state
                    uses: http.request
                    with: {url: '%s', expectJson: true}
                  - id: report
                    uses: shell.exec
                    with: {command: 'echo ${{ steps.state.outputs.json.state }}'}
                """.formatted(url));

        int exit = QuenchMain.run("run", "drain", "--runbooks", runbooks.toString(),
                "--data", temp.resolve("data").toString());

        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(1);
        assertThat(output).contains("message:  step 'state' (http.request) failed: GET " + url + " answered 200 OK but"
                        + " its body is not valid JSON (")
                .contains("this step sets expectJson: true (later steps read its outputs.json)")
                .contains("{\"state\": \"draining\",")
                .doesNotContain("step 2 report");
    }
}
