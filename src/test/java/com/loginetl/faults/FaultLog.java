package com.loginetl.faults;

import java.util.List;
import java.util.regex.Pattern;

import com.loginetl.support.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a service logged from a point on, such as the start of a fault, and the checks the failure
 * table of docs/failure-behaviour.md makes of it: an expected fault logs its state changes (down, back) once each, at
 * WARN, as a few concise lines, without a stack trace or an ERROR.
 */
final class FaultLog {

	/** State changes of the fault and of the health checks, with room for one reminder or retry line of each. */
	private static final int MOST_WARN_LINES = 12;

	private final ServiceProcess service;

	private final long mark;

	private FaultLog(ServiceProcess service, long mark) {
		this.service = service;
		this.mark = mark;
	}

	/** Marks the end of what the service logged so far; the checks read only what comes after. */
	static FaultLog from(ServiceProcess service) {
		return new FaultLog(service, service.output().lines().count());
	}

	List<String> lines() {
		return this.service.output().lines().skip(this.mark).toList();
	}

	/** Each pattern is found in exactly one line written since the mark. */
	void assertEachOnce(String... patterns) {
		List<String> lines = lines();
		String shown = String.join("\n", lines);
		for (String pattern : patterns) {
			Pattern compiled = Pattern.compile(pattern);
			assertThat(lines.stream().filter((line) -> compiled.matcher(line).find()))
				.as("lines matching \"%s\" among the lines written since the fault began:\n%s", pattern, shown)
				.hasSize(1);
		}
	}

	/** No stack trace, no ERROR, and only a handful of WARN lines since the mark. */
	void assertConciseWithoutStackTrace() {
		List<String> lines = lines();
		String shown = String.join("\n", lines);
		assertThat(lines).as("stack-trace lines:\n%s", shown).noneMatch((line) -> line.startsWith("\tat "));
		assertThat(lines).as("ERROR lines:\n%s", shown).noneMatch((line) -> line.contains(" ERROR "));
		assertThat(lines.stream().filter((line) -> line.contains(" WARN "))).as("WARN lines:\n%s", shown)
			.hasSizeLessThanOrEqualTo(MOST_WARN_LINES);
	}

}
