package dev.qtserver.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@link Route @Route} method parameter to a query parameter, converted to the
 * parameter's type; a missing parameter is {@code null} (so the type must not be
 * primitive), an unconvertible one answers 400.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RequestParam {

	/**
	 * The name of the query parameter.
	 * @return the name; empty for the parameter's own name (compiled with
	 * {@code -parameters})
	 */
	String value() default "";

}
