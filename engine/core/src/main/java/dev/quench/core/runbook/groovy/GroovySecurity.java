package dev.quench.core.runbook.groovy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.control.customizers.SecureASTCustomizer;

/**
 * The allow-list Groovy runbooks are compiled with. In three layers:
 * <ol>
 * <li>before anything else of the file is compiled ({@link RunbookSourceCheck}, at CONVERSION):
 * no annotations (an AST transformation such as {@code @ASTTest} or {@code @Grab} runs code at
 * compile time, so validate and every reload would run it), no imports, classes, methods or
 * package;</li>
 * <li>every expression ({@link RunbookCodeCheck}, at CANONICALIZATION): methods from an
 * allow-list only, step calls, no reflective names ({@code class}, {@code classLoader},
 * {@code metaClass}...) as property or subscript, no names computed at run time, no class
 * references, constructors or types beyond plain values;</li>
 * <li>at run time ({@link RunbookSubscripts}): a subscript whose name is computed at run time
 * cannot reach those reflective names either.</li>
 * </ol>
 * It stops accidents and casual abuse; it is not a sandbox for hostile code (see
 * docs/groovy-security.md). A new instance per compilation: it collects the violations it found.
 */
final class GroovySecurity {

    /** A refused construct and where it is. */
    record Violation(int line, int column, String message) {
    }

    static final String STEP_CALLS = "a Groovy runbook's side effects are step calls (ssh.exec(...), "
            + "http.request(...), shell.exec(...))";

    /** Classes a runbook may name, for their constants and static helpers ({@code Math.max}, {@code Integer.MAX_VALUE}). */
    static final Set<String> CLASSES = Set.of("java.lang.String", "java.lang.Integer", "java.lang.Long",
            "java.lang.Math", "java.lang.Boolean", "java.lang.Double");

    /** Types a runbook may declare, cast to ({@code as}) or test ({@code instanceof}, so also name): plain values. */
    static final Set<String> TYPES = Set.of("int", "long", "double", "float", "short", "byte", "char", "boolean",
            "java.lang.Object", "java.lang.String", "java.lang.CharSequence", "groovy.lang.GString",
            "java.lang.Integer", "java.lang.Long", "java.lang.Double", "java.lang.Float", "java.lang.Short",
            "java.lang.Byte", "java.lang.Character", "java.lang.Boolean", "java.lang.Number", "java.math.BigDecimal",
            "java.math.BigInteger", "java.util.List", "java.util.Map", "java.util.Set", "java.util.Collection",
            "groovy.lang.Closure");

    /** Constructors a runbook may call: collections, text, and the exceptions a body throws to fail its run. */
    static final Set<String> CONSTRUCTORS = Set.of("java.util.ArrayList", "java.util.LinkedHashMap",
            "java.util.HashMap", "java.util.LinkedHashSet", "java.lang.StringBuilder", "java.lang.IllegalStateException",
            "java.lang.IllegalArgumentException", "java.lang.RuntimeException");

    /**
     * The methods a runbook may call, by name: the DSL, and what strings, numbers, lists, maps and
     * closures offer for working on values. Any other name (getClass, invokeMethod, execute,
     * evaluate, exit, halt, loadClass, println, sleep...) is refused at load.
     */
    static final Set<String> METHODS = Set.of(
            // the DSL: runbook { }, steps { }, the expression functions
            "runbook", "steps", "verify", "onFailure", "always", "name", "description", "owner", "manualMinutes", "alert",
            "param", "timeLimit", "schedule", "guards", "approval", "resumable", "toilReplaces", "host", "trim", "toInt",
            "orDefault", "json",
            "matches", "regexFind", "raw",
            // strings
            "strip", "stripLeading", "stripTrailing", "split", "tokenize", "startsWith", "endsWith", "contains",
            "containsIgnoreCase", "indexOf", "lastIndexOf", "substring", "replace", "replaceAll", "replaceFirst",
            "toUpperCase", "toLowerCase", "toInteger", "toLong", "toDouble", "toBigDecimal", "toBoolean",
            "isInteger", "isLong", "isDouble", "isNumber", "isBigDecimal", "isEmpty", "isBlank", "length", "equals",
            "equalsIgnoreCase", "compareTo", "compareToIgnoreCase", "readLines", "padLeft", "padRight", "center",
            "capitalize", "uncapitalize", "charAt", "stripIndent", "stripMargin", "normalize", "denormalize",
            "eachLine", "eachMatch", "toString", "hashCode", "format", "valueOf", "parseInt", "parseLong",
            "parseDouble", "parseBoolean", "repeat", "concat", "append",
            // collections and maps
            "each", "eachWithIndex", "collect", "collectEntries", "collectMany", "find", "findAll", "findResult",
            "findResults", "findIndexOf", "grep", "any", "every", "inject", "sum", "max", "min", "sort", "toSorted",
            "unique", "toUnique", "reverse", "first", "last", "head", "tail", "init", "take", "drop", "takeWhile",
            "dropWhile", "size", "containsKey", "containsValue", "containsAll", "get", "getOrDefault", "put",
            "putAll", "remove", "removeAll", "retainAll", "add", "addAll", "clear", "keySet", "values", "entrySet",
            "join", "flatten", "groupBy", "countBy", "count", "withIndex", "indexed", "subList", "plus", "minus",
            "intersect", "disjoint", "collate", "toList", "toSet", "asList", "of", "copyOf", "push", "pop",
            "leftShift", "getKey", "getValue", "subMap",
            // numbers
            "abs", "round", "floor", "ceil", "intValue", "longValue", "doubleValue", "pow", "sqrt", "upto",
            "downto", "times", "step", "multiply", "div", "mod",
            // closures
            "call", "curry");

    /**
     * Names that reach the Java machinery behind a value (its class, class loader, metaclass,
     * bindings, a closure's delegate): refused as a property or a subscript at load when the name is
     * written out, and as a subscript at run time when it is computed. Lower case: Groovy resolves
     * {@code x.Class} like {@code x.class}. ({@code owner} is refused as a bare name only: a label
     * may be called owner, {@code alert.labels.owner}.)
     */
    static final Set<String> REFLECTIVE = Set.of("class", "classloader", "metaclass", "properties",
            "metapropertyvalues", "binding", "delegate", "thisobject", "directive", "resolvestrategy",
            "declaredmethods", "declaredfields", "declaredconstructors", "protectiondomain", "superclass",
            "enclosingclass", "declaringclass", "componenttype", "declaredclasses");

    /** Bare names a body may not read: the closure's and the script's machinery. */
    static final Set<String> VARIABLES = Set.of("metaClass", "delegate", "owner", "thisObject", "directive",
            "resolveStrategy", "binding", "properties", "metaPropertyValues");

    private final Set<String> stepTypes;
    private final List<Violation> violations = new ArrayList<>();

    /** @param stepTypes the step types of this engine, so {@code ssh.exec(...)} is known as a step call */
    GroovySecurity(Set<String> stepTypes) {
        this.stepTypes = Set.copyOf(stepTypes);
    }

    /** The violations found, one a line (the first on it), in file order. */
    List<Violation> violations() {
        Map<Integer, Violation> firstOnLine = new LinkedHashMap<>();
        violations.stream().sorted(Comparator.comparingInt(Violation::line).thenComparingInt(Violation::column))
                .forEach(violation -> firstOnLine.putIfAbsent(violation.line(), violation));
        return List.copyOf(firstOnLine.values());
    }

    /** How many refusals so far, all of them. */
    int count() {
        return violations.size();
    }

    void refuse(ASTNode where, String message) {
        violations.add(new Violation(where.getLineNumber(), where.getColumnNumber(), message));
    }

    boolean isStepType(String type) {
        return stepTypes.contains(type);
    }

    /** The step type families ({@code ssh} for {@code ssh.exec}), which a body reads as step namespaces. */
    boolean isStepNamespace(String name) {
        return stepTypes.stream().anyMatch(type -> type.startsWith(name + "."));
    }

    Set<String> stepTypes() {
        return Collections.unmodifiableSet(new TreeSet<>(stepTypes));
    }

    static boolean isReflective(String name) {
        return REFLECTIVE.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Configures {@code config} for a runbook: the checks in their phases, Groovy's own
     * allow-list for imports and method definitions as a second net, and no global AST
     * transformation (they run on every file compiled, {@code @Grab}'s among them).
     */
    void apply(CompilerConfiguration config) {
        config.setDisabledGlobalASTTransformations(GlobalTransformations.NAMES);
        SecureASTCustomizer secure = new SecureASTCustomizer();
        secure.setAllowedImports(List.of());
        secure.setAllowedStarImports(List.of());
        secure.setAllowedStaticImports(List.of());
        secure.setAllowedStaticStarImports(List.of());
        secure.setMethodDefinitionAllowed(false);
        secure.setPackageAllowed(false);
        CompilationCustomizer source = new RunbookSourceCheck(this);
        CompilationCustomizer code = new RunbookCodeCheck(this);
        config.addCompilationCustomizers(source, code, secure);
    }

    /** The global AST transformations on the engine's class path, found once: the class path does not change. */
    private static final class GlobalTransformations {
        static final Set<String> NAMES = globalTransformations(GroovySecurity.class.getClassLoader());
    }

    /** The global AST transformations on the class path, as Groovy finds them, to disable them all. */
    private static Set<String> globalTransformations(ClassLoader classLoader) {
        Set<String> names = new TreeSet<>();
        for (String resource : List.of("META-INF/groovy/org.codehaus.groovy.transform.ASTTransformation",
                "META-INF/services/org.codehaus.groovy.transform.ASTTransformation")) {
            try {
                for (URL url : Collections.list(classLoader.getResources(resource))) {
                    try (BufferedReader reader = new BufferedReader(new InputStreamReader(url.openStream(),
                            StandardCharsets.UTF_8))) {
                        reader.lines().map(line -> line.replaceFirst("#.*", "").strip()).filter(line -> !line.isEmpty())
                                .forEach(names::add);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list Groovy's global AST transformations (" + resource
                        + "), so a Groovy runbook cannot be compiled safely: " + e.getMessage(), e);
            }
        }
        return Set.copyOf(names);
    }
}
