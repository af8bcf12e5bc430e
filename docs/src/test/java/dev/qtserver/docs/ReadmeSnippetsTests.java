package dev.qtserver.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java snippet in the README is a file the build compiles: each block is announced
 * by a {@code <!-- snippet: path -->} comment and must equal that file from its imports
 * on (tabs shown as four spaces), so a snippet cannot drift from code that compiles and,
 * beside it, runs.
 */
class ReadmeSnippetsTests {

	private static final Pattern JAVA_BLOCK = Pattern.compile("(?:<!-- snippet: (\\S+) -->\\n)?```java\\n(.*?)```",
			Pattern.DOTALL);

	@Test
	void everyJavaSnippetInTheReadmeIsACompiledFileAsItIs() throws IOException {
		Path root = projectRoot();
		String readme = Files.readString(root.resolve("README.md"));
		Matcher blocks = JAVA_BLOCK.matcher(readme);
		List<String> checked = new ArrayList<>();
		while (blocks.find()) {
			String source = blocks.group(1);
			assertThat(source)
				.as("the README's Java block starting \"%s\" names its source file", firstLine(blocks.group(2)))
				.isNotNull();
			assertThat(blocks.group(2)).as(source).isEqualTo(snippetOf(root.resolve(source)));
			checked.add(source);
		}
		assertThat(checked).as("Java snippets found in the README").hasSizeGreaterThanOrEqualTo(6);
	}

	/**
	 * The file from its first import (or its type, without imports), tabs as four spaces.
	 */
	private static String snippetOf(Path file) throws IOException {
		List<String> lines = Files.readAllLines(file);
		int start = 0;
		while (start < lines.size() && (lines.get(start).startsWith("package ") || lines.get(start).isBlank())) {
			start++;
		}
		StringBuilder snippet = new StringBuilder();
		for (String line : lines.subList(start, lines.size())) {
			snippet.append(line.replace("\t", "    ")).append('\n');
		}
		return snippet.toString();
	}

	private static String firstLine(String text) {
		int end = text.indexOf('\n');
		return (end < 0) ? text : text.substring(0, end);
	}

	private static Path projectRoot() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.exists(dir.resolve("README.md"))) {
			dir = dir.getParent();
		}
		assertThat(dir).as("a directory above %s with README.md", Path.of("").toAbsolutePath()).isNotNull();
		return dir;
	}

}
