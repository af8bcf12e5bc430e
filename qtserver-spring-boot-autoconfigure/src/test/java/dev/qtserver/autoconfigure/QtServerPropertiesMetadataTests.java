package dev.qtserver.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import dev.qtserver.autoconfigure.http.HttpServerProperties;
import dev.qtserver.autoconfigure.tcp.TcpServerProperties;
import dev.qtserver.autoconfigure.websocket.WebSocketServerProperties;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Tests for the configuration metadata shipped for {@link QtServerProperties}: the
 * processor describes {@code qtserver.tcp} and {@code qtserver.websocket} only as maps,
 * so the per-server entries come from
 * {@code additional-spring-configuration-metadata.json}, and these tests keep that file
 * in step with the properties classes and the README.
 */
class QtServerPropertiesMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final Pattern README_NAME = Pattern.compile("`(qtserver\\.[^`]+|\\.[a-z][a-z0-9.-]*)`");

	private final Map<String, Map<String, Object>> properties = byName(read(shippedMetadata(), "$.properties"));

	private final Map<String, Map<String, Object>> hints = byName(read(shippedMetadata(), "$.hints"));

	@Test
	void everyPropertyOfTheReadmeReferenceIsDescribed() {
		List<String> documented = readmeReferenceNames();
		// guards the parser: both tables, with the WebSocket row that lists five names
		assertThat(documented).contains("qtserver.tcp.<name>.port", "qtserver.websocket.<name>.max-connections",
				"qtserver.workers.max-threads");
		assertThat(documented).allSatisfy(this::assertDescribed);
	}

	@Test
	void everyBeanPropertyOfTcpServerPropertiesHasAPerServerEntry() {
		assertEveryBeanPropertyDescribed("qtserver.tcp.<name>.", TcpServerProperties.class);
	}

	@Test
	void everyBeanPropertyOfWebSocketServerPropertiesHasAPerServerEntry() {
		assertEveryBeanPropertyDescribed("qtserver.websocket.<name>.", WebSocketServerProperties.class);
	}

	@Test
	void everyBeanPropertyOfHttpServerPropertiesHasAPerServerEntry() {
		assertEveryBeanPropertyDescribed("qtserver.http.<name>.", HttpServerProperties.class);
	}

	@Test
	void perServerEntriesRepeatWhatTheProcessorReadFromHttpServerProperties() {
		assertSameAsSourceMetadata("qtserver.http.<name>.", HttpServerProperties.class);
	}

	@Test
	void perServerEntriesRepeatWhatTheProcessorReadFromTcpServerProperties() {
		assertSameAsSourceMetadata("qtserver.tcp.<name>.", TcpServerProperties.class);
	}

	@Test
	void perServerEntriesRepeatWhatTheProcessorReadFromWebSocketServerProperties() {
		assertSameAsSourceMetadata("qtserver.websocket.<name>.", WebSocketServerProperties.class);
	}

	@Test
	void everyEnumPerServerPropertyHintsEachConstantWithADescription() {
		assertEnumsHinted("qtserver.tcp.<name>.", TcpServerProperties.class);
		assertEnumsHinted("qtserver.websocket.<name>.", WebSocketServerProperties.class);
		assertEnumsHinted("qtserver.http.<name>.", HttpServerProperties.class);
	}

	private void assertDescribed(String name) {
		Map<String, Object> entry = this.properties.get(name);
		assertThat(entry).as("metadata entry for %s", name).isNotNull();
		assertThat((String) entry.get("description")).as("description of %s", name).isNotBlank();
	}

	private void assertEveryBeanPropertyDescribed(String prefix, Class<?> type) {
		for (PropertyDescriptor bean : beanProperties(type)) {
			String name = prefix + dashed(bean.getName());
			Class<?> propertyType = bean.getPropertyType();
			if (propertyType.getName().startsWith("dev.qtserver.") && !propertyType.isEnum()) {
				// a nested group, such as an HTTP server's websocket: its own properties
				assertEveryBeanPropertyDescribed(name + ".", propertyType);
				continue;
			}
			assertDescribed(name);
			String rawType = ((String) this.properties.get(name).get("type")).replaceFirst("<.*", "");
			assertThat(rawType).as("type of %s", name)
				.isEqualTo(ClassUtils.resolvePrimitiveIfNecessary(bean.getPropertyType()).getName());
		}
	}

	private void assertSameAsSourceMetadata(String prefix, Class<?> type) {
		// the processor wrote this from the field Javadoc and initializers
		// (@ConfigurationPropertiesSource)
		Map<String, Map<String, Object>> source = byName(read(sourceMetadata(type), "$.properties"));
		Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
		source.forEach((name, entry) -> {
			Map<String, Object> perServer = new LinkedHashMap<>(entry);
			perServer.put("name", prefix + name);
			expected.put(prefix + name, perServer);
		});
		List<String> perServer = this.properties.keySet().stream().filter((name) -> name.startsWith(prefix)).toList();
		assertThat(perServer).as("per-server entries under %s", prefix)
			.containsExactlyInAnyOrderElementsOf(expected.keySet());
		expected.forEach((name, entry) -> assertThat(this.properties.get(name))
			.as("%s in additional-spring-configuration-metadata.json; expected what the processor derived from %s: %s",
					name, type.getSimpleName(), entry)
			.containsAllEntriesOf(entry)
			.hasSameSizeAs(entry));
	}

	private void assertEnumsHinted(String prefix, Class<?> type) {
		for (PropertyDescriptor bean : beanProperties(type)) {
			if (!bean.getPropertyType().isEnum()) {
				continue;
			}
			String name = prefix + dashed(bean.getName());
			Map<String, Object> hint = this.hints.get(name);
			assertThat(hint).as("value hint for %s", name).isNotNull();
			List<Map<String, Object>> values = castList(hint.get("values"));
			List<String> constants = Arrays.stream(bean.getPropertyType().getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.toList();
			assertThat(values).extracting((value) -> value.get("value"))
				.as("values hinted for %s", name)
				.containsExactlyElementsOf(constants);
			assertThat(values).extracting((value) -> (String) value.get("description"))
				.as("descriptions of the values hinted for %s", name)
				.allSatisfy((description) -> assertThat(description).isNotBlank());
		}
	}

	private static List<PropertyDescriptor> beanProperties(Class<?> type) {
		List<PropertyDescriptor> properties = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			// what the binder binds: a getter and a setter (or a nested group's getter)
			boolean bound = descriptor.getWriteMethod() != null || (descriptor.getReadMethod() != null
					&& descriptor.getPropertyType().getName().startsWith("dev.qtserver.")
					&& !descriptor.getPropertyType().isEnum());
			if (bound && descriptor.getReadMethod() != null
					&& descriptor.getReadMethod().getDeclaringClass() != Object.class) {
				properties.add(descriptor);
			}
		}
		assertThat(properties).as("bean properties of %s", type.getName()).isNotEmpty();
		return properties;
	}

	private static String dashed(String camelCase) {
		return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	/**
	 * The names in the README's property tables (first column "property"); a row may list
	 * further names as {@code `.port`}, relative to its first one.
	 */
	private static List<String> readmeReferenceNames() {
		List<String> names = new ArrayList<>();
		boolean inPropertyTable = false;
		for (String line : readmeLines()) {
			if (!line.startsWith("|")) {
				inPropertyTable = false;
			}
			else if (line.startsWith("| property |")) {
				inPropertyTable = true;
			}
			else if (inPropertyTable && line.startsWith("| `qtserver.")) {
				String firstCell = line.substring(1, line.indexOf('|', 1));
				Matcher matcher = README_NAME.matcher(firstCell);
				String first = null;
				while (matcher.find()) {
					String name = matcher.group(1);
					if (first == null) {
						first = name;
						names.add(name);
					}
					else {
						names.add(first.substring(0, first.lastIndexOf('.')) + name);
					}
				}
			}
		}
		return names;
	}

	private static List<String> readmeLines() {
		// Surefire runs in the module's directory; the README sits in the project root
		// above it
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			Path readme = dir.resolve("README.md");
			if (Files.isRegularFile(readme)) {
				try {
					return Files.readAllLines(readme);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
		return fail("README.md not found above " + Path.of("").toAbsolutePath());
	}

	/**
	 * The metadata this module ships, not that of Boot's own jars on the test class path.
	 */
	private static URL shippedMetadata() {
		String moduleLocation = QtServerProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
		try {
			for (URL url : Collections
				.list(QtServerPropertiesMetadataTests.class.getClassLoader().getResources(METADATA))) {
				if (url.toString().startsWith(moduleLocation)
						|| url.toString().startsWith("jar:" + moduleLocation + "!")) {
					return url;
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return fail(METADATA + " not found in " + moduleLocation);
	}

	private static URL sourceMetadata(Class<?> type) {
		URL url = type.getClassLoader()
			.getResource("META-INF/spring/configuration-metadata/" + type.getName() + ".json");
		assertThat(url).as("processor metadata for %s", type.getName()).isNotNull();
		return url;
	}

	private static List<Map<String, Object>> read(URL url, String path) {
		try (InputStream in = url.openStream()) {
			return JsonPath.parse(in).read(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Map<String, Map<String, Object>> byName(List<Map<String, Object>> entries) {
		Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
		entries.forEach((entry) -> byName.put((String) entry.get("name"), entry));
		return byName;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> castList(Object list) {
		return (List<Map<String, Object>>) list;
	}

}
