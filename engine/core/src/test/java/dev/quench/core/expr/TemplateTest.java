package dev.quench.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.api.StepResult;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplateTest {

    private static final Alert ALERT = new Alert("alertmanager", "abc123", AlertStatus.FIRING,
            Map.of("alertname", "DiskSpaceLow", "instance", "web-7:9100", "count", " 42 "),
            Map.of("summary", "disk 91% full"), Instant.parse("2024-05-01T03:00:00Z"), null, "");

    private static final ExpressionScope SCOPE = ExpressionScope.of(ALERT,
            Map.of("logDir", "/var/log/app", "days", 7),
            Map.of("status", StepResult.ofExitCode(0, "{\"keys\": [\"a\", \"b\"], \"n\": 2}", ""),
                    "text", StepResult.ofExitCode(3, "not json", "boom")),
            Map.of("id", "run-1", "runbook", "disk"), Map.of("PAGER_URL", "https://pager"));

    private static Object plain(String text) {
        return Template.compile(text).render(SCOPE, RenderMode.PLAIN);
    }

    private static Object shell(String text) {
        return Template.compile(text).render(SCOPE, RenderMode.SHELL);
    }

    private static TemplateSyntaxException compileError(String text, Declarations declarations) {
        try {
            Template.compile(text, declarations);
        } catch (TemplateSyntaxException e) {
            return e;
        }
        throw new AssertionError("expected " + text + " not to compile");
    }

    @Test
    void aSingleExpressionKeepsItsType() {
        assertThat(plain("${{ params.days }}")).isEqualTo(7);
        assertThat(plain("${{ params.days + 1 }}")).isEqualTo(8);
        assertThat(plain("${{ steps.status.json.keys }}")).isEqualTo(List.of("a", "b"));
        assertThat(plain("${{ steps.status.json }}")).isEqualTo(Map.of("keys", List.of("a", "b"), "n", 2));
        assertThat(plain("${{ [1, 2] }}")).isEqualTo(List.of(1, 2));
        assertThat(plain("${{ alert.labels.nope }}")).isNull();
        assertThat(plain("${{ steps.text.exitCode == 3 }}")).isEqualTo(true);
    }

    @Test
    void textAroundExpressionsMakesAString() {
        assertThat(plain("no expressions")).isEqualTo("no expressions");
        assertThat(plain("days=${{ params.days }}")).isEqualTo("days=7");
        assertThat(plain("[${{ alert.labels.nope }}]")).isEqualTo("[]");
        assertThat(plain("${{ alert.name }} on ${{ host(alert.labels.instance) }}")).isEqualTo("DiskSpaceLow on web-7");
        assertThat(plain("keys: ${{ steps.status.json.keys }}")).isEqualTo("keys: [\"a\",\"b\"]");
        assertThat(plain("${{ {'a': '}}'}.a }}!")).isEqualTo("}}!");
    }

    @Test
    void exposesAlertStepsRunAndEnv() {
        assertThat(plain("${{ alert.status }} ${{ alert.fingerprint }} ${{ alert.startsAt }} ${{ alert.source }}"))
                .isEqualTo("firing abc123 2024-05-01T03:00:00Z alertmanager");
        assertThat(plain("${{ alert.annotations.summary }}")).isEqualTo("disk 91% full");
        assertThat(plain("${{ steps.text.status }}/${{ steps.text.stderr }}/${{ steps.status.status }}"))
                .isEqualTo("failed/boom/succeeded");
        assertThat(plain("${{ steps.text.json }}")).isNull();
        assertThat(plain("${{ run.id }} ${{ env.PAGER_URL }}")).isEqualTo("run-1 https://pager");
        assertThat(plain("${{ alert.labels['instance'] }}")).isEqualTo("web-7:9100");
        assertThat(Template.compile("${{ alert.labels.x }}").render(ExpressionScope.empty(), RenderMode.PLAIN)).isNull();
    }

    @Test
    void functions() {
        assertThat(plain("${{ host('[::1]:9100') }}|${{ host('::1') }}|${{ host('web-7') }}")).isEqualTo("::1|::1|web-7");
        assertThat(plain("${{ toInt(alert.labels.count) + 1 }}")).isEqualTo(43);
        assertThat(plain("${{ trim(alert.labels.count) }}")).isEqualTo("42");
        assertThat(plain("${{ orDefault(alert.labels.team, 'ops') }}")).isEqualTo("ops");
        assertThat(plain("${{ alert.labels.team ?? 'ops' }}")).isEqualTo("ops");
        assertThat(plain("${{ size(steps.status.json.keys) }}")).isEqualTo(2);
        assertThat(plain("${{ raw('a b') }}")).isEqualTo("a b");
    }

    @Test
    void shellModeQuotesEveryValueAsOneWord() {
        assertThat(shell("find ${{ params.logDir }} -mtime +${{ params.days }}")).isEqualTo("find /var/log/app -mtime +7");
        assertThat(shell("echo ${{ alert.annotations.summary }}")).isEqualTo("echo 'disk 91% full'");
        assertThat(shell("echo ${{ alert.labels.nope }}")).isEqualTo("echo ''");
        assertThat(shell("echo ${{ raw('a > b') }}")).isEqualTo("echo a > b");
        // raw only counts when it wraps the whole expression.
        assertThat(shell("echo ${{ raw('a') + ' > b' }}")).isEqualTo("echo 'a > b'");
        assertThat(shell("test \"$(cat f)\" = ${{ params.days }}")).isEqualTo("test \"$(cat f)\" = 7");
    }

    @Test
    void shellModeRefusesExpressionsInsideTheAuthorsQuotes() {
        for (String text : new String[] {"echo '${{ alert.name }}'", "echo \"x ${{ alert.name }}\"", "echo \\${{ alert.name }}"}) {
            Template template = Template.compile(text);
            assertThat(template.shellQuotingProblem()).as(text).isPresent();
            assertThatThrownBy(() -> template.render(SCOPE, RenderMode.SHELL)).isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("in a shell command");
        }
        assertThat(Template.compile("echo 'a' ${{ alert.name }} \"b\"").shellQuotingProblem()).isEmpty();
        assertThat(Template.compile("echo '${{ alert.name }}'").shellQuotingProblem().orElseThrow().offset()).isEqualTo(6);
    }

    @Test
    void quotingStartsAfreshInsideCommandSubstitution() {
        for (String text : new String[] {
                "test \"$(redis-cli -p ${{ params.days }} dbsize)\" = 0",
                "echo \"$(a \"$(b ${{ alert.name }})\")\"",
                "echo \"`b ${{ alert.name }}`\"",
                "echo \"$(a $((1 + 2)) ${{ alert.name }})\"",
                "echo \"$(case x in (x) echo ${{ alert.name }};; esac)\""}) {
            assertThat(Template.compile(text).shellQuotingProblem()).as(text).isEmpty();
        }
        assertThat(shell("test \"$(redis-cli -p ${{ params.days }} dbsize)\" = 0"))
                .isEqualTo("test \"$(redis-cli -p 7 dbsize)\" = 0");
        assertThat(shell("echo \"$(a \"$(b ${{ alert.annotations.summary }})\")\""))
                .isEqualTo("echo \"$(a \"$(b 'disk 91% full')\")\"");
        // Quotes opened inside the substitution, or reopened after it closes, still count.
        assertThat(Template.compile("echo \"$(a \"${{ alert.name }}\")\"").shellQuotingProblem().orElseThrow())
                .hasMessageStartingWith("${{ alert.name }} is inside double quotes");
        assertThat(Template.compile("echo \"$(a) ${{ alert.name }}\"").shellQuotingProblem().orElseThrow())
                .hasMessageStartingWith("${{ alert.name }} is inside double quotes");
        assertThat(Template.compile("echo \"`a` ${{ alert.name }}\"").shellQuotingProblem().orElseThrow())
                .hasMessageStartingWith("${{ alert.name }} is inside double quotes");
        assertThat(Template.compile("echo '$(a ${{ alert.name }})'").shellQuotingProblem().orElseThrow())
                .hasMessageStartingWith("${{ alert.name }} is inside single quotes");
    }

    @Test
    void alertValuesAsArgumentsBeforeDoubleDashAreWarnedAbout() {
        for (String text : new String[] {"sort ${{ alert.labels.x }}", "cd /tmp && rm -f ${{ alert.labels.x }}",
                "sudo systemctl restart ${{ alert.labels.x }}", "echo \"$(cat ${{ alert.labels.x }})\"",
                "FOO=1 sort ${{ alert.labels.x }}", "ls /a; sort -r ${{ alert.labels.x }} > out",
                "if grep -q ${{ alert.labels.x }} f; then :; fi", "x=$(sort ${{ alert.labels.x }} -- a)"}) {
            assertThat(Template.compile(text).optionInjectionWarnings()).as(text).hasSize(1);
        }
        for (String text : new String[] {"sort -- ${{ alert.labels.x }}", "sort ./${{ alert.labels.x }}",
                "sort --key=${{ alert.labels.x }}", "${{ alert.labels.x }} --version", "sort ${{ params.days }}",
                "sort ${{ raw(alert.labels.x) }}", "echo x > ${{ alert.labels.x }}", "rm -- a ${{ alert.labels.x }}",
                "cat f 2>&1 >${{ alert.labels.x }}", "FOO=${{ alert.labels.x }} sort",
                "echo restarted ${{ alert.labels.x }}"}) {
            assertThat(Template.compile(text).optionInjectionWarnings()).as(text).isEmpty();
        }
        TemplateSyntaxException warning = Template.compile("ls; sort ${{ alert.labels.x }}").optionInjectionWarnings().getFirst();
        assertThat(warning).hasMessage("${{ alert.labels.x }} is an argument of 'sort' with no -- before it: an alert "
                + "value starting with - (like -oevil.txt) would be read as an option, which quoting cannot prevent; "
                + "write -- before it if the command takes it (sort -- ${{ alert.labels.x }})");
        assertThat(warning.offset()).isEqualTo(9);
    }

    @Test
    void compileErrorsCarryTheOffsetInsideTheText() {
        TemplateSyntaxException unknown = compileError("host ${{ alrt.labels.x }}", Declarations.unchecked());
        assertThat(unknown).hasMessage("unknown variable 'alrt' — did you mean 'alert'? "
                + "(expressions can read alert, params, steps, run, env and secrets; item and itemIndex in a forEach step)");
        assertThat(unknown.offset()).isEqualTo(9);

        assertThat(compileError("${{ alert.lables.x }}", Declarations.unchecked()))
                .hasMessageStartingWith("unknown alert field 'lables' — did you mean 'labels'?");
        assertThat(compileError("a ${{ x = 1 }}", Declarations.unchecked()).offset()).isEqualTo(6);
        assertThat(compileError("${{ alert.name", Declarations.unchecked()))
                .hasMessage("unclosed ${{: end the expression with }}");
        assertThat(compileError("${{ }}", Declarations.unchecked())).hasMessage("empty expression ${{ }}");
        assertThat(compileError("${{ for (x : [1]) x }}", Declarations.unchecked())).hasMessageStartingWith("a loop is not allowed");
        assertThat(compileError("${{ new('java.io.File', '/') }}", Declarations.unchecked()))
                .hasMessageStartingWith("new is not allowed");
        assertThat(compileError("${{ System.exit(1) }}", Declarations.unchecked()))
                .hasMessageStartingWith("unknown variable 'System'");
        assertThat(compileError("${{ default(alert.name, 'x') }}", Declarations.unchecked()))
                .hasMessageStartingWith("'default' is a reserved word");
        assertThat(compileError("${{ trm(alert.name) }}", Declarations.unchecked()))
                .hasMessageStartingWith("unknown function 'trm' — did you mean 'trim'?");
    }

    @Test
    void paramsAndStepsAreCheckedAgainstWhatTheRunbookDeclares() {
        Declarations declarations = Declarations.of(Set.of("logDir"), List.of("clean"), Set.of("clean", "check", "verify"));
        assertThat(Template.compile("${{ params.logDir }} ${{ steps.clean.stdout }} ${{ steps['clean'].json }}",
                declarations).expressions()).hasSize(3);
        assertThat(compileError("${{ params.logdir }}", declarations))
                .hasMessage("unknown param 'logdir' — did you mean 'logDir'? (declared params: logDir)");
        assertThat(compileError("${{ steps.verify.stdout }}", declarations))
                .hasMessageStartingWith("step 'verify' does not run before this step");
        assertThat(compileError("${{ steps.clena.stdout }}", declarations))
                .hasMessage("unknown step 'clena' — did you mean 'clean'? (earlier steps: clean)");
        assertThat(compileError("${{ steps.clean.stdot }}", declarations))
                .hasMessageStartingWith("unknown step field 'stdot' — did you mean 'stdout'?");
    }

    @Test
    void anUnknownStepSaysSoByItsKindNotOnlyByItsText() {
        Declarations declarations = Declarations.of(Set.of("logDir"), List.of("clean"), Set.of("clean", "verify"));
        // Behind text, so the offset is shifted: the kind must survive that too.
        assertThat(compileError("echo ${{ steps.clena.stdout }}", declarations).kind())
                .isEqualTo(TemplateSyntaxException.Kind.UNKNOWN_STEP);
        assertThat(compileError("${{ steps.clean.stdot }}", declarations).kind())
                .isEqualTo(TemplateSyntaxException.Kind.GENERAL);
        assertThat(compileError("${{ steps.verify.stdout }}", declarations).kind())
                .isEqualTo(TemplateSyntaxException.Kind.GENERAL);
        assertThat(compileError("${{ params.logdir }}", declarations).kind())
                .isEqualTo(TemplateSyntaxException.Kind.GENERAL);
    }

    @Test
    void expressionsCannotReachClassesOrChangeValues() {
        assertThatThrownBy(() -> plain("${{ alert.name.getClass() }}")).isInstanceOf(ExpressionException.class);
        assertThatThrownBy(() -> plain("${{ alert.name.class }}")).isInstanceOf(ExpressionException.class);
        assertThatThrownBy(() -> plain("${{ alert.labels.put('x', 'y') }}")).isInstanceOf(ExpressionException.class);
        assertThat(plain("${{ alert.name.toLowerCase() }}")).isEqualTo("diskspacelow");
    }

    @Test
    void evaluationErrorsNameTheExpression() {
        assertThatThrownBy(() -> plain("${{ toInt(alert.name) }}"))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("${{ toInt(alert.name) }} failed: toInt: the value (text of 12 characters, not shown as it may hold a secret) is not a whole number in the int range");
        assertThatThrownBy(() -> plain("${{ alert.labels.nope.x }}")).isInstanceOf(ExpressionException.class)
                .hasMessageContaining("alert.labels.nope.x");
        assertThatThrownBy(() -> plain("${{ alert.labels.nope + 1 }}")).isInstanceOf(ExpressionException.class);
        assertThat(plain("${{ alert.labels?.nope?.x }}")).isNull();
    }
}
