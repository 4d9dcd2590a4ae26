package com.loginetl.storage;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the service talks to PostgreSQL: the limits on every wait of its connections, and how it
 * waits for a database that stopped answering. Defaults live in application.yaml.
 * <p>
 * The connection limits are pgjdbc settings ({@code connectTimeout}, {@code loginTimeout},
 * {@code socketTimeout}, {@code tcpKeepAlive}); the session limits are PostgreSQL settings sent
 * with each new connection of the pool. Migrations run on a connection of their own without them
 * (see {@link SchemaOwner}).
 *
 * @param retry the probe's backoff while the database is unavailable
 * @param connectTimeout longest wait for the TCP connection to the server
 * @param loginTimeout longest wait for a new connection to be open and logged in
 * @param socketTimeout longest wait for any answer from the server on an open connection; a
 * connection that stays silent longer (a partition, a failover without resets) is closed and the
 * statement fails. Above {@code statementTimeout}, so a slow statement is cancelled by the server
 * first
 * @param tcpKeepAlive whether the operating system probes idle connections
 * @param statementTimeout PostgreSQL's {@code statement_timeout} on the service's sessions
 * @param lockTimeout PostgreSQL's {@code lock_timeout} on the service's sessions: longest wait for
 * a lock another session holds, below {@code statementTimeout}
 * @param idleInTransactionTimeout PostgreSQL's {@code idle_in_transaction_session_timeout} on the
 * service's sessions: a session of this service that stays in an open transaction without a
 * statement this long (its client vanished) is ended by the server, and its locks released
 * @param serverTcpKeepalivesIdle PostgreSQL's {@code tcp_keepalives_idle} on the service's
 * sessions: how long the server's end of an idle connection waits before its first keepalive probe
 * @param serverTcpKeepalivesInterval PostgreSQL's {@code tcp_keepalives_interval}: between probes
 * @param serverTcpKeepalivesCount PostgreSQL's {@code tcp_keepalives_count}: unanswered probes
 * before the server closes the connection. With these, a session whose client vanished behind a
 * network partition ends after idle + interval x count, not after the operating system's two hours
 * @param idleSessionTimeout PostgreSQL's {@code idle_session_timeout}: the server ends a session of
 * the service that stayed idle (outside a transaction) this long; longer than the pool keeps an
 * idle connection (Hikari's keepalive, idle timeout and max lifetime), so that it only ends
 * sessions the pool has lost. 0 turns it off
 */
@Validated
@ConfigurationProperties("logins.database")
public record StorageProperties(@NotNull @Valid Retry retry,
		@NotNull @DurationMin(seconds = 1) Duration connectTimeout,
		@NotNull @DurationMin(seconds = 1) Duration loginTimeout,
		@NotNull @DurationMin(seconds = 1) Duration socketTimeout, boolean tcpKeepAlive,
		@NotNull @DurationMin(millis = 1) Duration statementTimeout,
		@NotNull @DurationMin(millis = 1) Duration lockTimeout,
		@NotNull @DurationMin(millis = 1) Duration idleInTransactionTimeout,
		@NotNull @DurationMin(seconds = 1) Duration serverTcpKeepalivesIdle,
		@NotNull @DurationMin(seconds = 1) Duration serverTcpKeepalivesInterval,
		@Min(1) @Max(100) int serverTcpKeepalivesCount, @NotNull Duration idleSessionTimeout) {

	/** A statement the server is still working on must be cancelled by it, not cut off by the client. */
	@AssertTrue(message = "logins.database.socket-timeout must be longer than logins.database.statement-timeout")
	public boolean isSocketTimeoutAboveStatementTimeout() {
		return this.socketTimeout == null || this.statementTimeout == null
				|| this.socketTimeout.compareTo(this.statementTimeout) > 0;
	}

	/** A lock wait must end as a lock timeout (55P03), which the writer tells apart from a slow statement. */
	@AssertTrue(message = "logins.database.lock-timeout must be shorter than logins.database.statement-timeout")
	public boolean isLockTimeoutBelowStatementTimeout() {
		return this.lockTimeout == null || this.statementTimeout == null
				|| this.lockTimeout.compareTo(this.statementTimeout) < 0;
	}

	/** The server's timeout must not end the pool's idle connections, only lost ones; 0 is off. */
	@AssertTrue(message = "logins.database.idle-session-timeout must be 0 (off) or longer than 30 minutes, the pool's "
			+ "longest hold of an idle connection (spring.datasource.hikari.max-lifetime)")
	public boolean isIdleSessionTimeoutAbovePoolLifetime() {
		return this.idleSessionTimeout == null || this.idleSessionTimeout.isZero()
				|| this.idleSessionTimeout.compareTo(Duration.ofMinutes(30)) > 0;
	}

	/**
	 * @param initialInterval first wait before probing the database again
	 * @param maxInterval longest wait between two probes (the wait doubles up to it)
	 */
	public record Retry(@NotNull Duration initialInterval, @NotNull Duration maxInterval) {
	}

}
