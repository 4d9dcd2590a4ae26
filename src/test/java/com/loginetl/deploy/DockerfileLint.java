package com.loginetl.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.loginetl.deploy.DockerfileInstructions.Instruction;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Dockerfile mistakes that Docker would only report at build time, found in the test JVM: the
 * syntax checks of npm's dockerfile-utils that apply to a Dockerfile like ours (unknown
 * instructions and flags, instruction case, FROM's form and stage names, one CMD, ENTRYPOINT and
 * HEALTHCHECK per stage, exec form as a JSON array of strings, EXPOSE's ports, absolute WORKDIR,
 * deprecated MAINTAINER), worded as dockerfile-utils words them, and one it does not make:
 * {@code COPY --from} names an earlier stage. dockerfile-utils itself still runs with
 * {@code -Pexternal-tools} (DockerfileTest).
 */
final class DockerfileLint {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Every instruction, with the flags it takes (BuildKit's Dockerfile frontend, syntax 1). */
	private static final Map<String, Set<String>> FLAGS = Map.ofEntries(Map.entry("FROM", Set.of("platform")),
			Map.entry("RUN", Set.of("mount", "network", "security")),
			Map.entry("COPY", Set.of("from", "chown", "chmod", "link", "parents", "exclude")),
			Map.entry("ADD", Set.of("chown", "chmod", "link", "keep-git-dir", "checksum", "exclude", "unpack")),
			Map.entry("HEALTHCHECK", Set.of("interval", "timeout", "start-period", "start-interval", "retries")),
			Map.entry("CMD", Set.of()), Map.entry("LABEL", Set.of()), Map.entry("MAINTAINER", Set.of()),
			Map.entry("EXPOSE", Set.of()), Map.entry("ENV", Set.of()), Map.entry("ENTRYPOINT", Set.of()),
			Map.entry("VOLUME", Set.of()), Map.entry("USER", Set.of()), Map.entry("WORKDIR", Set.of()),
			Map.entry("ARG", Set.of()), Map.entry("ONBUILD", Set.of()), Map.entry("STOPSIGNAL", Set.of()),
			Map.entry("SHELL", Set.of()));

	private static final Set<String> ONCE_PER_STAGE = Set.of("CMD", "ENTRYPOINT", "HEALTHCHECK");

	private static final Set<String> EXEC_FORM = Set.of("CMD", "ENTRYPOINT", "RUN", "SHELL");

	private static final Pattern PORT = Pattern.compile("(\\d+)(?:-(\\d+))?(?:/(\\w+))?");

	private static final Pattern FLAG = Pattern.compile("--([a-z-]+)(?:=(\\S*))?");

	private DockerfileLint() {
	}

	/** A problem, at its instruction's first line. */
	record Problem(int line, String message) {
	}

	static List<Problem> lint(String dockerfile) {
		String[] lines = dockerfile.split("\n", -1);
		List<Instruction> instructions = DockerfileInstructions.parse(dockerfile).all();
		List<Problem> problems = new ArrayList<>();
		Set<String> stages = new HashSet<>();
		Map<String, Integer> oncePerStage = new HashMap<>();
		int stageCount = 0;
		for (Instruction instruction : instructions) {
			String keyword = instruction.keyword();
			String written = lines[instruction.line() - 1].strip().split("\\s+", 2)[0];
			if (!FLAGS.containsKey(keyword)) {
				problems.add(new Problem(instruction.line(), "Unknown instruction: " + written));
				continue;
			}
			if (!written.equals(keyword)) {
				problems.add(new Problem(instruction.line(), "Instructions should be written in uppercase letters"));
			}
			if (stageCount == 0 && !keyword.equals("FROM") && !keyword.equals("ARG")) {
				problems.add(new Problem(instruction.line(), "No source image provided with `FROM`"));
			}
			List<String> words = new ArrayList<>(List.of(instruction.arguments().split("\\s+")));
			Map<String, String> flags = flags(instruction, words, problems);
			String rest = String.join(" ", words);
			if (rest.isBlank() && !keyword.equals("HEALTHCHECK")) {
				problems.add(new Problem(instruction.line(), keyword + " requires at least one argument"));
				continue;
			}
			switch (keyword) {
				case "FROM" -> {
					stageCount++;
					oncePerStage.clear();
					if (words.size() != 1 && words.size() != 3) {
						problems.add(new Problem(instruction.line(), "FROM requires either one or three arguments"));
					}
					else if (words.size() == 3) {
						if (!words.get(1).equalsIgnoreCase("AS")) {
							problems.add(new Problem(instruction.line(), "Second argument should be AS"));
						}
						else if (!stages.add(words.get(2).toLowerCase(Locale.ROOT))) {
							problems.add(new Problem(instruction.line(), "duplicate name " + words.get(2)));
						}
					}
				}
				case "COPY" -> {
					String from = flags.get("from");
					if (from != null && !stages.contains(from.toLowerCase(Locale.ROOT))
							&& !(from.matches("\\d+") && Integer.parseInt(from) < stageCount - 1)) {
						problems.add(new Problem(instruction.line(), "COPY --from=" + from + " names no earlier stage"));
					}
				}
				case "EXPOSE" -> words.stream().filter((port) -> !port.contains("$")).forEach((port) -> {
					var matcher = PORT.matcher(port);
					if (!matcher.matches() || Integer.parseInt(matcher.group(1)) < 1
							|| Integer.parseInt(matcher.group(1)) > 65535) {
						problems.add(new Problem(instruction.line(), "Invalid containerPort: " + port));
					}
					else if (matcher.group(3) != null && !Set.of("tcp", "udp", "sctp")
						.contains(matcher.group(3).toLowerCase(Locale.ROOT))) {
						problems.add(new Problem(instruction.line(), "Invalid proto: " + matcher.group(3)));
					}
				});
				case "WORKDIR" -> {
					if (!rest.startsWith("/") && !rest.startsWith("$")) {
						problems.add(new Problem(instruction.line(), "WORKDIR paths should be absolute"));
					}
				}
				case "USER" -> {
					if (words.size() != 1) {
						problems.add(new Problem(instruction.line(), "USER requires exactly one argument"));
					}
				}
				case "MAINTAINER" -> problems.add(new Problem(instruction.line(), "MAINTAINER has been deprecated"));
				default -> {
				}
			}
			if (ONCE_PER_STAGE.contains(keyword) && oncePerStage.merge(keyword, 1, Integer::sum) == 2) {
				problems.add(new Problem(instruction.line(), "There can only be one " + keyword
						+ " instruction in a Dockerfile or build stage. Only the last one will have an effect."));
			}
			if (EXEC_FORM.contains(keyword) && rest.startsWith("[")) {
				execForm(instruction, rest, problems);
			}
			else if (keyword.equals("SHELL")) {
				problems.add(new Problem(instruction.line(), "SHELL requires the arguments to be in JSON form"));
			}
		}
		if (stageCount == 0) {
			problems.add(new Problem(1, "No source image provided with `FROM`"));
		}
		return problems;
	}

	/** Takes the leading {@code --name=value} flags off {@code words} and checks them. */
	private static Map<String, String> flags(Instruction instruction, List<String> words, List<Problem> problems) {
		Map<String, String> flags = new HashMap<>();
		while (!words.isEmpty() && words.get(0).startsWith("--")) {
			String word = words.remove(0);
			var matcher = FLAG.matcher(word);
			if (!matcher.matches()) {
				problems.add(new Problem(instruction.line(), "Unknown flag: " + word.substring(2)));
				continue;
			}
			String name = matcher.group(1);
			if (!FLAGS.get(instruction.keyword()).contains(name)) {
				problems.add(new Problem(instruction.line(), "Unknown flag: " + name));
			}
			else if (matcher.group(2) == null || matcher.group(2).isEmpty()) {
				if (!name.equals("link") && !name.equals("parents") && !name.equals("keep-git-dir")) {
					problems.add(new Problem(instruction.line(), "Missing a value on flag: " + name));
				}
			}
			else if (flags.put(name, matcher.group(2)) != null && !name.equals("mount") && !name.equals("exclude")) {
				problems.add(new Problem(instruction.line(), "Duplicate flag specified: " + name));
			}
		}
		return flags;
	}

	/** An argument list in brackets is exec form only as a JSON array of strings; Docker runs anything else through a shell. */
	private static void execForm(Instruction instruction, String arguments, List<Problem> problems) {
		if (arguments.startsWith("['")) {
			problems.add(new Problem(instruction.line(),
					"Instruction written as a JSON array but is using single quotes instead of double quotes"));
			return;
		}
		try {
			String[] array = JSON.readValue(arguments, String[].class);
			if (array.length == 0) {
				problems.add(new Problem(instruction.line(), instruction.keyword() + " requires at least one argument"));
			}
		}
		catch (JacksonException ex) {
			problems.add(new Problem(instruction.line(),
					instruction.keyword() + " is not a JSON array of strings, so a shell would run it: " + arguments));
		}
	}

}
