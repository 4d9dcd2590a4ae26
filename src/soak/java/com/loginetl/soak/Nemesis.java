package com.loginetl.soak;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.loginetl.soak.Findings.Done;
import com.loginetl.soak.Findings.Stop;
import com.loginetl.soak.Pod.Life;
import com.loginetl.soak.Schedule.Fault;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TcpProxy;
import com.loginetl.support.Workload;

/**
 * Carries out the schedule, in the manner of Jepsen's nemesis: each fault at its time (or as soon
 * as the one before has ended), on its target, and undoes it after its duration. Row locks and
 * redrives run in the background, beside the next faults. {@link #heal()} ends whatever is still
 * going on.
 */
final class Nemesis {

	/** How long a stop may take: the chart's {@code terminationGracePeriodSeconds}, after which a kubelet kills. */
	static final Duration GRACE = Duration.ofSeconds(45);

	/**
	 * A silence or partition begins this long before the SIGTERM of {@link Schedule.Kind#SIGTERM_DB_SILENT}
	 * and {@link Schedule.Kind#SIGTERM_PARTITIONED}, so batches are caught in it.
	 */
	private static final Duration SILENCE_BEFORE_SIGTERM = Duration.ofSeconds(5);

	private static final Duration REDRIVE_TIMEOUT = Duration.ofMinutes(5);

	private final Map<String, Pod> pods;

	private final JdbcTarget admin;

	private final Workload workload;

	private final Map<String, String> toolEnvironment;

	private final Findings findings;

	private final CountDownLatch healNow = new CountDownLatch(1);

	private final List<Thread> background = Collections.synchronizedList(new ArrayList<>());

	private final List<Path> toolLogs = Collections.synchronizedList(new ArrayList<>());

	private final Thread thread;

	/**
	 * @param pods the services by name ({@code service-1}...)
	 * @param admin a superuser's login to the services' database, for the sessions that lock
	 * @param toolEnvironment the environment {@code dlq redrive} runs with (straight to SQS)
	 */
	Nemesis(Map<String, Pod> pods, JdbcTarget admin, Workload workload, Map<String, String> toolEnvironment,
			Findings findings, List<Fault> faults, Duration length) {
		this.pods = pods;
		this.admin = admin;
		this.workload = workload;
		this.toolEnvironment = toolEnvironment;
		this.findings = findings;
		this.thread = new Thread(() -> run(faults, length), "nemesis");
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/** The logs of the redrives, for the search for raw PII. */
	List<Path> toolLogs() {
		return List.copyOf(this.toolLogs);
	}

	/**
	 * Ends the faults: the one going on is undone at once, row locks are released, every relay
	 * passes again, every partition heals; then waits for the redrives still running.
	 */
	void heal() {
		this.healNow.countDown();
		join(this.thread, Duration.ofMinutes(2));
		for (Pod pod : this.pods.values()) {
			pod.database().restore();
			pod.sqs().restore();
			pod.heal();
		}
		for (Thread each : List.copyOf(this.background)) {
			join(each, REDRIVE_TIMEOUT.plusSeconds(30));
		}
	}

	/** Stops a process with SIGTERM as a kubelet does, killing it after the grace period, and records how it went. */
	Stop stopGracefully(Life life, String why) {
		life.stoppedBy = "SIGTERM, " + why;
		boolean ready = life.readyAfter != null;
		long began = System.nanoTime();
		life.process().terminate();
		while (life.process().isAlive() && System.nanoTime() - began < GRACE.toNanos()) {
			Pod.sleep(Duration.ofMillis(100));
		}
		Duration took = Duration.ofNanos(System.nanoTime() - began);
		boolean within = !life.process().isAlive();
		Integer exit = null;
		if (within) {
			exit = life.process().awaitExit(Duration.ofSeconds(5));
		}
		else {
			life.stoppedBy = "SIGTERM, " + why + ", then kill -9 after the grace period";
			life.process().kill();
		}
		Stop stop = new Stop(life.applicationName(), why, ready, exit, took, within);
		this.findings.stop(stop);
		return stop;
	}

	private void run(List<Fault> faults, Duration length) {
		for (Fault fault : faults) {
			Duration wait = fault.at().minus(Report.elapsed());
			if (!wait.isNegative() && pause(wait)) {
				return;
			}
			if (healing() || Report.elapsed().compareTo(length) >= 0) {
				return;
			}
			try {
				if (fault.kind().background()) {
					Thread worker = new Thread(() -> carryOut(fault), "nemesis-" + fault.number());
					worker.setDaemon(true);
					this.background.add(worker);
					worker.start();
				}
				else {
					carryOut(fault);
				}
			}
			catch (RuntimeException ex) {
				Report.say("fault #%d %s failed to run: %s", fault.number(), fault.kind(), ex);
			}
		}
	}

	private void carryOut(Fault fault) {
		Duration began = Report.elapsed();
		Report.say("fault #%d begins: %s on %s%s (%s)", fault.number(), fault.kind(), fault.target(),
				fault.duration().isZero() ? "" : " for " + fault.duration().toSeconds() + " s", fault.kind().description);
		String outcome;
		try {
			outcome = switch (fault.kind()) {
				case KILL -> kill(fault);
				case SIGTERM -> sigterm(fault);
				case SIGTERM_DB_SILENT -> sigtermWhileDatabaseSilent(fault);
				case DB_CUT -> onRelays(fault, Pod::database, TcpProxy::cut);
				case DB_BLACK_HOLE -> onRelays(fault, Pod::database, TcpProxy::blackHole);
				case SQS_CUT -> onRelays(fault, Pod::sqs, TcpProxy::cut);
				case SQS_BLACK_HOLE -> onRelays(fault, Pod::sqs, TcpProxy::blackHole);
				case ROW_LOCK -> rowLock(fault);
				case SLOW_DB -> slowDatabase(fault);
				case REDRIVE -> redrive();
				case PARTITION -> partition(fault);
				case SIGTERM_PARTITIONED -> sigtermWhilePartitioned(fault);
			};
		}
		catch (SQLException | RuntimeException ex) {
			outcome = "failed: " + ex;
		}
		Report.say("fault #%d ends: %s", fault.number(), outcome);
		this.findings.done(new Done(fault, began, Report.elapsed(), outcome));
	}

	private String kill(Fault fault) {
		Life life = this.pods.get(fault.target()).current();
		if (life == null) {
			return "skipped: " + fault.target() + " is down";
		}
		life.stoppedBy = "kill -9, fault #" + fault.number();
		life.process().kill();
		return "killed " + life.applicationName();
	}

	private String sigterm(Fault fault) {
		Life life = this.pods.get(fault.target()).current();
		if (life == null) {
			return "skipped: " + fault.target() + " is down";
		}
		return describe(stopGracefully(life, "fault #" + fault.number()));
	}

	private String sigtermWhileDatabaseSilent(Fault fault) {
		Pod pod = this.pods.get(fault.target());
		Life life = pod.current();
		if (life == null) {
			return "skipped: " + fault.target() + " is down";
		}
		long silentSince = System.nanoTime();
		pod.database().blackHole();
		try {
			if (pause(SILENCE_BEFORE_SIGTERM)) {
				return "healed before the SIGTERM";
			}
			String stopped = describe(stopGracefully(life, "fault #" + fault.number() + ", database silent"));
			// The silence lasts its duration, or until the process is gone if that takes longer.
			Duration rest = fault.duration().minus(Duration.ofNanos(System.nanoTime() - silentSince));
			if (!rest.isNegative()) {
				pause(rest);
			}
			return stopped;
		}
		finally {
			pod.database().restore();
		}
	}

	private String partition(Fault fault) {
		List<Pod> cut = "all".equals(fault.target()) ? List.copyOf(this.pods.values())
				: List.of(this.pods.get(fault.target()));
		cut.forEach(Pod::partition);
		try {
			pause(fault.duration());
		}
		finally {
			cut.forEach(Pod::heal);
		}
		return "healed after " + fault.duration().toSeconds() + " s";
	}

	/** As a pod replaced during a partition: stopped inside it, its next process started inside it too. */
	private String sigtermWhilePartitioned(Fault fault) {
		Pod pod = this.pods.get(fault.target());
		long partitionedSince = System.nanoTime();
		pod.partition();
		try {
			if (pause(SILENCE_BEFORE_SIGTERM)) {
				return "healed before the SIGTERM";
			}
			Life life = pod.current();
			String stopped = (life == null) ? "no process to stop: " + fault.target() + " was down"
					: describe(stopGracefully(life, "fault #" + fault.number() + ", partitioned"));
			Duration rest = fault.duration().minus(Duration.ofNanos(System.nanoTime() - partitionedSince));
			if (!rest.isNegative()) {
				pause(rest);
			}
			return stopped + ", healed after " + Duration.ofNanos(System.nanoTime() - partitionedSince).toSeconds() + " s";
		}
		finally {
			pod.heal();
		}
	}

	private static String describe(Stop stop) {
		return stop.applicationName() + (stop.ready() ? "" : " (still starting)")
				+ (stop.withinGrace() ? " exited with " + stop.exit() : " still ran, killed") + " after " + String.format("%.1f", stop.took().toMillis() / 1000.0) + " s";
	}

	private String onRelays(Fault fault, Function<Pod, TcpProxy> relay, java.util.function.Consumer<TcpProxy> action) {
		List<TcpProxy> relays = "all".equals(fault.target()) ? this.pods.values().stream().map(relay).toList()
				: List.of(relay.apply(this.pods.get(fault.target())));
		relays.forEach(action);
		try {
			pause(fault.duration());
		}
		finally {
			relays.forEach(TcpProxy::restore);
		}
		return "restored after " + fault.duration().toSeconds() + " s";
	}

	/**
	 * Sends one valid event, hidden for 10 s, and inserts its row (its id and the date of its
	 * sending) in a transaction of another session left open for the fault's duration, as an
	 * orphaned session would; then rolls back.
	 */
	private String rowLock(Fault fault) throws SQLException {
		LocalDate before = LocalDate.now(ZoneOffset.UTC);
		String id = this.workload.sendOneValid(Duration.ofSeconds(10));
		LocalDate after = LocalDate.now(ZoneOffset.UTC);
		if (!before.equals(after)) {
			return "skipped: message " + id + " was sent across UTC midnight, its row's date is unknown";
		}
		try (Connection connection = DriverManager.getConnection(this.admin.url(), this.admin.username(),
				this.admin.password())) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement(
					"INSERT INTO user_logins (sqs_message_id, user_id, create_date) VALUES (?, 'soak-placeholder', ?)")) {
				insert.setString(1, id);
				insert.setObject(2, before);
				insert.executeUpdate();
			}
			Report.say("fault #%d: another session holds the row of message %s", fault.number(), id);
			pause(fault.duration());
			connection.rollback();
		}
		return "held the row of message " + id + ", then rolled back";
	}

	/** Locks the table against inserts for the fault's duration, below the service's lock timeout (20 s). */
	private String slowDatabase(Fault fault) throws SQLException {
		try (Connection connection = DriverManager.getConnection(this.admin.url(), this.admin.username(),
				this.admin.password()); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			// A row lock of the soak holds ROW EXCLUSIVE on the table; waiting for it would stop every insert.
			statement.execute("SET LOCAL lock_timeout = '5s'");
			try {
				statement.execute("LOCK TABLE user_logins IN EXCLUSIVE MODE");
			}
			catch (SQLException ex) {
				connection.rollback();
				return "skipped: the table lock was not granted within 5 s (SQLSTATE " + ex.getSQLState() + ")";
			}
			pause(fault.duration());
			connection.commit();
		}
		return "table locked for " + fault.duration().toSeconds() + " s";
	}

	private String redrive() {
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
				"-jar", Path.of("target", "login-etl.jar").toString(), "dlq", "redrive");
		try (ServiceProcess tool = ServiceProcess.start(command, this.toolEnvironment)) {
			this.toolLogs.add(tool.log());
			int exit;
			try {
				exit = tool.awaitExit(REDRIVE_TIMEOUT);
			}
			catch (IllegalStateException ex) {
				tool.kill();
				return "did not finish within " + REDRIVE_TIMEOUT.toMinutes() + " min, killed; see " + tool.log();
			}
			List<String> summary = tool.output()
				.lines()
				.filter((line) -> line.contains("moved to the source queue") || line.contains("skipped as copies")
						|| line.contains("left, failed") || line.contains("left, held"))
				.map(String::strip)
				.toList();
			return "exit " + exit + ": " + String.join("; ", summary).replaceAll("\\s{2,}", " ");
		}
	}

	private boolean healing() {
		return this.healNow.getCount() == 0;
	}

	/** Waits, and returns true (at once) when the heal began. */
	private boolean pause(Duration duration) {
		try {
			return this.healNow.await(duration.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
	}

	private static void join(Thread thread, Duration timeout) {
		try {
			thread.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
