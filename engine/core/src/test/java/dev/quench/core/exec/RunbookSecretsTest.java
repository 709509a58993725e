package dev.quench.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.api.StepPlugin;
import dev.quench.core.config.ConfigException;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.step.ShellExecStep;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code secrets.*} and {@code env.*}: runbooks read only what quench.yaml makes available, and
 * a secret's value never reaches run history — not in inputs, output or messages.
 */
class RunbookSecretsTest {

    private static final String TOKEN = "tok-7f3a9c1e5b";

    @TempDir
    Path temp;

    private PluginRegistry plugins;

    @BeforeEach
    void open() {
        plugins = PluginRegistry.of(List.<StepPlugin<?>>of(new ShellExecStep()));
    }

    @AfterEach
    void close() {
        plugins.close();
    }

    private RunRecord run(String steps, RunbookEnvironment environment) throws Exception {
        return run(steps, environment, 64 * 1024);
    }

    private RunRecord run(String steps, RunbookEnvironment environment, int outputLimit) throws Exception {
        Path file = temp.resolve("secrets.yaml");
        Files.writeString(file, "name: secrets\n" + steps);
        RunbookLoadResult loaded = new RunbookLoader(plugins).load(file);
        assertThat(loaded.problems()).isEmpty();
        try (LocalRuns runs = LocalRuns.open(LocalRuns.memoryStoreUrl(), "sa", "", plugins, environment, outputLimit)) {
            return runs.run(loaded.runbooks().getFirst(), Map.of(), null, false, "RunbookSecretsTest");
        }
    }

    @Test
    void aSecretReachesTheStepButIsMaskedInInputsOutputAndMessages() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: call
                    uses: shell.exec
                    with:
                      command: echo ${{ secrets.api_token }} ${{ env.REGION }}; echo bad token ${{ secrets.api_token }} >&2; exit 3
                """, RunbookEnvironment.of(Map.of("REGION", "eu-1"), Map.of("api_token", TOKEN)));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        StepRecord step = run.steps().getFirst();
        assertThat(step.rendered().get("command").toString()).isEqualTo("echo *** eu-1; echo bad token *** >&2; exit 3");
        assertThat(step.stdout()).isEqualTo("*** eu-1\n");
        assertThat(step.stderr()).isEqualTo("bad token ***\n");
        assertThat(run.toString()).doesNotContain(TOKEN);
    }

    @Test
    void aSecretCutByTheOutputCapIsNeverStoredInPartAndTheCountSaysWhatWasDropped() throws Exception {
        // The shell step caps at 64 KiB, then the engine caps again: the secret straddles the cut.
        RunRecord run = run("""
                steps:
                  - id: spill
                    uses: shell.exec
                    with:
                      command: head -c 65531 /dev/zero | tr '\\0' a; echo ${{ secrets.api_token }}tail
                """, RunbookEnvironment.of(Map.of(), Map.of("api_token", TOKEN)));

        assertThat(run.steps().getFirst().stdout()).isEqualTo("a".repeat(65531) + "***\n…[truncated 14 characters]");

        // The engine's own cap, smaller than the step's, cuts the secret too.
        RunRecord small = run("""
                steps:
                  - id: spill
                    uses: shell.exec
                    with:
                      command: printf 'abcdefgh'; echo ${{ secrets.api_token }}
                """, RunbookEnvironment.of(Map.of(), Map.of("api_token", TOKEN)), 12);

        assertThat(small.steps().getFirst().stdout()).isEqualTo("abcdefgh***\n…[truncated 11 characters]");
    }

    @Test
    void aFailingExpressionNeverQuotesASecretInTheRunRecord() throws Exception {
        String secret = "hunter2hunter2-x9";
        for (String expression : List.of("json(secrets.api_token).x", "toInt(secrets.api_token)",
                "matches('x', secrets.api_token + '(')", "secrets.api_token * 2")) {
            RunRecord run = run("""
                    steps:
                      - id: call
                        uses: shell.exec
                        with:
                          command: echo ${{ EXPRESSION }}
                    """.replace("EXPRESSION", expression), RunbookEnvironment.of(Map.of(), Map.of("api_token", secret)));

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.steps().getFirst().message()).as(expression).contains("cannot render inputs");
            assertNoPieceOf(secret, run.toString(), expression);
        }
        RunRecord json = run("""
                steps:
                  - id: call
                    uses: shell.exec
                    with: {command: "echo ${{ json(secrets.api_token).x }}"}
                """, RunbookEnvironment.of(Map.of(), Map.of("api_token", secret)));
        assertThat(json.steps().getFirst().message()).isEqualTo("cannot render inputs: step 'call', field 'command': "
                + "${{ json(secrets.api_token).x }} failed: json: not valid JSON at line 1 column 1: unexpected "
                + "character or word (the text is 17 characters; it is not shown, as it may hold a secret)");
    }

    /** No run of 4 or more characters of {@code secret} in {@code text}. */
    private static void assertNoPieceOf(String secret, String text, String description) {
        for (int start = 0; start + 4 <= secret.length(); start++) {
            assertThat(text).as(description).doesNotContain(secret.substring(start, start + 4));
        }
    }

    @Test
    void anUnlistedEnvironmentVariableOrUnknownSecretFailsTheStepSayingHowToProvideIt() throws Exception {
        RunbookEnvironment environment = RunbookEnvironment.of(Map.of("REGION", "eu-1"), Map.of("api_token", TOKEN));
        RunRecord env = run("""
                steps:
                  - id: home
                    uses: shell.exec
                    with: {command: "ls ${{ env.HOME }}"}
                """, environment);
        assertThat(env.status()).isEqualTo(RunStatus.FAILED);
        assertThat(env.steps().getFirst().message()).contains("env.HOME is not available to runbooks: list it under "
                + "'env:' in quench.yaml").contains("(available: REGION)");

        RunRecord secret = run("""
                steps:
                  - id: call
                    uses: shell.exec
                    with: {command: "echo ${{ secrets.api_tokn }}"}
                """, environment);
        assertThat(secret.steps().getFirst().message()).contains("secret 'api_tokn' is not configured: add "
                + "'secrets: {api_tokn: {file: PATH}}' (or {env: VARIABLE}) to quench.yaml (configured: api_token)");
    }

    @Test
    void quenchYamlListsTheVariablesAndSecretsRunbooksMayRead() throws Exception {
        Files.writeString(temp.resolve("token.txt"), TOKEN + "\n");
        QuenchConfig config = config("""
                env: [REGION, UNSET_ONE]
                secrets:
                  api_token: {file: token.txt}
                  webhook: {env: HOOK_URL}
                """);

        RunbookEnvironment environment = RunbookEnvironment.read(config,
                Map.of("REGION", "eu-1", "HOOK_URL", "https://hooks.example/abc", "AWS_SECRET_ACCESS_KEY", "nope"));

        assertThat(environment.env()).isEqualTo(Map.of("REGION", "eu-1"));
        assertThat(environment.unset()).containsExactly("UNSET_ONE");
        assertThat(environment.secrets()).isEqualTo(Map.of("api_token", TOKEN, "webhook", "https://hooks.example/abc"));
    }

    @Test
    void aSecretThatCannotBeReadStopsTheStartNamingIt() throws Exception {
        assertThatThrownBy(() -> RunbookEnvironment.read(config("secrets: {webhook: {env: HOOK_URL}}"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("secrets.webhook: environment variable HOOK_URL is not set");
        assertThatThrownBy(() -> RunbookEnvironment.read(config("secrets: {webhook: {path: x}}"), Map.of()))
                .hasMessage(temp.resolve("quench.yaml")
                        + ":1:21: secrets.webhook.path: unknown key (secrets.webhook takes env, file)");
        assertThatThrownBy(() -> RunbookEnvironment.read(config("secrets: {pin: {env: PIN}}"), Map.of("PIN", "12")))
                .hasMessageContaining("secrets.pin is shorter than 4 characters");
        assertThatThrownBy(() -> RunbookEnvironment.read(config("env: REGION"), Map.of()))
                .hasMessageContaining("env: must be a list of environment variable names");
        assertThatThrownBy(() -> RunbookEnvironment.read(config("secrets: {slack-hook: {env: X}}"), Map.of("X", "abcdef")))
                .hasMessageContaining("secrets.slack-hook: a secret name is letters, digits and _");
    }

    private QuenchConfig config(String yaml) throws Exception {
        Path file = Files.writeString(temp.resolve("quench.yaml"), yaml);
        return ConfigLoader.load(file, temp.resolve("data"));
    }
}
