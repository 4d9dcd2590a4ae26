package com.loginetl.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the run saw: the faults as they were carried out, the clean stops and their exits, and
 * the violations of what the soak checks.
 */
final class Findings {

	/** A fault as it was carried out: when it really began and ended, and what came of it. */
	record Done(Schedule.Fault fault, Duration began, Duration ended, String outcome) {
	}

	/**
	 * One SIGTERM of a process the soak asked to stop: its exit status and how long it took.
	 * {@code ready}: whether it had answered ready; one still starting may not have its handler
	 * of SIGTERM yet, and exits as the JVM does (143), which is not held against it.
	 */
	record Stop(String applicationName, String why, boolean ready, Integer exit, Duration took, boolean withinGrace) {

		boolean clean() {
			return this.withinGrace && this.exit != null && this.exit == 0;
		}

	}

	/** A claim that does not hold, and the message ids (or processes) it concerns. */
	record Violation(String claim, String detail, List<String> ids) {
	}

	private final List<Done> done = new ArrayList<>();

	private final List<Stop> stops = new ArrayList<>();

	private final List<Violation> violations = new ArrayList<>();

	synchronized void done(Done fault) {
		this.done.add(fault);
	}

	synchronized void stop(Stop stop) {
		this.stops.add(stop);
		if (!stop.clean() && (stop.ready() || !stop.withinGrace())) {
			violate("every SIGTERM an exit 0 within the grace period",
					stop.applicationName() + " (" + stop.why() + ") "
							+ (stop.withinGrace() ? "exited with " + stop.exit() : "was still running after the grace period")
							+ " after " + stop.took().toMillis() / 1000.0 + " s",
					List.of(stop.applicationName()));
		}
	}

	synchronized void violate(String claim, String detail, List<String> ids) {
		this.violations.add(new Violation(claim, detail, List.copyOf(ids)));
		Report.say("VIOLATION of \"%s\": %s", claim, detail);
	}

	/** The faults carried out, in the schedule's order. */
	synchronized List<Done> done() {
		return this.done.stream().sorted(java.util.Comparator.comparingInt((Done each) -> each.fault().number())).toList();
	}

	synchronized List<Stop> stops() {
		return List.copyOf(this.stops);
	}

	synchronized List<Violation> violations() {
		return List.copyOf(this.violations);
	}

	/** Faults carried out, counted by kind (skipped ones apart). */
	synchronized Map<String, Integer> countByKind() {
		Map<String, Integer> counts = new TreeMap<>();
		for (Done each : this.done) {
			String key = each.fault().kind().name() + (each.outcome().startsWith("skipped") ? " (skipped)" : "");
			counts.merge(key, 1, Integer::sum);
		}
		return counts;
	}

	/** Faults that were going on within {@code margin} of {@code time}. */
	synchronized List<Done> around(Duration time, Duration margin) {
		return this.done.stream()
			.filter((each) -> each.began().minus(margin).compareTo(time) <= 0
					&& (each.ended() == null || each.ended().plus(margin).compareTo(time) >= 0))
			.toList();
	}

}
