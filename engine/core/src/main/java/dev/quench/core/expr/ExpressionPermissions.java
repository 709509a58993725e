package dev.quench.core.expr;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * Stricter than {@link JexlPermissions#RESTRICTED}: expressions see only plain values. They may
 * call methods of text, numbers, booleans and the JDK's collections, and the functions of
 * {@link ExpressionFunctions}; never constructors, fields, {@code getClass()} or any other class.
 * RESTRICTED alone still lets {@code ''.getClass()} return a {@link Class}. Thread-safe.
 */
final class ExpressionPermissions implements JexlPermissions {

    static final ExpressionPermissions INSTANCE = new ExpressionPermissions();

    private static final Set<String> OBJECT_METHODS_ALLOWED = Set.of("toString", "equals", "hashCode");

    private ExpressionPermissions() {
    }

    @Override
    public boolean allow(Package pack) {
        return pack != null && (pack.getName().equals("java.lang") || pack.getName().equals("java.util")
                || pack.getName().equals("java.math") || pack.getName().equals(ExpressionPermissions.class.getPackageName()));
    }

    @Override
    public boolean allow(Class<?> type) {
        if (type == null) {
            return false;
        }
        if (type == ExpressionFunctions.class || type == Object.class) {
            return true;
        }
        if (type == String.class || type == Boolean.class || type == Character.class || CharSequence.class == type
                || Comparable.class == type || Iterable.class == type) {
            return true;
        }
        if (Number.class.isAssignableFrom(type)) {
            return type.getPackageName().equals("java.lang") || type.getPackageName().equals("java.math");
        }
        // The JDK's collections, and our read-only views of step results, which are Maps.
        boolean collection = Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)
                || Map.Entry.class.isAssignableFrom(type);
        return collection && (type.getPackageName().equals("java.util") || type.getPackageName().equals(getClass().getPackageName()));
    }

    @Override
    public boolean allow(Constructor<?> constructor) {
        return false;
    }

    @Override
    public boolean allow(Field field) {
        return false;
    }

    @Override
    public boolean allow(Method method) {
        if (method == null) {
            return false;
        }
        Class<?> declaring = method.getDeclaringClass();
        if (declaring == Object.class) {
            return OBJECT_METHODS_ALLOWED.contains(method.getName());
        }
        return !method.getName().equals("getClass") && allow(declaring);
    }

    @Override
    public JexlPermissions compose(String... permissions) {
        throw new UnsupportedOperationException("expression permissions are fixed; change ExpressionPermissions instead");
    }
}
