package com.loginetl.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.loginetl.soak.Findings.Done;
import com.loginetl.soak.Findings.Stop;
import com.loginetl.soak.Findings.Violation;
import com.loginetl.soak.Pod.Life;
import com.loginetl.soak.Schedule.Fault;
import com.loginetl.support.DatabaseRoles;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.NetworkNamespace;
import com.loginetl.support.Scenario;
import org.slf4j.LoggerFactory;

/**
 * The soak, one command ({@code mvn -B -Psoak verify -Dsoak.minutes=30 -Dsoak.seed=N}): several
 * service processes on one queue and one database, a steady producer of valid and invalid events,
 * and faults drawn from the seed at random times, for as long as asked; then everything heals and
 * the checker proves nothing was lost, doubled or leaked. It prints the seed, the schedule, each
 * fault as it happens, the counts and every violation with its message ids, and exits 1 if there
 * was one. docs/soak.md describes it.
 */
public final class Soak {

	private static final Pattern PORT = Pattern.compile("^jdbc:postgresql://[^:/]+:(\\d+)/.*$");

	/** Longest a server session may outlive its process before it counts as a violation. */
	private static final Duration SESSION_OUTLIVES_AT_MOST = Duration.ofMinutes(3);

	private Soak() {
	}

	public static void main(String[] args) {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		int status = 2;
		try {
			status = run(SoakSettings.fromSystemProperties()) ? 0 : 1;
		}
		catch (Exception ex) {
			System.out.flush();
			System.err.println("Soak failed to run: " + ex);
			ex.printStackTrace();
		}
		// Also ends what is left: the embedded PostgreSQL and ElasticMQ stop in their shutdown hooks.
		System.exit(status);
	}

	private static boolean run(SoakSettings settings) throws Exception {
		if (!Files.isRegularFile(Path.of("target", "login-etl.jar"))) {
			throw new IllegalStateException("target/login-etl.jar is missing: run the soak with mvn -Psoak verify");
		}
		Report.open(settings.outputDir().resolve("soak-seed-" + settings.seed() + ".txt"));
		Report.line(String.format(Locale.ROOT,
				"soak: seed %d, %d min, %d services on one queue, %d valid + %d invalid events a second; started %s",
				settings.seed(), settings.length().toMinutes(), settings.services(), settings.validPerSecond(),
				settings.invalidPerSecond(), Instant.now()));
		Report.line("replay: mvn -B -Psoak verify -Dsoak.minutes=" + minutes(settings.length()) + " -Dsoak.seed="
				+ settings.seed() + (settings.services() != 2 ? " -Dsoak.services=" + settings.services() : ""));
		List<String> missing = NetworkNamespace.missingTools();
		boolean partitions = missing.isEmpty();
		Report.line(partitions ? "partitions: on (each service in a network namespace of its own)"
				: "partitions: off, they need " + String.join(", ", missing) + " (the schedule differs where they are on)");
		List<Fault> faults = Schedule.plan(settings.seed(), settings.length(), settings.services(), partitions);
		Report.line("schedule (" + faults.size() + " faults):");
		faults.forEach((fault) -> Report.line("  " + fault.describe()));

		Scenario scenario = Scenario.create("soak-" + settings.seed());
		JdbcTarget admin = scenario.database();
		// The services log in as the ingest role and migrate as the owner, as docs/database-security.md sets them up.
		DatabaseRoles roles = DatabaseRoles.create(admin);
		Map<String, String> environment = new HashMap<>(scenario.environment());
		environment.putAll(roles.environment());
		// Redeliveries within the soak's time (production: 30 s); the extensions keep a slow batch hidden.
		environment.put("LOGINS_LISTENER_VISIBILITY_TIMEOUT", "10s");
		environment.put("LOGINS_SQS_TIMEOUT", "15s");
		Map<String, String> toolEnvironment = new HashMap<>(environment);
		environment.remove("SPRING_DATASOURCE_URL");
		environment.remove("SPRING_CLOUD_AWS_SQS_ENDPOINT");
		Matcher port = PORT.matcher(admin.url());
		if (!port.matches()) {
			throw new IllegalStateException("JDBC URL without a port: " + admin.url());
		}
		Map<String, Pod> pods = new LinkedHashMap<>();
		for (int i = 1; i <= settings.services(); i++) {
			String name = "service-" + i;
			pods.put(name, new Pod(name, environment, admin.url(), Integer.parseInt(port.group(1)),
					scenario.queues().sqs().endpoint().getPort(), partitions ? NetworkNamespace.create() : null));
		}
		Findings findings = new Findings();
		Load load = new Load();
		try (Sessions sessions = new Sessions(admin)) {
			Report.line("starting " + pods.size() + " services (as the image starts them, heap capped at 256 MiB)");
			pods.values().forEach(Pod::start);
			long startDeadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
			while (!pods.values().stream().allMatch(Pod::ready)) {
				if (System.nanoTime() > startDeadline) {
					throw new IllegalStateException("the services were not all ready within 5 min; see target/test-output");
				}
				Pod.sleep(Duration.ofMillis(500));
			}
			Report.startClock();
			Report.say("all services ready: the run begins");
			Producer producer = new Producer(scenario.workload(), settings.validPerSecond(), settings.invalidPerSecond());
			Nemesis nemesis = new Nemesis(pods, admin, scenario.workload(), toolEnvironment, findings, faults,
					settings.length());
			Checker checker = new Checker(scenario.workload(), scenario.queues(), admin,
					environment.get("LOGINS_MASKING_KEYSET"), findings);
			producer.start();
			nemesis.start();
			while (Report.elapsed().compareTo(settings.length()) < 0) {
				Pod.sleep(Duration.ofSeconds(Math.min(60, Math.max(1, settings.length().minus(Report.elapsed()).toSeconds()))));
				load.sample();
				status(scenario, pods, sessions, load);
			}

			Report.say("the faults end: the producer stops, every relay passes, locks are released");
			producer.close();
			nemesis.heal();
			Duration healBegan = Report.elapsed();
			long deadline = System.nanoTime() + settings.heal().toNanos();
			boolean settled = checker.awaitSettled(deadline);
			Report.say("%s after %d s", settled ? "settled: the source queue is empty, and there are as many rows as valid events"
					: "NOT settled within " + settings.heal().toMinutes() + " min", Report.elapsed().minus(healBegan).toSeconds());
			status(scenario, pods, sessions, load);
			checker.checkRows();
			checker.checkDeadLetters(Math.max(deadline, System.nanoTime() + Duration.ofMinutes(2).toNanos()));

			Report.say("stopping every service with SIGTERM");
			List<Thread> stopping = new ArrayList<>();
			for (Pod pod : pods.values()) {
				pod.stopRestarting();
				Thread thread = new Thread(() -> stopForGood(pod, nemesis));
				thread.start();
				stopping.add(thread);
			}
			for (Thread thread : stopping) {
				thread.join();
			}
			Duration stoppedAt = Report.elapsed();
			long sessionsDeadline = System.nanoTime() + SESSION_OUTLIVES_AT_MOST.toNanos();
			Pod.sleep(Sessions.EVERY.multipliedBy(2));
			while (!sessions.now().isEmpty() && System.nanoTime() < sessionsDeadline) {
				Pod.sleep(Sessions.EVERY);
			}
			Report.say("server sessions of the services left %d s after the last stop: %s",
					Report.elapsed().minus(stoppedAt).toSeconds(), sessions.now().isEmpty() ? "none" : sessions.now());
			List<Path> logs = new ArrayList<>();
			pods.values().forEach((pod) -> pod.lives().forEach((life) -> logs.add(life.process().log())));
			logs.addAll(nemesis.toolLogs());
			checker.checkLogsForPii(logs);
			checkSessions(pods, sessions, findings);
			summary(settings, scenario, pods, findings, checker, producer, load, logs);
			pods.values().forEach(Pod::close);
			return findings.violations().isEmpty();
		}
	}

	/** SIGTERM to the pod's process (and to one that was starting meanwhile); no restart follows. */
	private static void stopForGood(Pod pod, Nemesis nemesis) {
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		while (!pod.down() && System.nanoTime() < deadline) {
			Life life = pod.current();
			if (life != null && life.process().isAlive() && life.stoppedBy == null) {
				nemesis.stopGracefully(life, "end of the soak");
			}
			pod.awaitDown(Duration.ofMillis(200));
		}
	}

	/** Each process's server sessions end soon after it does. */
	private static void checkSessions(Map<String, Pod> pods, Sessions sessions, Findings findings) {
		Duration longest = Duration.ZERO;
		String whose = "none";
		for (Pod pod : pods.values()) {
			for (Life life : pod.lives()) {
				Duration seen = sessions.lastSeen(life.applicationName());
				if (seen == null || life.endedAt == null) {
					continue;
				}
				Duration outlived = seen.minus(life.endedAt);
				if (outlived.compareTo(longest) > 0) {
					longest = outlived;
					whose = life.applicationName() + " (" + life.stoppedBy + ")";
				}
				if (outlived.compareTo(Duration.ofSeconds(30)) > 0) {
					Report.say("sessions of %s (%s, ended %s) were seen until %s: %d s after", life.applicationName(),
							life.stoppedBy == null ? "exited by itself" : life.stoppedBy, Report.clock(life.endedAt),
							Report.clock(seen), outlived.toSeconds());
				}
				if (outlived.compareTo(SESSION_OUTLIVES_AT_MOST) > 0) {
					findings.violate("no server session outlives its process by more than "
							+ SESSION_OUTLIVES_AT_MOST.toMinutes() + " min", life.applicationName() + " ended "
									+ Report.clock(life.endedAt) + ", a session of it was seen until " + Report.clock(seen),
							List.of(life.applicationName()));
				}
			}
		}
		Report.say("longest a server session outlived its process: %d s, %s (seen every %d s)", longest.toSeconds(), whose,
				Sessions.EVERY.toSeconds());
	}

	private static void status(Scenario scenario, Map<String, Pod> pods, Sessions sessions, Load load) {
		try {
			StringBuilder up = new StringBuilder();
			pods.forEach((name, pod) -> up.append(name).append(pod.ready() ? " ready, " : " not ready, "));
			Report.say("sent %d valid + %d invalid; rows %d; source queue %d, dead-letter queue %d; %ssessions %d; load %s",
					scenario.workload().validCount(), scenario.workload().invalidCount(), scenario.workload().rows(),
					scenario.queues().sourceDepth(), scenario.queues().depth(scenario.queues().deadLetterQueueUrl()), up,
					sessions.now().values().stream().mapToInt(Integer::intValue).sum(), load.last());
		}
		catch (RuntimeException ex) {
			Report.say("status: %s", ex);
		}
	}

	private static void summary(SoakSettings settings, Scenario scenario, Map<String, Pod> pods, Findings findings,
			Checker checker, Producer producer, Load load, List<Path> logs) {
		Report.line("");
		Report.line("== soak, seed " + settings.seed() + ", " + minutes(settings.length()) + " min ==");
		checker.figures().forEach((name, value) -> Report.line(String.format(Locale.ROOT, "  %-58s %s", name, value)));
		Report.line(String.format(Locale.ROOT, "  %-58s %d", "producer sends that failed", producer.failedSends()));
		Report.line("faults carried out, by kind:");
		findings.countByKind().forEach((kind, count) -> Report.line(String.format(Locale.ROOT, "  %-28s %d", kind, count)));
		Report.line("faults as carried out:");
		for (Done done : findings.done()) {
			Report.line(String.format(Locale.ROOT, "  #%-3d %s-%s %-17s %-10s %s", done.fault().number(),
					Report.clock(done.began()), Report.clock(done.ended()), done.fault().kind(), done.fault().target(),
					done.outcome()));
		}
		Report.line("processes:");
		for (Pod pod : pods.values()) {
			for (Life life : pod.lives()) {
				Report.line(String.format(Locale.ROOT, "  %-20s %s-%s ready %-7s exit %-5s %s", life.applicationName(),
						Report.clock(life.startedAt()), life.endedAt == null ? "?" : Report.clock(life.endedAt),
						life.readyAfter == null ? "never" : life.readyAfter.toSeconds() + " s",
						life.exit, life.stoppedBy == null ? "(exited by itself)" : life.stoppedBy));
			}
		}
		List<Stop> stops = findings.stops();
		Report.line(String.format(Locale.ROOT,
				"SIGTERM: %d stops of ready processes, %d exit 0 within %d s, longest %.1f s; %d of processes still starting (exits %s)",
				stops.stream().filter(Stop::ready).count(), stops.stream().filter(Stop::ready).filter(Stop::clean).count(),
				Nemesis.GRACE.toSeconds(),
				stops.stream().filter(Stop::ready).mapToLong((stop) -> stop.took().toMillis()).max().orElse(0) / 1000.0,
				stops.stream().filter((stop) -> !stop.ready()).count(),
				stops.stream().filter((stop) -> !stop.ready()).map(Stop::exit).toList()));
		Report.line("load average (1 min) on " + Runtime.getRuntime().availableProcessors() + " cores: " + load.describe());
		if (!checker.copies().isEmpty()) {
			Report.line("dead-letter copies (README, Failure behaviour: a crash or an SQS outage between the dead-letter send and"
					+ " the delete; dlq redrive sends each source message once):");
			checker.copies().forEach((id, count) -> Report.line("  " + id + " x" + count + sentAt(producer, id)));
		}
		List<Violation> violations = findings.violations();
		if (violations.isEmpty()) {
			Report.line("violations: none");
		}
		else {
			Report.line("violations: " + violations.size());
			Map<Path, String> texts = readAll(logs);
			for (Violation violation : violations) {
				Report.line("  " + violation.claim() + ": " + violation.detail());
				for (String id : violation.ids().stream().limit(20).toList()) {
					Report.line("    " + id + sentAt(producer, id));
					Duration sent = producer.sentAt(id);
					if (sent != null) {
						findings.around(sent, Duration.ofSeconds(60))
							.forEach((done) -> Report.line("      near fault #" + done.fault().number() + " "
									+ done.fault().kind() + " " + done.fault().target() + " " + Report.clock(done.began()) + "-"
									+ Report.clock(done.ended()) + ": " + done.outcome()));
					}
					texts.forEach((log, text) -> text.lines()
						.filter((line) -> line.contains(id))
						.limit(3)
						.forEach((line) -> Report.line("      " + log.getFileName() + ": " + abbreviate(line))));
				}
				if (violation.ids().size() > 20) {
					Report.line("    ... and " + (violation.ids().size() - 20) + " more");
				}
			}
		}
		Report.line("replay: mvn -B -Psoak verify -Dsoak.minutes=" + minutes(settings.length()) + " -Dsoak.seed="
				+ settings.seed());
	}

	private static String sentAt(Producer producer, String id) {
		Duration sent = producer.sentAt(id);
		return (sent == null) ? "" : " (sent " + Report.clock(sent) + ")";
	}

	private static String abbreviate(String line) {
		return (line.length() > 300) ? line.substring(0, 300) + "..." : line;
	}

	private static Map<Path, String> readAll(List<Path> logs) {
		Map<Path, String> texts = new LinkedHashMap<>();
		for (Path log : logs) {
			try {
				texts.put(log, Files.readString(log));
			}
			catch (IOException ex) {
				// reported by the PII check already
			}
		}
		return texts;
	}

	private static String minutes(Duration length) {
		return (length.toSeconds() % 60 == 0) ? Long.toString(length.toMinutes())
				: String.format(Locale.ROOT, "%.2f", length.toSeconds() / 60.0);
	}

}
