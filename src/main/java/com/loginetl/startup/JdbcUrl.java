package com.loginetl.startup;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server and database a {@code jdbc:postgresql://} URL names, for reports; pgjdbc's defaults
 * fill what the URL leaves out.
 *
 * @param server host and port, e.g. {@code db:5432} (several, comma-separated, for a multi-host URL)
 * @param database the database name
 */
record JdbcUrl(String server, String database) {

	private static final Pattern URL = Pattern.compile("^jdbc:postgresql://([^/?]*)(?:/([^?]*))?.*$");

	private static final String DEFAULT_PORT = "5432";

	/** The host names without their ports, e.g. {@code db}. */
	String hosts() {
		return this.server.replaceAll(":\\d+(,|$)", "$1");
	}

	static JdbcUrl parse(String url, String username) {
		Matcher matcher = (url != null) ? URL.matcher(url) : null;
		if (matcher == null || !matcher.matches()) {
			return new JdbcUrl(String.valueOf(url), "?");
		}
		String hosts = matcher.group(1).isEmpty() ? "localhost" : matcher.group(1);
		StringBuilder server = new StringBuilder();
		for (String host : hosts.split(",")) {
			server.append(server.isEmpty() ? "" : ",").append(host);
			if (!host.matches(".*:\\d+$")) {
				server.append(':').append(DEFAULT_PORT);
			}
		}
		String database = matcher.group(2);
		// pgjdbc connects to the database named like the user when the URL names none
		return new JdbcUrl(server.toString(), (database == null || database.isEmpty()) ? String.valueOf(username) : database);
	}

}
