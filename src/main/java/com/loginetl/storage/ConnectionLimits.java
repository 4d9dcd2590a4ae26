package com.loginetl.storage;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Puts {@link StorageProperties}' limits on every connection of the pool, before it opens its
 * first: pgjdbc's timeouts as driver properties, and the session limits as PostgreSQL's
 * {@code options} start-up parameter, so they hold from the first statement without an extra
 * round trip. pgjdbc waits forever by default; with these, no call on a connection waits without
 * a bound.
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
		return "-c statement_timeout=" + limits.statementTimeout().toMillis() + " -c lock_timeout="
				+ limits.lockTimeout().toMillis() + " -c idle_in_transaction_session_timeout="
				+ limits.idleInTransactionTimeout().toMillis();
	}

}
