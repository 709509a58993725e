package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Site params ({@code site: true}): declared in YAML and Groovy alike, taken from the default or the site, and
 * every run request that sets one is refused with a reason that says where the value comes from instead.
 */
class SiteParamsTest {

    private static final RunbookLoader LOADER = new RunbookLoader(new TestStepCatalog());

    private static Runbook load(String file, String source) {
        RunbookLoadResult result = LOADER.loadSource(Path.of(file), source);
        assertThat(result.problems()).isEmpty();
        return result.runbooks().getFirst();
    }

    private static final String YAML = """
            name: probe
            params:
              healthUrls: {type: map, site: true, default: {web: "http://127.0.0.1/health"}}
              adminHost: {site: true, required: true}
              service: {default: web}
            steps:
              - id: a
                uses: shell.exec
                with: {command: "echo ${{ params.healthUrls }} ${{ params.adminHost }} ${{ params.service }}"}
            """;

    @Test
    void aYamlParamIsSiteConfigurationOnlyWhenItSaysSiteTrue() {
        Runbook runbook = load("probe.yaml", YAML);

        assertThat(runbook.params()).extracting(ParamSpec::name, ParamSpec::site).containsExactly(
                org.assertj.core.groups.Tuple.tuple("healthUrls", true), org.assertj.core.groups.Tuple.tuple("adminHost", true),
                org.assertj.core.groups.Tuple.tuple("service", false));
    }

    @Test
    void aRunRequestThatSetsASiteParamIsRefusedSayingWhereTheValueComesFrom() {
        Runbook runbook = load("probe.yaml", YAML);

        assertThat(runbook.siteParamRefusal(Set.of("service"))).isEmpty();
        assertThat(runbook.siteParamRefusal(Set.of())).isEmpty();
        assertThat(runbook.siteParamRefusal(Set.of("service", "healthUrls"))).hasValue("runbook 'probe': param "
                + "'healthUrls' is site configuration (site: true), which a run request cannot set: the value is the "
                + "runbook's default or the site's (params: {probe: {healthUrls: ...}} in quench.yaml); nothing was "
                + "started. Leave it out of the request, or change the site's value in quench.yaml");
        assertThat(runbook.siteParamRefusal(List.of("adminHost", "healthUrls")).orElseThrow())
                .startsWith("runbook 'probe': params 'healthUrls', 'adminHost' are site configuration (site: true)");
    }

    @Test
    void theSiteSetsASiteParamAndARequiredOneWithoutASiteValueSaysToSetItInQuenchYaml() {
        Runbook runbook = load("probe.yaml", YAML);

        // The site's values (quench.yaml) and runbook tests go through resolveParams, which takes them.
        assertThat(runbook.resolveParams(Map.of("adminHost", "admin.internal", "healthUrls", "{\"web\": \"http://10.0.0.7/h\"}")))
                .containsEntry("adminHost", "admin.internal").containsEntry("healthUrls", Map.of("web", "http://10.0.0.7/h"));
        assertThatThrownBy(() -> runbook.resolveParams(Map.of()))
                .hasMessage("runbook 'probe' needs param 'adminHost', which is site configuration (site: true): set it "
                        + "in quench.yaml as params: {probe: {adminHost: ...}} and restart");
    }

    @Test
    void aGroovyParamTakesSiteTrueAndRefusesAMisspeltOption() {
        Runbook runbook = load("probe.groovy", """
                runbook {
                    name 'probe'
                    param 'healthUrl', site: true, default: 'http://127.0.0.1/health'
                    param 'service', default: 'web'
                }
                steps { shell.exec id: 'a', command: "echo ${params.healthUrl}" }
                """);
        assertThat(runbook.params()).extracting(ParamSpec::site).containsExactly(true, false);

        RunbookLoadResult misspelt = LOADER.loadSource(Path.of("probe.groovy"), """
                runbook {
                    name 'probe'
                    param 'healthUrl', sites: true, default: 'http://127.0.0.1/health'
                }
                steps { shell.exec id: 'a', command: 'true' }
                """);
        assertThat(misspelt.runbooks()).isEmpty();
        assertThat(misspelt.problems()).singleElement().asString().contains("unknown option 'sites' of param 'healthUrl'"
                + " — did you mean 'site'? (options: type, default, required, description, site)");

        RunbookLoadResult notBoolean = LOADER.loadSource(Path.of("probe.groovy"), """
                runbook {
                    name 'probe'
                    param 'healthUrl', site: 'yes'
                }
                steps { shell.exec id: 'a', command: 'true' }
                """);
        assertThat(notBoolean.problems()).singleElement().asString()
                .contains("site of param 'healthUrl' must be true or false, found 'yes'");
    }
}
