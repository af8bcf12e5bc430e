package dev.qtserver.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@link Route @Route} method parameter to the request body: {@code String}
 * (decoded with the request's charset, UTF-8 by default), {@code byte[]}, or any other
 * type read from JSON (which needs Jackson on the classpath). A body that is not valid
 * JSON for the type answers 400.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RequestBody {

}
