package dev.qtserver.test;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Takes one logger's output for the length of a test, so that a test that provokes an
 * expected warning asserts it instead of printing it (and its stack trace) into the
 * build's output.
 */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final boolean additive;

	private LogCapture(String name) {
		this.logger = (Logger) LoggerFactory.getLogger(name);
		this.additive = this.logger.isAdditive();
		this.appender.start();
		this.logger.addAppender(this.appender);
		this.logger.setAdditive(false);
	}

	/**
	 * Start taking what a class logs.
	 * @param source the class whose logger to take
	 * @return the capture; close it to give the logger back
	 */
	public static LogCapture of(Class<?> source) {
		return new LogCapture(source.getName());
	}

	/**
	 * Start taking what a logger and the loggers below it log.
	 * @param name the logger's name, such as {@code "reactor"}
	 * @return the capture; close it to give the logger back
	 */
	public static LogCapture of(String name) {
		return new LogCapture(name);
	}

	/**
	 * Return the messages logged so far, formatted, with the level in front (such as
	 * {@code "WARN Closing …"}).
	 * @return the messages
	 */
	public List<String> messages() {
		return this.appender.list.stream()
			.map((event) -> event.getLevel() + " " + event.getFormattedMessage())
			.toList();
	}

	/**
	 * Return the stacks of the throwables logged so far, one text per logged throwable, a
	 * frame per line (such as {@code at java.lang.Thread.sleep(Native Method)}).
	 * @return the stacks
	 */
	public List<String> stacks() {
		return this.appender.list.stream()
			.map(ILoggingEvent::getThrowableProxy)
			.filter(Objects::nonNull)
			.map((proxy) -> Arrays.stream(proxy.getStackTraceElementProxyArray())
				.map(StackTraceElementProxy::getSTEAsString)
				.collect(Collectors.joining("\n")))
			.toList();
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.logger.setAdditive(this.additive);
		this.appender.stop();
	}

}
