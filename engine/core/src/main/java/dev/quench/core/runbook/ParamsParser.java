package dev.quench.core.runbook;

import dev.quench.core.util.DidYouMean;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the {@code params:} of a runbook: names, {@code type}, {@code default} (which must have the
 * declared type exactly, so {@code 1.10} does not silently become the number 1.1), {@code required}
 * {@code description} and {@code site} (site configuration: no run request may set it). Stateless.
 */
final class ParamsParser {

    static final Set<String> PARAM_FIELDS = new LinkedHashSet<>(List.of("type", "default", "required", "description",
            "site"));

    /** What {@code site: true} means, for the messages of a wrong value. */
    static final String SITE_MEANING = "site: true makes the param site configuration: its value is the runbook's "
            + "default or the site's (params: in quench.yaml), and a run request (API, console, quench run --param) "
            + "that sets it is refused; use it for a URL, host, path or command choice a run starter must not pick";

    private ParamsParser() {
    }

    static List<ParamSpec> parse(YamlNode.Mapping mapping, ProblemList problems) {
        YamlNode.Entry params = mapping.entries().get("params");
        if (params == null) {
            return List.of();
        }
        Optional<YamlNode.Mapping> fields = problems.mapping(params.value(), "params", "logDir: {default: /var/log/app}");
        List<ParamSpec> specs = new ArrayList<>();
        for (YamlNode.Entry param : fields.map(m -> m.entries().values()).orElse(List.of())) {
            parseParam(param, problems).ifPresent(specs::add);
        }
        return specs;
    }

    private static Optional<ParamSpec> parseParam(YamlNode.Entry param, ProblemList problems) {
        String name = param.key();
        if (!StepParser.IDENTIFIER.matcher(name).matches()) {
            problems.add(param.keyPosition(), "invalid param name '" + name + "': use letters, digits and _, "
                    + "starting with a letter, so that expressions can read it as params.<name>");
            return Optional.empty();
        }
        // "logDir: /var/log/app" is short for "logDir: {default: /var/log/app}".
        if (param.value() instanceof YamlNode.Scalar scalar) {
            return Optional.of(new ParamSpec(name, Optional.ofNullable(scalar.value()), false, ""));
        }
        if (!(param.value() instanceof YamlNode.Mapping spec)) {
            problems.add(param.value().position(), "param '" + name + "' must be a default value or a mapping "
                    + "with type:, default:, required:, description: and site:, found " + param.value().describe());
            return Optional.empty();
        }
        problems.checkKeys(spec, PARAM_FIELDS, " in param '" + name + "'");
        Optional<ParamType> type = type(spec, name, problems);
        boolean typeOk = type.isPresent() || !spec.entries().containsKey("type");
        YamlNode.Entry defaultEntry = spec.entries().get("default");
        Object value = null;
        if (defaultEntry != null) {
            YamlNode node = defaultEntry.value();
            if (type.isPresent()) {
                if (!matches(type.get(), node)) {
                    problems.add(node.position(), "the default of param '" + name + "' must be "
                            + type.get().yamlDescription() + " (type: " + type.get().wireName() + "), found "
                            + node.describe() + (type.get() == ParamType.STRING && node instanceof YamlNode.Scalar
                            ? ": quote it to keep it as written" : ""));
                } else {
                    value = convertDefault(type.get(), node, name, problems);
                }
            } else if (!(node instanceof YamlNode.Scalar scalar)) {
                if (typeOk) {
                    problems.add(node.position(), "the default of param '" + name + "' must be a single value (text, "
                            + "number or boolean), found " + node.describe() + ": declare type: list or type: map for more");
                }
            } else {
                value = scalar.value();
            }
        }
        boolean required = false;
        YamlNode.Entry requiredEntry = spec.entries().get("required");
        if (requiredEntry != null) {
            if (requiredEntry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Boolean flag) {
                required = flag;
            } else {
                problems.add(requiredEntry.value().position(), "required must be true or false, found "
                        + requiredEntry.value().describe());
            }
        }
        if (required && value != null) {
            problems.add(requiredEntry.keyPosition(), "param '" + name + "' is required and has a default: "
                    + "drop one of them");
        }
        boolean site = false;
        YamlNode.Entry siteEntry = spec.entries().get("site");
        if (siteEntry != null) {
            if (siteEntry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Boolean flag) {
                site = flag;
            } else {
                problems.add(siteEntry.value().position(), "site must be true or false, found "
                        + siteEntry.value().describe() + " (" + SITE_MEANING + ")");
            }
        }
        String description = problems.optionalText(spec, "description", "the description of a param").orElse("");
        return Optional.of(new ParamSpec(name, Optional.ofNullable(value), required, description, type, site));
    }

    private static Object convertDefault(ParamType type, YamlNode node, String name, ProblemList problems) {
        try {
            return type.convert(node.toPlain());
        } catch (IllegalArgumentException e) {
            // Only a whole number beyond the long range gets here.
            problems.add(node.position(), "the default of param '" + name + "': " + e.getMessage());
            return null;
        }
    }

    private static Optional<ParamType> type(YamlNode.Mapping spec, String name, ProblemList problems) {
        Optional<String> text = problems.optionalText(spec, "type", "the type of a param");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<ParamType> type = ParamType.parse(text.get());
        if (type.isEmpty()) {
            String hint = ParamType.alias(text.get()).map(alias -> " — did you mean '" + alias + "'?")
                    .orElseGet(() -> DidYouMean.hint(text.get(), ParamType.names()));
            problems.add(spec.entries().get("type").value().position(), "unknown type '" + text.get() + "' of param '"
                    + name + "'" + hint + " (types: " + String.join(", ", ParamType.names()) + ")");
        }
        return type;
    }

    /** Whether a YAML default has the type as written, without conversion. */
    private static boolean matches(ParamType type, YamlNode node) {
        if (type == ParamType.LIST) {
            return node instanceof YamlNode.Sequence;
        }
        if (type == ParamType.MAP) {
            return node instanceof YamlNode.Mapping;
        }
        if (!(node instanceof YamlNode.Scalar scalar) || scalar.value() == null) {
            return false;
        }
        Object value = scalar.value();
        return switch (type) {
            case STRING -> value instanceof String;
            case INT -> value instanceof Integer || value instanceof Long || value instanceof BigInteger;
            case NUMBER -> value instanceof Number;
            case BOOL -> value instanceof Boolean;
            default -> false;
        };
    }
}
