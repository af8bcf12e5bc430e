package dev.qtserver.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP load generators that {@link HttpLoad} runs, both native programs from Debian:
 * {@code wrk} for HTTP/1.1 and {@code h2load} (package {@code nghttp2-client}) for h2c,
 * and for HTTP/1.1 at a fixed rate. Each knows its command line and how to read the
 * figures out of its report.
 */
enum HttpLoadTool {

	/**
	 * {@code wrk --latency}: HTTP/1.1 keep-alive, one request in flight per connection.
	 * It counts a status of 400 and above as non-2xx, and reports p50 and p99.
	 */
	WRK("wrk") {

		@Override
		List<String> command(HttpLoad.Settings settings, Duration duration) {
			return List.of("wrk", "--threads", Integer.toString(settings.threads()), "--connections",
					Integer.toString(settings.connections()), "--duration", wholeSeconds(duration) + "s", "--latency",
					settings.url().toString());
		}

		@Override
		Report parse(String output) {
			Matcher requests = find(output, "(\\d+) requests in ([\\d.]+)(us|ms|s|m|h)\\b");
			Matcher socketErrors = Pattern
				.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
				.matcher(output);
			long errors = 0;
			if (socketErrors.find()) {
				for (int group = 1; group <= 4; group++) {
					errors += Long.parseLong(socketErrors.group(group));
				}
			}
			Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(output);
			return new Report(Long.parseLong(requests.group(1)), seconds(requests.group(2), requests.group(3)),
					percentileMicros(output, "50%"), percentileMicros(output, "99%"),
					non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, errors);
		}

		private double percentileMicros(String output, String percentile) {
			Matcher line = find(output, "(?m)^\\s+" + percentile + "\\s+([\\d.]+)(us|ms|s|m|h)\\s*$");
			return seconds(line.group(1), line.group(2)) * 1e6;
		}

	},

	/**
	 * {@code h2load}: h2c with prior knowledge, {@code --streams} requests in flight per
	 * connection. It reports no percentiles: p50 and p99 are -1.
	 */
	H2LOAD("h2load") {

		@Override
		List<String> command(HttpLoad.Settings settings, Duration duration) {
			return List.of("h2load", "--threads", Integer.toString(settings.threads()), "--clients",
					Integer.toString(settings.connections()), "--max-concurrent-streams",
					Integer.toString(settings.streams()), "--duration", Long.toString(wholeSeconds(duration)),
					settings.url().toString());
		}

		@Override
		Report parse(String output) {
			// a server that does not speak h2c would be measured on something else
			return parseH2load(output, "h2c");
		}

	},

	/**
	 * {@code h2load --h1 --rps}: HTTP/1.1 keep-alive at a fixed rate of {@code --rate}
	 * requests per second on each connection, below what the servers can take. At
	 * saturation a slower server finds the tool asleep more often and pays its wake-up in
	 * its own {@code send}, which magnifies any difference in work; at a fixed rate every
	 * server wakes the tool alike, so the CPU per request compares the servers' own work.
	 * Requests per second are the rate by construction; no percentiles (p50 and p99 are
	 * -1).
	 */
	H1_RATE("h1-rate") {

		@Override
		List<String> command(HttpLoad.Settings settings, Duration duration) {
			return List.of("h2load", "--h1", "--threads", Integer.toString(settings.threads()), "--clients",
					Integer.toString(settings.connections()), "--rps", Integer.toString(settings.rate()), "--duration",
					Long.toString(wholeSeconds(duration)), settings.url().toString());
		}

		@Override
		Report parse(String output) {
			return parseH2load(output, "http/1.1");
		}

	};

	private final String optionValue;

	HttpLoadTool(String optionValue) {
		this.optionValue = optionValue;
	}

	/**
	 * Read an {@code h2load} report: the protocol it spoke must be the one asked for.
	 */
	private static Report parseH2load(String output, String protocol) {
		find(output, "Application protocol: " + Pattern.quote(protocol));
		Matcher finished = find(output, "finished in ([\\d.]+)(us|ms|s|m|h), ");
		Matcher requests = find(output,
				"requests: \\d+ total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
		Matcher status = find(output, "status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
		long non2xx = Long.parseLong(status.group(2)) + Long.parseLong(status.group(3))
				+ Long.parseLong(status.group(4));
		long errors = Long.parseLong(requests.group(3)) + Long.parseLong(requests.group(4))
				+ Long.parseLong(requests.group(5));
		return new Report(Long.parseLong(requests.group(2)), seconds(finished.group(1), finished.group(2)), -1, -1,
				non2xx, errors);
	}

	/**
	 * The command line that loads {@code settings.url()} for {@code duration}.
	 */
	abstract List<String> command(HttpLoad.Settings settings, Duration duration);

	/**
	 * Read a run's figures out of the tool's report.
	 * @throws IllegalStateException if the report lacks one
	 */
	abstract Report parse(String output);

	/**
	 * The tool that {@code --tool} names.
	 * @param optionValue {@code wrk}, {@code h2load} or {@code h1-rate}
	 * @return the tool
	 * @throws IllegalArgumentException for any other value
	 */
	static HttpLoadTool of(String optionValue) {
		for (HttpLoadTool tool : values()) {
			if (tool.optionValue.equals(optionValue)) {
				return tool;
			}
		}
		throw new IllegalArgumentException("Unknown tool '" + optionValue + "'; known: wrk, h2load, h1-rate");
	}

	@Override
	public String toString() {
		return this.optionValue;
	}

	private static long wholeSeconds(Duration duration) {
		return Math.max(1, (duration.toMillis() + 999) / 1000);
	}

	private static Matcher find(String output, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(output);
		if (!matcher.find()) {
			throw new IllegalStateException("No '" + regex + "' in the load generator's report:\n" + output);
		}
		return matcher;
	}

	private static double seconds(String value, String unit) {
		double number = Double.parseDouble(value);
		return switch (unit.toLowerCase(Locale.ROOT)) {
			case "us" -> number / 1e6;
			case "ms" -> number / 1e3;
			case "s" -> number;
			case "m" -> number * 60;
			case "h" -> number * 3600;
			default -> throw new IllegalStateException("Unknown unit " + unit);
		};
	}

	/**
	 * The figures of one run of a tool.
	 *
	 * @param requests requests answered (any status)
	 * @param seconds how long the tool ran by its own clock
	 * @param p50Micros median latency, or -1 when the tool has none
	 * @param p99Micros 99th percentile latency, or -1 when the tool has none
	 * @param non2xx answers with a status other than 2xx (wrk: 400 and above)
	 * @param errors socket errors and timeouts (wrk), failed, errored and timed-out
	 * requests (h2load)
	 */
	record Report(long requests, double seconds, double p50Micros, double p99Micros, long non2xx, long errors) {

		double requestsPerSecond() {
			return this.requests / this.seconds;
		}

	}

}
