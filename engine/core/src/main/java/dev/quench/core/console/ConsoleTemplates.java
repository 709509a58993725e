package dev.quench.core.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The console's jte templates (engine/core/src/main/jte), compiled to classes at build time with HTML
 * escaping of every {@code ${}}: nothing is parsed or compiled at run time. Thread-safe.
 */
public final class ConsoleTemplates {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders {@code template} (e.g. {@code console/runs.jte}) with its named parameters. */
    public String render(String template, Map<String, Object> params) {
        StringOutput output = new StringOutput();
        engine.render(template, params, output);
        return output.toString();
    }
}
