package com.loginetl.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.deploy.ExternalTools;
import com.loginetl.support.DatabaseRoles;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.NetworkNamespace;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real partition between the service and PostgreSQL: the service runs in a network namespace
 * of its own, its connections go over a veth link straight to the server (NAT on the host, no
 * relay), and packets to and from the database are dropped inside the namespace, both ways. The
 * service is stopped with SIGTERM during the partition; its FINs never arrive, so its idle server
 * sessions are orphaned: the server learns that their client is gone only from its TCP keepalive
 * probes going unanswered, which the service asks for in its session options
 * ({@code logins.database.server-tcp-keepalives-*}, here idle 5 s, interval 2 s, count 3), logged
 * in as the ordinary ingest role, not a superuser.
 * <p>
 * The stopped process's sessions, found by the {@code application_name} its JDBC URL gives them,
 * must be gone from {@code pg_stat_activity} within idle + interval x count after the partition
 * began (all were idle then: the test waits for every row first), plus a margin for a loaded
 * machine, and while the partition still holds. A replacement started on the host's network
 * (another node, which the partition does not reach) takes the messages the stopped one left;
 * after the heal every valid message is exactly one row.
 */
@ExternalTools
class PartitionIT {

	private static final Duration KEEPALIVES_IDLE = Duration.ofSeconds(5);

	private static final Duration KEEPALIVES_INTERVAL = Duration.ofSeconds(2);

	private static final int KEEPALIVES_COUNT = 3;

	/** When the server gives up an idle connection whose peer answers nothing. */
	private static final Duration ORPHANED_FOR_AT_MOST = KEEPALIVES_IDLE
		.plus(KEEPALIVES_INTERVAL.multipliedBy(KEEPALIVES_COUNT));

	/** Slack for a loaded 2-core machine and the watch's 250 ms between looks. */
	private static final Duration MARGIN = Duration.ofSeconds(10);

	/** The partition holds at least this long, well past the bound, so what ends the sessions is not the heal. */
	private static final Duration PARTITION_AT_LEAST = Duration.ofSeconds(30);

	private static final Pattern PORT = Pattern.compile("^jdbc:postgresql://[^:/]+:(\\d+)(/[^?]*).*$");

	@Test
	void sessionsOrphanedByAPartitionAreEndedByTheServerWhileItHoldsAndEveryMessageIsOneRow() throws Exception {
		assertThat(NetworkNamespace.missingTools()).as("what this test lacks (root, ip, iptables)").isEmpty();
		Scenario scenario = Scenario.create("partition");
		JdbcTarget admin = scenario.database();
		DatabaseRoles roles = DatabaseRoles.create(admin);
		Workload workload = scenario.workload();
		Map<String, String> environment = scenario.environment();
		environment.putAll(roles.environment());
		environment.put("LOGINS_DATABASE_SERVER_TCP_KEEPALIVES_IDLE", KEEPALIVES_IDLE.toSeconds() + "s");
		environment.put("LOGINS_DATABASE_SERVER_TCP_KEEPALIVES_INTERVAL", KEEPALIVES_INTERVAL.toSeconds() + "s");
		environment.put("LOGINS_DATABASE_SERVER_TCP_KEEPALIVES_COUNT", Integer.toString(KEEPALIVES_COUNT));
		// So that the stop during the partition ends in seconds, not after 45 s socket timeouts.
		environment.put("LOGINS_DATABASE_CONNECT_TIMEOUT", "2s");
		environment.put("LOGINS_DATABASE_LOGIN_TIMEOUT", "3s");
		environment.put("LOGINS_DATABASE_SOCKET_TIMEOUT", "8s");
		environment.put("LOGINS_DATABASE_STATEMENT_TIMEOUT", "5s");
		environment.put("LOGINS_DATABASE_LOCK_TIMEOUT", "2s");
		Matcher url = PORT.matcher(admin.url());
		assertThat(url.matches()).as("a JDBC URL with a port: " + admin.url()).isTrue();
		int databasePort = Integer.parseInt(url.group(1));
		String databasePath = url.group(2);
		int sqsPort = scenario.queues().sqs().endpoint().getPort();
		workload.send(200, 4);

		try (NetworkNamespace namespace = NetworkNamespace.create(); SessionWatch watch = new SessionWatch(admin)) {
			namespace.expose(databasePort);
			namespace.expose(sqsPort);
			String stopped = "partition-" + namespace.name() + "-stopped";
			Map<String, String> inside = new HashMap<>(environment);
			inside.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://" + namespace.hostAddress() + ":" + databasePort
					+ databasePath + "?ApplicationName=" + stopped);
			inside.put("SPRING_CLOUD_AWS_SQS_ENDPOINT", "http://" + namespace.hostAddress() + ":" + sqsPort);
			Map<String, String> outside = new HashMap<>(environment);
			outside.put("SPRING_DATASOURCE_URL", admin.url() + (admin.url().contains("?") ? "&" : "?")
					+ "ApplicationName=partition-" + namespace.name() + "-replacement");

			try (ServiceProcess first = ServiceProcess.startIn(namespace, inside, "-Xmx256m")) {
				first.awaitReady(Duration.ofMinutes(3));
				await().atMost(Duration.ofSeconds(120)).until(() -> workload.rows() >= workload.validCount());
				List<String> users = watch.users(stopped);
				assertThat(users).as("server sessions of the service before the partition").isNotEmpty();
				assertThat(users).as("the role the service's sessions are logged in as")
					.containsOnly(roles.ingest().username());

				namespace.partition(databasePort);
				long partitionedAt = System.nanoTime();
				watch.follow(stopped);
				System.out.printf("partition: %d sessions of %s when the partition began%n", users.size(), stopped);
				// Messages the service takes from the queue and cannot write: they come back to the replacement.
				workload.send(100, 2);
				first.terminate();
				int status = first.awaitExit(Duration.ofSeconds(120));
				System.out.printf("partition: the service exited (%d) %d ms after the partition began%n", status,
						millisSince(partitionedAt));

				try (ServiceProcess replacement = ServiceProcess.start(outside, "-Xmx256m")) {
					replacement.awaitReady(Duration.ofMinutes(3));
					Duration bound = ORPHANED_FOR_AT_MOST.plus(MARGIN);
					long untilBound = bound.toMillis() - millisSince(partitionedAt);
					if (untilBound > 0) {
						Thread.sleep(untilBound);
					}
					Long goneAt = watch.goneAt(stopped);
					List<String> left = watch.users(stopped);
					System.out.printf("partition: %d sessions of the stopped service left %d ms after the partition began%n",
							left.size(), millisSince(partitionedAt));
					assertThat(goneAt).as("when the last session of the stopped service was gone; %d of its sessions were "
							+ "still there %d ms after the partition began", left.size(), millisSince(partitionedAt))
						.isNotNull();
					long goneAfter = goneAt - partitionedAt;
					System.out.printf("partition: the last of the stopped service's sessions was gone %d ms after the "
							+ "partition began (bound %d ms)%n", goneAfter / 1_000_000,
							bound.toMillis());
					assertThat(Duration.ofNanos(goneAfter)).as("time from the partition to the stopped service's last session gone")
						.isLessThanOrEqualTo(bound);

					long partitionLeft = PARTITION_AT_LEAST.toMillis() - millisSince(partitionedAt);
					if (partitionLeft > 0) {
						Thread.sleep(partitionLeft);
					}
					assertThat(watch.users(stopped)).as("sessions of the stopped service, at the end of the partition").isEmpty();
					namespace.heal();
					System.out.printf("partition: healed %d ms after it began%n", millisSince(partitionedAt));

					workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(120));
					workload.assertEveryInvalidMessageIsDeadLetteredAtLeastOnce(Duration.ofSeconds(60));
					assertThat(watch.users(stopped)).as("sessions of the stopped service, after the heal").isEmpty();
				}
			}
		}
	}

	private static long millisSince(long nanos) {
		return (System.nanoTime() - nanos) / 1_000_000;
	}

	/**
	 * Looks at {@code pg_stat_activity} as the admin, every 250 ms for the process it follows, and
	 * notes when that process's sessions were first seen to be none.
	 */
	private static final class SessionWatch implements AutoCloseable {

		private final Connection connection;

		private volatile String followed;

		private volatile Long goneAt;

		private final Thread thread;

		SessionWatch(JdbcTarget admin) throws SQLException {
			this.connection = DriverManager.getConnection(admin.url(), admin.username(), admin.password());
			this.thread = new Thread(this::watch, "partition-session-watch");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		/** The login of each server session of this application name, now. */
		synchronized List<String> users(String applicationName) throws SQLException {
			try (PreparedStatement query = this.connection
				.prepareStatement("SELECT usename FROM pg_stat_activity WHERE application_name = ?")) {
				query.setString(1, applicationName);
				try (ResultSet rows = query.executeQuery()) {
					List<String> users = new ArrayList<>();
					while (rows.next()) {
						users.add(rows.getString(1));
					}
					return users;
				}
			}
		}

		void follow(String applicationName) {
			this.followed = applicationName;
		}

		/** {@link System#nanoTime()} when the followed process was first seen without a session, or null. */
		Long goneAt(String applicationName) {
			return applicationName.equals(this.followed) ? this.goneAt : null;
		}

		private void watch() {
			try {
				while (!Thread.currentThread().isInterrupted()) {
					String name = this.followed;
					if (name != null && this.goneAt == null && users(name).isEmpty()) {
						this.goneAt = System.nanoTime();
					}
					Thread.sleep(250);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void close() throws SQLException {
			this.thread.interrupt();
			synchronized (this) {
				this.connection.close();
			}
		}

	}

}
