package dev.qtserver.http;

import java.lang.reflect.Type;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link JsonCodec} on the application's Jackson 3 {@link JsonMapper}, so that route
 * bodies follow the same Jackson settings as the rest of the application.
 */
public final class JacksonJsonCodec implements JsonCodec {

	private final JsonMapper mapper;

	/**
	 * Create a codec.
	 * @param mapper the mapper to use
	 */
	public JacksonJsonCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public byte[] write(Object value) {
		return this.mapper.writeValueAsBytes(value);
	}

	@Override
	public Object read(byte[] json, Type type) {
		try {
			return this.mapper.readValue(json, this.mapper.constructType(type));
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Invalid JSON body: " + ex.getOriginalMessage(), ex);
		}
	}

}
