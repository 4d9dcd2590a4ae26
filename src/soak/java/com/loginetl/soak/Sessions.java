package com.loginetl.soak;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.loginetl.support.JdbcTarget;

/**
 * Watches the server's sessions of the services, every two seconds, by the
 * {@code application_name} each process gives its connections: when each was last seen, so that
 * a session that outlives its process shows, and by how long.
 */
final class Sessions implements AutoCloseable {

	static final Duration EVERY = Duration.ofSeconds(2);

	private final JdbcTarget admin;

	private final Map<String, Duration> lastSeen = new ConcurrentHashMap<>();

	private final Map<String, Integer> mostAtOnce = new ConcurrentHashMap<>();

	private volatile Map<String, Integer> now = Map.of();

	private volatile boolean running = true;

	private final Thread thread;

	Sessions(JdbcTarget admin) {
		this.admin = admin;
		this.thread = new Thread(this::watch, "session-watch");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/** When a session of this process was last seen, or null if none ever was. */
	Duration lastSeen(String applicationName) {
		return this.lastSeen.get(applicationName);
	}

	/** The most sessions this process had at once. */
	int mostAtOnce(String applicationName) {
		return this.mostAtOnce.getOrDefault(applicationName, 0);
	}

	/** Sessions of the services now, by process, as of the last look. */
	Map<String, Integer> now() {
		return this.now;
	}

	private void watch() {
		while (this.running) {
			try (Connection connection = DriverManager.getConnection(this.admin.url(), this.admin.username(),
					this.admin.password()); Statement statement = connection.createStatement()) {
				while (this.running) {
					Map<String, Integer> seen = new HashMap<>();
					try (ResultSet rows = statement.executeQuery("SELECT application_name, count(*) FROM pg_stat_activity"
							+ " WHERE application_name LIKE 'soak-%' GROUP BY application_name")) {
						while (rows.next()) {
							seen.put(rows.getString(1), rows.getInt(2));
						}
					}
					Duration at = Report.elapsed();
					seen.forEach((name, count) -> {
						this.lastSeen.put(name, at);
						this.mostAtOnce.merge(name, count, Math::max);
					});
					this.now = Map.copyOf(seen);
					Thread.sleep(EVERY.toMillis());
				}
			}
			catch (SQLException ex) {
				Report.say("session watch: %s; trying again", ex.getMessage());
				Pod.sleep(EVERY);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
	}

}
