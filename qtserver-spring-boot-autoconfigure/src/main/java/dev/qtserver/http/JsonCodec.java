package dev.qtserver.http;

import java.lang.reflect.Type;

/**
 * Reads and writes the JSON bodies of {@link Route @Route} methods. The
 * auto-configuration provides one on Jackson when the application has a Jackson
 * {@code JsonMapper}; without one, a route that takes or returns an object fails at
 * startup.
 */
public interface JsonCodec {

	/**
	 * Write a value as JSON.
	 * @param value the value
	 * @return the JSON, in UTF-8
	 */
	byte[] write(Object value);

	/**
	 * Read a value from JSON.
	 * @param json the JSON, in UTF-8
	 * @param type the type to read
	 * @return the value
	 * @throws IllegalArgumentException when the body is not JSON of that type
	 */
	Object read(byte[] json, Type type);

}
