package dev.quench.core.runbook.groovy;

import dev.quench.core.util.DidYouMean;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.ClassCodeExpressionTransformer;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.DynamicVariable;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ArrayExpression;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.CastExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.PostfixExpression;
import org.codehaus.groovy.ast.expr.PrefixExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.ast.stmt.ForStatement;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.syntax.Types;

/**
 * The expression check of a Groovy runbook (CANONICALIZATION, once names are resolved): visits
 * every expression of the script's code, closures included, and refuses what is not on the
 * allow-list of {@link GroovySecurity}; it also rewrites each read subscript {@code x[key]} into
 * {@link RunbookSubscripts}, which checks keys computed at run time. Not thread-safe: one per
 * compilation.
 */
final class RunbookCodeCheck extends RunbookCheck {

    private static final ClassNode SUBSCRIPTS = ClassHelper.make(RunbookSubscripts.class);
    private static final String METHODS_WHY = GroovySecurity.STEP_CALLS
            + ", and it calls only the methods listed in docs/groovy-security.md";

    /** The expression being checked: where a refusal points when its part has no position. */
    private Expression current;

    RunbookCodeCheck(GroovySecurity security) {
        super(CompilePhase.CANONICALIZATION, security);
    }

    @Override
    void check(SourceUnit source) {
        // The script's statements are its run() method; everything else of the class is Groovy's own.
        new Checker(source).visitBlockStatement(source.getAST().getStatementBlock());
    }

    private final class Checker extends ClassCodeExpressionTransformer {

        private final SourceUnit source;

        Checker(SourceUnit source) {
            this.source = source;
        }

        @Override
        protected SourceUnit getSourceUnit() {
            return source;
        }

        @Override
        public void visitForLoop(ForStatement loop) {
            type(loop.getVariable(), loop.getVariable().getOriginType(), loop.getVariable().isDynamicTyped());
            super.visitForLoop(loop);
        }

        @Override
        public Expression transform(Expression expression) {
            if (expression == null) {
                return null;
            }
            check(expression);
            if (expression instanceof ClosureExpression closure) {
                parameters(closure.getParameters());
                closure.getCode().visit(this);
                return closure;
            }
            if (expression instanceof BinaryExpression binary && !(expression instanceof DeclarationExpression)
                    && Types.isAssignment(binary.getOperation().getType()) && isSubscript(binary.getLeftExpression())) {
                // x[key] = value stays Groovy's putAt; only its parts are checked.
                BinaryExpression target = (BinaryExpression) binary.getLeftExpression();
                check(target);
                target.setLeftExpression(transform(target.getLeftExpression()));
                target.setRightExpression(transform(target.getRightExpression()));
                binary.setRightExpression(transform(binary.getRightExpression()));
                return binary;
            }
            if (expression instanceof PostfixExpression postfix && isSubscript(postfix.getExpression())) {
                return keepSubscriptTarget(postfix, (BinaryExpression) postfix.getExpression());
            }
            if (expression instanceof PrefixExpression prefix && isSubscript(prefix.getExpression())) {
                return keepSubscriptTarget(prefix, (BinaryExpression) prefix.getExpression());
            }
            if (isSubscript(expression)) {
                BinaryExpression subscript = (BinaryExpression) expression;
                StaticMethodCallExpression call = new StaticMethodCallExpression(SUBSCRIPTS,
                        subscript.isSafe() ? "safeSubscript" : "subscript", new ArgumentListExpression(
                        transform(subscript.getLeftExpression()), transform(subscript.getRightExpression())));
                call.setSourcePosition(subscript);
                return call;
            }
            return expression.transformExpression(this);
        }

        /** {@code x[key]++}: Groovy reads and writes the element itself; only the parts are checked. */
        private Expression keepSubscriptTarget(Expression whole, BinaryExpression target) {
            target.setLeftExpression(transform(target.getLeftExpression()));
            target.setRightExpression(transform(target.getRightExpression()));
            return whole;
        }

        private void parameters(Parameter[] parameters) {
            if (parameters == null) {
                return;
            }
            for (Parameter parameter : parameters) {
                type(parameter, parameter.getOriginType(), parameter.isDynamicTyped());
                if (parameter.hasInitialExpression()) {
                    parameter.setInitialExpression(transform(parameter.getInitialExpression()));
                }
            }
        }
    }

    private static boolean isSubscript(Expression expression) {
        return expression instanceof BinaryExpression binary
                && binary.getOperation().getType() == Types.LEFT_SQUARE_BRACKET;
    }

    /** Refuses {@code expression} itself if it is not allowed; its parts are visited separately. */
    private void check(Expression expression) {
        current = expression;
        switch (expression) {
            case ClassExpression type when !GroovySecurity.CLASSES.contains(type.getType().getName())
                    && !GroovySecurity.TYPES.contains(type.getType().getName()) ->
                    refuse(type, "class " + type.getType().getName() + " is not available in a runbook: "
                            + GroovySecurity.STEP_CALLS);
            case ConstructorCallExpression call when !GroovySecurity.CONSTRUCTORS.contains(call.getType().getName()) ->
                    refuse(call, "new " + call.getType().getName() + "(...) is not available in a runbook: "
                            + GroovySecurity.STEP_CALLS);
            case StaticMethodCallExpression call -> refuse(call, "static method " + call.getOwnerType().getName()
                    + "." + call.getMethod() + " is not available in a runbook: " + GroovySecurity.STEP_CALLS);
            case MethodPointerExpression pointer -> refuse(pointer, "method pointers (.& and ::) are not available in "
                    + "a runbook: " + GroovySecurity.STEP_CALLS);
            case AttributeExpression attribute -> refuse(attribute, "field access (.@) is not available in a runbook: "
                    + GroovySecurity.STEP_CALLS);
            case MethodCallExpression call -> method(call);
            case PropertyExpression property -> property(property);
            case BinaryExpression subscript when isSubscript(subscript)
                    && subscript.getRightExpression() instanceof ConstantExpression key
                    && key.getValue() instanceof String name && GroovySecurity.isReflective(name) ->
                    refuse(key, "subscript ['" + name + "'] is not available in a runbook: " + GroovySecurity.STEP_CALLS);
            case DeclarationExpression declaration -> declaration(declaration);
            case CastExpression cast -> type(cast, cast.getType(), false);
            case ArrayExpression array -> refuse(array, "arrays are not available in a runbook: use a list, [a, b]");
            case VariableExpression variable when variable.getAccessedVariable() instanceof DynamicVariable
                    && GroovySecurity.VARIABLES.contains(variable.getName()) ->
                    refuse(variable, "'" + variable.getName() + "' is not available in a runbook: "
                            + GroovySecurity.STEP_CALLS);
            default -> {
            }
        }
    }

    private void method(MethodCallExpression call) {
        String name = call.getMethodAsString();
        if (name == null) {
            refuse(call.getMethod(), "a method name computed at run time (\"${...}\"()) is not available in a "
                    + "runbook: call a method by its name, like trim(x)");
            return;
        }
        if (call.getObjectExpression() instanceof VariableExpression receiver && !call.isImplicitThis()
                && receiver.getAccessedVariable() instanceof DynamicVariable
                && security.isStepNamespace(receiver.getName())) {
            // ssh.exec(...): a step call, whatever the method is called, if the step type exists.
            String type = receiver.getName() + "." + name;
            if (!security.isStepType(type)) {
                refuse(call.getMethod(), "unknown step type '" + type + "'" + DidYouMean.hint(type, security.stepTypes())
                        + " (known types: " + String.join(", ", security.stepTypes()) + ")");
            }
            return;
        }
        if (!GroovySecurity.METHODS.contains(name)) {
            refuse(call.getMethod(), "method '" + name + "' is not available in a runbook: " + METHODS_WHY);
        }
    }

    private void property(PropertyExpression property) {
        String name = property.getPropertyAsString();
        if (name == null) {
            refuse(property.getProperty(), "a property name computed at run time (x.\"${...}\") is not available in "
                    + "a runbook: read a map entry with x[name]");
        } else if (GroovySecurity.isReflective(name)) {
            refuse(property.getProperty(), "property '" + name + "' is not available in a runbook: "
                    + GroovySecurity.STEP_CALLS);
        }
    }

    private void declaration(DeclarationExpression declaration) {
        if (declaration.getLeftExpression() instanceof VariableExpression variable) {
            type(variable, variable.getOriginType(), variable.isDynamicTyped());
        } else if (declaration.getLeftExpression() instanceof TupleExpression tuple) {
            for (Expression element : tuple.getExpressions()) {
                if (element instanceof VariableExpression variable) {
                    type(variable, variable.getOriginType(), variable.isDynamicTyped());
                }
            }
        }
    }

    /** A declared, cast or parameter type: plain values only (Groovy would build any other type from a list). */
    private void type(ASTNode where, ClassNode type, boolean dynamic) {
        if (dynamic || type == null) {
            return;
        }
        String name = type.getName();
        if (!GroovySecurity.TYPES.contains(name)) {
            refuse(where, "type " + name + " is not available in a runbook: a runbook works on plain values "
                    + "(String, numbers, Boolean, List, Map, Set)");
        }
    }

    private void refuse(ASTNode node, String message) {
        security.refuse(node.getLineNumber() > 0 ? node : current, message);
    }
}
