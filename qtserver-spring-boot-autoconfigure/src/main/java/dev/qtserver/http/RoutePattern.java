package dev.qtserver.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A {@link Route @Route} path: literal segments, {@code {name}} variables that match one
 * segment, and a last {@code {*name}} that matches the rest of the path. Matched against
 * the percent-decoded segments of a request path.
 */
final class RoutePattern {

	private static final String[] NO_SEGMENTS = new String[0];

	private final String pattern;

	private final String[] segments;

	private final @Nullable String[] variables;

	private final @Nullable String rest;

	private RoutePattern(String pattern, String[] segments, @Nullable String[] variables, @Nullable String rest) {
		this.pattern = pattern;
		this.segments = segments;
		this.variables = variables;
		this.rest = rest;
	}

	/**
	 * Parse a pattern.
	 * @param pattern such as {@code /users/{id}}
	 * @return the pattern
	 * @throws IllegalArgumentException when it is not a valid pattern, with the reason
	 */
	static RoutePattern parse(String pattern) {
		if (!pattern.startsWith("/")) {
			throw new IllegalArgumentException("must start with '/'");
		}
		String[] parts = split(pattern);
		List<String> literals = new ArrayList<>();
		List<@Nullable String> variables = new ArrayList<>();
		String rest = null;
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			if (part.startsWith("{*") && part.endsWith("}")) {
				if (i != parts.length - 1) {
					throw new IllegalArgumentException("'" + part + "' must be the last segment");
				}
				rest = name(part.substring(2, part.length() - 1));
				break;
			}
			if (part.startsWith("{") && part.endsWith("}")) {
				String name = name(part.substring(1, part.length() - 1));
				if (variables.contains(name)) {
					throw new IllegalArgumentException("variable '" + name + "' appears twice");
				}
				literals.add("");
				variables.add(name);
			}
			else if (part.contains("{") || part.contains("}")) {
				throw new IllegalArgumentException("segment '" + part + "' mixes text and a variable");
			}
			else {
				literals.add(part);
				variables.add(null);
			}
		}
		return new RoutePattern(pattern, literals.toArray(new String[0]), variables.toArray(new String[0]), rest);
	}

	private static String name(String name) {
		if (name.isEmpty() || !name.chars().allMatch((c) -> Character.isJavaIdentifierPart(c) || c == '-')) {
			throw new IllegalArgumentException("'" + name + "' is not a valid variable name");
		}
		return name;
	}

	/**
	 * Match the decoded segments of a request path.
	 * @param path the request path's segments, percent-decoded
	 * @return the variables (empty for a pattern without any), or {@code null} when the
	 * path does not match
	 */
	@Nullable Map<String, String> match(String[] path) {
		boolean fits = (this.rest != null) ? path.length >= this.segments.length : path.length == this.segments.length;
		if (!fits) {
			return null;
		}
		Map<String, String> values = null;
		for (int i = 0; i < this.segments.length; i++) {
			String variable = this.variables[i];
			if (variable == null) {
				if (!this.segments[i].equals(path[i])) {
					return null;
				}
			}
			else {
				if (path[i].isEmpty()) {
					return null;
				}
				values = (values != null) ? values : new LinkedHashMap<>();
				values.put(variable, path[i]);
			}
		}
		if (this.rest != null) {
			values = (values != null) ? values : new LinkedHashMap<>();
			values.put(this.rest,
					String.join("/", java.util.Arrays.asList(path).subList(this.segments.length, path.length)));
		}
		return (values != null) ? values : Map.of();
	}

	/**
	 * Return whether the pattern is a path of literal segments that a request's raw path
	 * matches only when it is the same string: no variables, and no escapes (a pattern's
	 * segments are not decoded, a request's are).
	 * @return whether the pattern is an exact path
	 */
	boolean isExactPath() {
		if (this.rest != null || this.pattern.indexOf('%') >= 0) {
			return false;
		}
		for (String variable : this.variables) {
			if (variable != null) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return whether the pattern has a variable of the given name.
	 * @param name the name
	 * @return whether the pattern binds it
	 */
	boolean hasVariable(String name) {
		return name.equals(this.rest) || java.util.Arrays.asList(this.variables).contains(name);
	}

	/**
	 * Compare how specific two patterns are: more literal segments first, then longer,
	 * then without a rest variable.
	 * @param other the other pattern
	 * @return negative when this one is more specific
	 */
	int compareSpecificity(RoutePattern other) {
		int literals = Long.compare(other.literalCount(), literalCount());
		if (literals != 0) {
			return literals;
		}
		int length = Integer.compare(other.segments.length, this.segments.length);
		if (length != 0) {
			return length;
		}
		return Boolean.compare(this.rest != null, other.rest != null);
	}

	private long literalCount() {
		return java.util.Arrays.stream(this.variables).filter(java.util.Objects::isNull).count();
	}

	/**
	 * Split a raw request path into percent-decoded segments.
	 * @param rawPath the path as sent, such as {@code /a%20b/c}
	 * @return the segments, such as {@code ["a b", "c"]}
	 * @throws IllegalArgumentException when the path has a malformed escape
	 */
	static String[] decodedSegments(String rawPath) {
		String[] parts = split(rawPath);
		for (int i = 0; i < parts.length; i++) {
			parts[i] = percentDecode(parts[i]);
		}
		return parts;
	}

	/**
	 * The segments between slashes after a leading one, empty ones kept: as
	 * {@code split("/", -1)} of the rest, without the intermediate list and copy, for it
	 * runs on every request.
	 */
	private static String[] split(String path) {
		int start = path.startsWith("/") ? 1 : 0;
		if (start == path.length()) {
			return NO_SEGMENTS;
		}
		int count = 1;
		for (int i = start; i < path.length(); i++) {
			if (path.charAt(i) == '/') {
				count++;
			}
		}
		String[] segments = new String[count];
		int from = start;
		for (int n = 0; n < count - 1; n++) {
			int slash = path.indexOf('/', from);
			segments[n] = path.substring(from, slash);
			from = slash + 1;
		}
		segments[count - 1] = path.substring(from);
		return segments;
	}

	private static String percentDecode(String segment) {
		if (segment.indexOf('%') < 0) {
			return segment;
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
		for (int i = 0; i < segment.length(); i++) {
			char c = segment.charAt(i);
			if (c == '%') {
				if (i + 2 >= segment.length()) {
					throw new IllegalArgumentException("Truncated escape in '" + segment + "'");
				}
				int high = Character.digit(segment.charAt(i + 1), 16);
				int low = Character.digit(segment.charAt(i + 2), 16);
				if (high < 0 || low < 0) {
					throw new IllegalArgumentException("Malformed escape in '" + segment + "'");
				}
				bytes.write((high << 4) | low);
				i += 2;
			}
			else {
				byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
				bytes.write(encoded, 0, encoded.length);
			}
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return this.pattern;
	}

}
