package dev.qtserver.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@link Route @Route} method parameter to a variable of the route's path, such
 * as {@code id} in {@code /users/{id}}, converted to the parameter's type by the server's
 * {@code ConversionService}. A value that does not convert makes the route not match, as
 * Qt's typed route arguments do.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PathVariable {

	/**
	 * The name of the path variable.
	 * @return the name; empty for the parameter's own name (compiled with
	 * {@code -parameters})
	 */
	String value() default "";

}
