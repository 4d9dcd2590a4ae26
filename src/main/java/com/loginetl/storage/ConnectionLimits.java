package com.loginetl.storage;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Puts {@link StorageProperties}' limits on every connection of the pool, before it opens its
 * first: pgjdbc's timeouts as driver properties, and the session limits as PostgreSQL's
 * {@code options} start-up parameter, so they hold from the first statement without an extra
 * round trip. pgjdbc waits forever by default; with these, no call on a connection waits without
 * a bound. The server's own keepalives and idle session timeout end the server's side of a
 * connection whose client vanished (a network partition), which would otherwise hold a backend
 * slot for hours.
 */
class ConnectionLimits implements BeanPostProcessor {

	private final ObjectProvider<StorageProperties> properties;

	ConnectionLimits(ObjectProvider<StorageProperties> properties) {
		this.properties = properties;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool) {
			StorageProperties limits = this.properties.getObject();
			pool.addDataSourceProperty("connectTimeout", Long.toString(limits.connectTimeout().toSeconds()));
			pool.addDataSourceProperty("loginTimeout", Long.toString(limits.loginTimeout().toSeconds()));
			pool.addDataSourceProperty("socketTimeout", Long.toString(limits.socketTimeout().toSeconds()));
			pool.addDataSourceProperty("tcpKeepAlive", Boolean.toString(limits.tcpKeepAlive()));
			pool.addDataSourceProperty("options", sessionOptions(limits));
		}
		return bean;
	}

	static String sessionOptions(StorageProperties limits) {
		String options = "-c statement_timeout=" + limits.statementTimeout().toMillis() + " -c lock_timeout="
				+ limits.lockTimeout().toMillis() + " -c idle_in_transaction_session_timeout="
				+ limits.idleInTransactionTimeout().toMillis() + " " + serverKeepalives(limits);
		return limits.idleSessionTimeout().isZero() ? options
				: options + " -c idle_session_timeout=" + limits.idleSessionTimeout().toMillis();
	}

	/** The server's keepalive probes, also on the schema owner's connections, which have no other limit. */
	static String serverKeepalives(StorageProperties limits) {
		return "-c tcp_keepalives_idle=" + limits.serverTcpKeepalivesIdle().toSeconds() + " -c tcp_keepalives_interval="
				+ limits.serverTcpKeepalivesInterval().toSeconds() + " -c tcp_keepalives_count="
				+ limits.serverTcpKeepalivesCount();
	}

}
