package com.loginetl.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scenario's database reached through a {@link TcpProxy}, so that a test can cut the service's
 * connections or make them go silent. The test's own connections ({@link Scenario#database()},
 * the {@link Workload}'s checks) still go straight to the database.
 */
public final class ProxiedDatabase implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("^(jdbc:postgresql://[^:/]+:)(\\d+)(/.*)$");

	private final TcpProxy proxy;

	private ProxiedDatabase(TcpProxy proxy) {
		this.proxy = proxy;
	}

	/** Starts a proxy to the scenario's database and points the scenario's service at it. */
	public static ProxiedDatabase in(Scenario scenario) {
		JdbcTarget database = scenario.database();
		Matcher url = PORT.matcher(database.url());
		if (!url.matches()) {
			throw new IllegalStateException("JDBC URL without a port: " + database.url());
		}
		TcpProxy proxy = TcpProxy.to(Integer.parseInt(url.group(2)));
		JdbcTarget throughProxy = new JdbcTarget(url.group(1) + proxy.port() + url.group(3), database.username(),
				database.password());
		scenario.environment().putAll(ServiceProcess.environmentOf(throughProxy.springProperties()));
		return new ProxiedDatabase(proxy);
	}

	public TcpProxy proxy() {
		return this.proxy;
	}

	@Override
	public void close() {
		this.proxy.close();
	}

}
