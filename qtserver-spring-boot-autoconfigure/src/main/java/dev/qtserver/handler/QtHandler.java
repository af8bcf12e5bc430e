package dev.qtserver.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.stereotype.Component;

/**
 * Binds a bean to the server of the given name: the bean's {@link OnConnect},
 * {@link OnMessage}, {@link OnDisconnect} and {@link OnError} methods then handle that
 * server's connections (or, for full control, the bean implements the server kind's
 * reactive handler interface, such as {@link dev.qtserver.tcp.TcpConnectionHandler}). A
 * server has at most one handler; a server without one queues its connections for
 * {@code nextPendingConnection()}.
 *
 * <p>
 * A {@code @Component}: picked up by component scanning. Signatures are checked at
 * startup, and a wrong one fails the application with a message naming the method.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface QtHandler {

	/**
	 * The name of the server to bind to, its key under {@code qtserver.<kind>}.
	 * @return the server name
	 */
	String server();

}
