package dev.qtserver.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@link Route @Route} method parameter to a request header (its first value),
 * converted to the parameter's type; a missing header is {@code null}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RequestHeader {

	/**
	 * The name of the header.
	 * @return the name; empty for the parameter's own name (compiled with
	 * {@code -parameters})
	 */
	String value() default "";

}
