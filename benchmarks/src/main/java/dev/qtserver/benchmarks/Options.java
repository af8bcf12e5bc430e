package dev.qtserver.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the harness programs: {@code --name value} pairs plus
 * positional arguments, with typed accessors. Unknown names are rejected so that a typo
 * in a script fails loudly instead of silently measuring the default.
 */
final class Options {

	private final Map<String, String> named;

	private final List<String> positional;

	private Options(Map<String, String> named, List<String> positional) {
		this.named = named;
		this.positional = positional;
	}

	/**
	 * Parse {@code args}, accepting only the given option names (without the leading
	 * dashes).
	 * @param args the program arguments
	 * @param known the option names the program understands
	 * @return the parsed options
	 * @throws IllegalArgumentException on an unknown option or one without a value
	 */
	static Options parse(String[] args, Set<String> known) {
		Map<String, String> named = new LinkedHashMap<>();
		List<String> positional = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				positional.add(arg);
				continue;
			}
			String name = arg.substring(2);
			String value;
			int eq = name.indexOf('=');
			if (eq >= 0) {
				value = name.substring(eq + 1);
				name = name.substring(0, eq);
			}
			else if (i + 1 < args.length) {
				value = args[++i];
			}
			else {
				throw new IllegalArgumentException("Option --" + name + " needs a value");
			}
			if (!known.contains(name)) {
				throw new IllegalArgumentException("Unknown option --" + name + "; known: " + known);
			}
			named.put(name, value);
		}
		return new Options(named, positional);
	}

	String string(String name, String defaultValue) {
		return this.named.getOrDefault(name, defaultValue);
	}

	int integer(String name, int defaultValue) {
		String value = this.named.get(name);
		return (value != null) ? Integer.parseInt(value.replace("_", "")) : defaultValue;
	}

	long longValue(String name, long defaultValue) {
		String value = this.named.get(name);
		return (value != null) ? Long.parseLong(value.replace("_", "")) : defaultValue;
	}

	Duration duration(String name, Duration defaultValue) {
		String value = this.named.get(name);
		return (value != null) ? parseDuration(value) : defaultValue;
	}

	List<String> positional() {
		return this.positional;
	}

	/**
	 * Parse a duration written as the scripts write it: {@code 500ms}, {@code 10s},
	 * {@code 2m}, or a bare number of seconds.
	 */
	static Duration parseDuration(String text) {
		String value = text.trim().toLowerCase();
		if (value.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
		}
		if (value.endsWith("s")) {
			return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
		}
		if (value.endsWith("m")) {
			return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)) * 60);
		}
		return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
	}

}
