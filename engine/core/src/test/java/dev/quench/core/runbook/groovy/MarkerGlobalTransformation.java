package dev.quench.core.runbook.groovy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.transform.ASTTransformation;
import org.codehaus.groovy.transform.GroovyASTTransformation;

/**
 * A global AST transformation on the test class path (registered in
 * META-INF/services/org.codehaus.groovy.transform.ASTTransformation), as any jar next to the engine
 * could bring one: it runs on every file Groovy compiles unless disabled. While
 * {@code quench.test.globalTransformMarker} is set it writes that file, so a test sees whether it ran.
 */
@GroovyASTTransformation(phase = CompilePhase.CONVERSION)
public final class MarkerGlobalTransformation implements ASTTransformation {

    static final String MARKER_PROPERTY = "quench.test.globalTransformMarker";

    @Override
    public void visit(ASTNode[] nodes, SourceUnit source) {
        String marker = System.getProperty(MARKER_PROPERTY);
        if (marker == null) {
            return;
        }
        try {
            Files.writeString(Path.of(marker), "compiled " + source.getName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
