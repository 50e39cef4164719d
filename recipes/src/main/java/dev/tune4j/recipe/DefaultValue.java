package dev.tune4j.recipe;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a recipe key takes when the YAML file leaves it out, written as YAML (e.g. {@code "1"}, {@code "[1, 2, 3]"},
 * {@code "{}"}, {@code "constant"}). The binder parses it exactly like a value from the file, so defaults obey the
 * same types and checks.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface DefaultValue {
    /** YAML text of the default. */
    String value();
}
