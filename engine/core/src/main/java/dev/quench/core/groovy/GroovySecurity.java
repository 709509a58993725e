package dev.quench.core.groovy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.control.customizers.SecureASTCustomizer;

/**
 * The allow-list Groovy runbooks are compiled with: no imports, no class references beyond
 * plain values, no constructors beyond collections, no reflection, metaclass, process or
 * evaluation methods, no method definitions. It stops accidents and the obvious ways to run
 * commands outside the step calls; it is not a sandbox for hostile code (see README).
 * A new instance per compilation: it collects the violations it found.
 */
final class GroovySecurity {

    /** A refused construct and where it is. */
    record Violation(int line, int column, String message) {
    }

    private static final Set<String> CLASSES = Set.of("java.lang.String", "java.lang.Integer", "java.lang.Long",
            "java.lang.Math", "java.lang.Boolean", "java.lang.Double");
    private static final Set<String> CONSTRUCTORS = Set.of("java.util.ArrayList", "java.util.LinkedHashMap",
            "java.util.HashMap", "java.util.LinkedHashSet", "java.lang.StringBuilder");
    private static final Set<String> METHODS = Set.of("execute", "getClass", "forName", "newInstance", "invokeMethod",
            "getMetaClass", "setMetaClass", "evaluate", "getProperty", "setProperty", "getDeclaredMethod",
            "getDeclaredMethods", "getMethod", "getMethods", "getDeclaredField", "getClassLoader", "wait", "notify",
            "notifyAll", "run", "with", "identity", "use", "mixin", "getBinding", "setBinding", "sleep", "exit",
            "load", "parse", "addShutdownHook", "withObjectOutputStream", "withInputStream", "withOutputStream");
    private static final Set<String> PROPERTIES = Set.of("class", "metaClass", "classLoader", "binding",
            "declaredMethods", "declaredFields", "methods", "protectionDomain");

    private final List<Violation> violations = new ArrayList<>();

    List<Violation> violations() {
        return List.copyOf(violations);
    }

    SecureASTCustomizer customizer() {
        SecureASTCustomizer secure = new SecureASTCustomizer();
        secure.setAllowedImports(List.of());
        secure.setAllowedStarImports(List.of());
        secure.setAllowedStaticImports(List.of());
        secure.setAllowedStaticStarImports(List.of());
        secure.setMethodDefinitionAllowed(false);
        secure.setPackageAllowed(false);
        secure.addExpressionCheckers(this::allowed);
        return secure;
    }

    private boolean allowed(Expression expression) {
        String refused = switch (expression) {
            case ClassExpression type when !CLASSES.contains(type.getType().getName()) ->
                    "class " + type.getType().getName() + " is not available in a runbook";
            case ConstructorCallExpression call when !CONSTRUCTORS.contains(call.getType().getName()) ->
                    "new " + call.getType().getName() + "(...) is not available in a runbook";
            case MethodCallExpression call when METHODS.contains(call.getMethodAsString()) ->
                    "method '" + call.getMethodAsString() + "' is not available in a runbook";
            case StaticMethodCallExpression call -> "static method " + call.getOwnerType().getName() + "."
                    + call.getMethod() + " is not available in a runbook";
            case MethodPointerExpression ignored -> "method pointers (.&) are not available in a runbook";
            case AttributeExpression ignored -> "field access (.@) is not available in a runbook";
            case PropertyExpression property when PROPERTIES.contains(property.getPropertyAsString()) ->
                    "property '" + property.getPropertyAsString() + "' is not available in a runbook";
            default -> null;
        };
        if (refused == null) {
            return true;
        }
        violations.add(new Violation(expression.getLineNumber(), expression.getColumnNumber(), refused
                + ": a Groovy runbook's side effects are step calls (ssh.exec(...), http.request(...), shell.exec(...))"));
        return false;
    }
}
