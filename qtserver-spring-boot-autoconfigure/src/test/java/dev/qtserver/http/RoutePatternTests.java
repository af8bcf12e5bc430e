package dev.qtserver.http;

import java.util.Arrays;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a request path is cut into the segments routes are matched against: as
 * {@code String.split("/", -1)} after one leading slash, empty segments kept, each
 * percent-decoded.
 */
class RoutePatternTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "//", "///", "/a", "a", "/a/", "/a//b", "a/b/c", "/plaintext", "/a/b/c/",
			"/%2F/x", "/x%20y/%C3%A9", "/a/b/c/d/e/f/g/h/i/j/k" })
	void segmentsAreThoseOfSplittingAtEverySlash(String path) {
		String trimmed = path.startsWith("/") ? path.substring(1) : path;
		String[] expected = trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
		Arrays.setAll(expected, (i) -> java.net.URLDecoder.decode(expected[i].replace("+", "%2B"),
				java.nio.charset.StandardCharsets.UTF_8));
		assertThat(RoutePattern.decodedSegments(path)).containsExactly(expected);
	}

	/**
	 * A pattern is an exact path when a request's raw path matches it only by being the
	 * same string: no variables, and no escapes (a pattern's own segments are not
	 * decoded).
	 */
	@ParameterizedTest
	@CsvSource({ "/, true", "/plaintext, true", "/a/b/, true", "/a//b, true", "/users/{id}, false", "/{name}/x, false",
			"/files/{*path}, false", "/a%20b, false" })
	void whenAPatternHasNoVariablesAndNoEscapesThenItIsAnExactPath(String pattern, boolean exact) {
		assertThat(RoutePattern.parse(pattern).isExactPath()).isEqualTo(exact);
	}

}
