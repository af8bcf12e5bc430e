package dev.qtserver.benchmarks;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The two ways of writing a raw Reactor Netty echo that {@code shared/PERFORMANCE.md}
 * names, and for HTTP the same two ways of writing a fixed reply. A ratio to raw Reactor
 * Netty is only fair when it says which one it was taken against, so every raw baseline
 * server takes one.
 */
enum EchoIdiom {

	/**
	 * Each received frame's buffer goes back out as it came, retained: no copy and no
	 * decoding. The physical limit of the engine on an echo. For HTTP: the reply's body
	 * is a buffer allocated once, sent retained.
	 */
	ZERO_COPY("zero-copy"),

	/**
	 * Each frame is decoded to a {@code String} and the reply encoded from it: the work
	 * that a handler taking and returning a {@code String} asks for. For HTTP: the
	 * reply's body is encoded from a {@code String} for every response.
	 */
	STRING("string");

	private final String optionValue;

	EchoIdiom(String optionValue) {
		this.optionValue = optionValue;
	}

	/**
	 * The idiom that {@code --idiom} names.
	 * @param optionValue {@code zero-copy} or {@code string}
	 * @return the idiom
	 * @throws IllegalArgumentException for any other value
	 */
	static EchoIdiom of(String optionValue) {
		for (EchoIdiom idiom : values()) {
			if (idiom.optionValue.equals(optionValue)) {
				return idiom;
			}
		}
		throw new IllegalArgumentException("Unknown idiom '" + optionValue + "'; known: "
				+ Arrays.stream(values()).map((idiom) -> idiom.optionValue).collect(Collectors.joining(", ")));
	}

	@Override
	public String toString() {
		return this.optionValue;
	}

}
