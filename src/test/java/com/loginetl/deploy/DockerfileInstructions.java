package com.loginetl.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The instructions of a Dockerfile, enough to check what ours says: comments dropped, lines
 * continued with a backslash joined, each instruction split into its keyword and the rest.
 */
record DockerfileInstructions(List<Instruction> all) {

	record Instruction(int line, String keyword, String arguments) {
	}

	static DockerfileInstructions parse(String text) {
		List<Instruction> instructions = new ArrayList<>();
		StringBuilder current = null;
		int start = 0;
		String[] lines = text.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			if (line.startsWith("#") || (line.isEmpty() && current == null)) {
				continue;
			}
			if (current == null) {
				current = new StringBuilder();
				start = i + 1;
			}
			boolean continues = line.endsWith("\\");
			current.append(continues ? line.substring(0, line.length() - 1).strip() : line).append(' ');
			if (!continues) {
				String joined = current.toString().strip();
				int space = joined.indexOf(' ');
				instructions.add(new Instruction(start, joined.substring(0, space).toUpperCase(Locale.ROOT),
						joined.substring(space + 1).strip()));
				current = null;
			}
		}
		return new DockerfileInstructions(List.copyOf(instructions));
	}

	List<Instruction> named(String keyword) {
		return this.all.stream().filter((instruction) -> instruction.keyword().equals(keyword)).toList();
	}

	/**
	 * What the ENV instructions set, in order ({@code ENV NAME=value ...}, or the old {@code ENV NAME value});
	 * values are taken as written, without quotes or variables.
	 */
	Map<String, String> environment() {
		Map<String, String> environment = new LinkedHashMap<>();
		for (Instruction env : named("ENV")) {
			String[] words = env.arguments().split("\\s+");
			if (!words[0].contains("=")) {
				environment.put(words[0], env.arguments().substring(words[0].length()).strip());
				continue;
			}
			for (String word : words) {
				int equals = word.indexOf('=');
				if (equals < 1 || word.contains("\"") || word.contains("'") || word.contains("$")) {
					throw new IllegalArgumentException("ENV at line " + env.line() + ": cannot read " + word);
				}
				environment.put(word.substring(0, equals), word.substring(equals + 1));
			}
		}
		return environment;
	}

	/** The instructions of the last stage: from its FROM on. */
	DockerfileInstructions finalStage() {
		int from = 0;
		for (int i = 0; i < this.all.size(); i++) {
			if (this.all.get(i).keyword().equals("FROM")) {
				from = i;
			}
		}
		return new DockerfileInstructions(this.all.subList(from, this.all.size()));
	}

}
