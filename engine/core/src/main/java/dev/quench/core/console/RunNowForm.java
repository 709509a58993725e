package dev.quench.core.console;

import dev.quench.core.runbook.ParamSpec;
import dev.quench.core.runbook.ParamType;
import dev.quench.core.runbook.Runbook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The run-now form of a runbook, made from its typed params: one field per param with its type, default,
 * whether it is required and what it is for, and after a submit the value given and what is wrong with it.
 * The values are checked with the param's own conversion ({@link ParamSpec#convert}), the one a run uses, so
 * the form refuses exactly what the run would. An empty field means "use the default". A site param
 * ({@code site: true}) is shown with its default but takes no value: a submitted value for it is refused, as
 * the engine would refuse it. Immutable.
 *
 * @param runbook the runbook's name
 * @param fields  one per declared param, in the order written
 * @param errors  problems that belong to no one field (an unknown field, what the engine refused); empty when fine
 */
public record RunNowForm(String runbook, List<Field> fields, List<String> errors) {

    /** Field names carry this prefix, so that no param can collide with the form's own fields ({@code _csrf}). */
    public static final String PREFIX = "param.";
    /** A value longer than this is refused: a param is a word, a list or a small map, not a file. */
    public static final int MAX_VALUE = 8_192;

    /** How a field is entered. */
    public enum Input {
        /** One line of text. */
        TEXT,
        /** A whole number. */
        INTEGER,
        /** Any number. */
        NUMBER,
        /** Default, true or false. */
        BOOLEAN,
        /** A JSON object or list over several lines. */
        TEXTAREA
    }

    /**
     * One param's field.
     *
     * @param name         the param ({@code params.<name>}); the form field is {@link #PREFIX} + name
     * @param type         its declared type ({@code int}, {@code list}, ...), or {@code text} when it has none
     * @param input        how it is entered
     * @param hint         what a value looks like ({@code a whole number})
     * @param defaultValue its default, as text, or empty when it has none
     * @param required     whether a run must give it
     * @param description  what it is for, may be empty
     * @param value        the value submitted, as typed (empty before a submit)
     * @param error        what is wrong with it, or empty
     * @param site         site configuration: shown, not editable (its value is the default or the site's)
     */
    public record Field(String name, String type, Input input, String hint, String defaultValue, boolean required,
                        String description, String value, String error, boolean site) {

        /** The name of the HTML form field. */
        public String formName() {
            return PREFIX + name;
        }

        /** The HTML id of the input, for its label. */
        public String inputId() {
            return "param-" + name;
        }

        public boolean hasError() {
            return !error.isEmpty();
        }
    }

    public RunNowForm {
        Objects.requireNonNull(runbook, "runbook");
        fields = List.copyOf(fields);
        errors = List.copyOf(errors);
    }

    /** The empty form of {@code runbook}. */
    public static RunNowForm blank(Runbook runbook) {
        return new RunNowForm(runbook.name(), runbook.params().stream().map(param -> field(param, "", "")).toList(),
                List.of());
    }

    /**
     * The form of {@code runbook} as submitted ({@code submitted}: every form field by name, the form's own fields
     * included), each value checked against its param.
     */
    public static RunNowForm submitted(Runbook runbook, Map<String, String> submitted) {
        List<Field> fields = new ArrayList<>();
        for (ParamSpec param : runbook.params()) {
            String value = submitted.getOrDefault(PREFIX + param.name(), "");
            fields.add(field(param, value, check(param, value)));
        }
        List<String> errors = new ArrayList<>();
        for (String name : submitted.keySet().stream().sorted().toList()) {
            if (name.startsWith(PREFIX) && runbook.param(name.substring(PREFIX.length())).isEmpty()) {
                errors.add("runbook '" + runbook.name() + "' has no param '" + shorten(name.substring(PREFIX.length()))
                        + "': the form was not made for this runbook as loaded now; reload the page");
            }
        }
        return new RunNowForm(runbook.name(), fields, errors);
    }

    /** Whether every field and the form as a whole are fine. */
    public boolean valid() {
        return errors.isEmpty() && fields.stream().noneMatch(Field::hasError);
    }

    /** The values to start the run with: the non-empty fields, as text (the run converts them once). */
    public Map<String, String> params() {
        Map<String, String> params = new LinkedHashMap<>();
        fields.stream().filter(field -> !field.value().isBlank()).forEach(field -> params.put(field.name(),
                field.value().strip()));
        return params;
    }

    /** This form with {@code error} added for the whole form (what the engine refused). */
    public RunNowForm withError(String error) {
        List<String> more = new ArrayList<>(errors);
        more.add(error);
        return new RunNowForm(runbook, fields, more);
    }

    private static String check(ParamSpec param, String value) {
        if (param.site()) {
            // Never "required" here: a required site param is the site's to set, not the form's.
            return value.isEmpty() ? "" : "site configuration (site: true): the form does not take it; its value is "
                    + "the runbook's default or the site's (params: in quench.yaml)";
        }
        if (value.length() > MAX_VALUE) {
            return "has " + value.length() + " characters; at most " + MAX_VALUE;
        }
        if (value.isBlank()) {
            return param.required() ? "required: give " + param.type().map(ParamType::description).orElse("a value")
                    : "";
        }
        try {
            param.convert(value.strip());
            return "";
        } catch (IllegalArgumentException e) {
            // "param 'x' (type: int): expected ...": the field already says which param it is.
            String message = e.getMessage();
            int colon = message.indexOf("): ");
            return colon >= 0 ? message.substring(colon + 3) : message;
        }
    }

    private static Field field(ParamSpec param, String value, String error) {
        ParamType type = param.type().orElse(null);
        Input input = type == null ? Input.TEXT : switch (type) {
            case STRING -> Input.TEXT;
            case INT -> Input.INTEGER;
            case NUMBER -> Input.NUMBER;
            case BOOL -> Input.BOOLEAN;
            case LIST -> Input.TEXT;
            case MAP -> Input.TEXTAREA;
        };
        String hint = type == null ? "text" : type == ParamType.LIST
                ? "a list: values separated by commas, or a JSON array" : type.description();
        return new Field(param.name(), type == null ? "text" : type.wireName(), input, hint,
                param.defaultValue().map(ValueText::of).orElse(""), param.required(), param.description(), value, error,
                param.site());
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
