package dev.qtserver;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

import dev.qtserver.tcp.QTcpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages depend on each other without a cycle, as Boot's modules do: a kind's own
 * events live with that kind, the core raises its signals through an interface it owns,
 * and a kind's auto-configuration declares its own properties (the shared
 * auto-configuration never names a kind). The dependencies come from the JDK's
 * {@code jdeps} over the compiled classes; the same check by hand:
 * {@code jdeps -verbose:package -e 'dev\.qtserver\..*' qtserver-spring-boot-autoconfigure/target/classes}.
 */
class PackageCycleTests {

	@Test
	void packagesHaveNoDependencyCycle() throws Exception {
		Map<String, Set<String>> dependencies = packageDependencies();
		assertThat(dependencies).as("packages jdeps found")
			.containsKeys("dev.qtserver.tcp", "dev.qtserver.websocket", "dev.qtserver.autoconfigure.tcp");
		List<List<String>> cycles = new ArrayList<>();
		for (String start : dependencies.keySet()) {
			findCycle(start, start, dependencies, new LinkedHashSet<>(List.of(start)), cycles);
		}
		assertThat(cycles).as("package cycles; dependencies: %s", dependencies).isEmpty();
	}

	private static void findCycle(String start, String current, Map<String, Set<String>> dependencies,
			LinkedHashSet<String> path, List<List<String>> cycles) {
		for (String next : dependencies.getOrDefault(current, Set.of())) {
			if (next.equals(start)) {
				List<String> cycle = new ArrayList<>(path);
				cycle.add(start);
				cycles.add(cycle);
			}
			else if (next.compareTo(start) > 0 && path.add(next)) {
				// only cycles through packages after the start: each cycle is reported
				// once
				findCycle(start, next, dependencies, path, cycles);
				path.remove(next);
			}
		}
	}

	private static Map<String, Set<String>> packageDependencies() throws Exception {
		Path classes = Path.of(QTcpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
		StringWriter output = new StringWriter();
		PrintWriter writer = new PrintWriter(output);
		int exit = jdeps.run(writer, writer, "-verbose:package", "-filter:none", "-e", "dev\\.qtserver\\..*",
				classes.toString());
		writer.flush();
		assertThat(exit).as(output.toString()).isZero();
		Map<String, Set<String>> dependencies = new TreeMap<>();
		for (String line : output.toString().split("\n")) {
			String[] words = line.trim().split("\\s+");
			if (words.length >= 3 && words[1].equals("->") && words[0].startsWith("dev.qtserver.")
					&& words[2].startsWith("dev.qtserver.") && !words[0].equals(words[2])) {
				dependencies.computeIfAbsent(words[0], (name) -> new TreeSet<>()).add(words[2]);
			}
		}
		return dependencies;
	}

}
