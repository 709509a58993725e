package dev.quench.core.runbook.groovy;

import java.util.List;
import org.codehaus.groovy.ast.AnnotatedNode;
import org.codehaus.groovy.ast.AnnotationNode;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.ImportNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.stmt.CatchStatement;
import org.codehaus.groovy.ast.stmt.ForStatement;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;

/**
 * The first check of a Groovy runbook, right after parsing (CONVERSION), before any AST
 * transformation runs: refuses every annotation (a transformation such as {@code @ASTTest},
 * {@code @Grab} or a custom one runs its code while the file compiles, and its annotation is all
 * that names it), and imports, package, class and method declarations. When it refuses anything,
 * compiling stops there. Not thread-safe: one per compilation.
 */
final class RunbookSourceCheck extends RunbookCheck {

    private static final String ANNOTATION_WHY = " is not available in a runbook: an annotation can run code while "
            + "the file is compiled (by validate and by every reload), so Quench stopped compiling it there";

    RunbookSourceCheck(GroovySecurity security) {
        super(CompilePhase.CONVERSION, security);
    }

    @Override
    void check(SourceUnit source) {
        ModuleNode module = source.getAST();
        if (module.getPackage() != null) {
            security.refuse(module.getPackage(), "package declarations are not available in a runbook: a runbook is "
                    + "one file with runbook { } and steps { }");
            annotations(module.getPackage());
        }
        List<ImportNode> imports = new java.util.ArrayList<>(module.getImports());
        imports.addAll(module.getStarImports());
        imports.addAll(module.getStaticImports().values());
        imports.addAll(module.getStaticStarImports().values());
        for (ImportNode importNode : imports) {
            annotations(importNode);
            security.refuse(importNode, "imports are not available in a runbook (" + importNode.getText()
                    + "): a Groovy runbook works on plain values and calls steps");
        }
        for (ClassNode declared : module.getClasses()) {
            if (declared.isScript()) {
                // Groovy puts @BaseScript (RunbookScript) there itself, with no position; nothing else belongs.
                declared.getAnnotations().stream().filter(annotation -> annotation.getLineNumber() > 0)
                        .forEach(annotation -> security.refuse(annotation, "annotation @"
                                + annotation.getClassNode().getName() + ANNOTATION_WHY));
                continue;
            }
            security.refuse(declared, "class declarations are not available in a runbook (" + declared.getName()
                    + "): declare the runbook with runbook { } and steps { }");
        }
        for (MethodNode method : module.getMethods()) {
            annotations(method);
            security.refuse(method, "method definitions are not available in a runbook (" + method.getName()
                    + "): use a closure, def " + method.getName() + " = { x -> ... }");
        }
        module.getStatementBlock().visit(new AnnotationFinder());
    }

    private void annotations(AnnotatedNode node) {
        for (AnnotationNode annotation : node.getAnnotations()) {
            security.refuse(annotation, "annotation @" + annotation.getClassNode().getName() + ANNOTATION_WHY);
        }
    }

    private void annotations(Parameter[] parameters) {
        if (parameters != null) {
            for (Parameter parameter : parameters) {
                annotations(parameter);
            }
        }
    }

    /** Annotations inside code: on declarations, closure and loop variables, catch blocks. */
    private final class AnnotationFinder extends CodeVisitorSupport {

        @Override
        public void visitDeclarationExpression(DeclarationExpression expression) {
            annotations(expression);
            super.visitDeclarationExpression(expression);
        }

        @Override
        public void visitClosureExpression(ClosureExpression expression) {
            annotations(expression.getParameters());
            super.visitClosureExpression(expression);
        }

        @Override
        public void visitForLoop(ForStatement loop) {
            annotations(loop.getVariable());
            super.visitForLoop(loop);
        }

        @Override
        public void visitCatchStatement(CatchStatement statement) {
            annotations(statement.getVariable());
            super.visitCatchStatement(statement);
        }
    }
}
