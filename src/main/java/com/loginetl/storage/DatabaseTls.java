package com.loginetl.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import com.loginetl.storage.DatabaseTlsProperties.SslMode;

/**
 * The one place that puts {@link DatabaseTlsProperties} on a connection: the pool's, the schema
 * owner's, the start-up checks' and the tools'. The settings travel as pgjdbc driver properties;
 * since pgjdbc lets a URL parameter win over a driver property, the URL's own {@code sslmode} and
 * {@code sslrootcert} are removed when a setting replaces them.
 */
public final class DatabaseTls {

	static final String SSL_MODE = "sslmode";

	static final String SSL_ROOT_CERT = "sslrootcert";

	private final DatabaseTlsProperties properties;

	public DatabaseTls(DatabaseTlsProperties properties) {
		this.properties = properties;
	}

	public Optional<SslMode> mode() {
		return Optional.ofNullable(this.properties.sslMode());
	}

	public Optional<Path> rootCert() {
		return Optional.ofNullable(this.properties.sslRootCert());
	}

	/** {@code url} without the parameters these settings replace. */
	public String jdbcUrl(String url) {
		int query = url.indexOf('?');
		if (query < 0 || (mode().isEmpty() && rootCert().isEmpty())) {
			return url;
		}
		List<String> kept = new ArrayList<>();
		for (String parameter : url.substring(query + 1).split("&")) {
			String name = parameter.split("=", 2)[0];
			boolean replaced = (name.equals(SSL_MODE) && mode().isPresent())
					|| (name.equals(SSL_ROOT_CERT) && rootCert().isPresent());
			if (!replaced && !parameter.isEmpty()) {
				kept.add(parameter);
			}
		}
		return url.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
	}

	/** Adds the settings to pgjdbc's driver properties. */
	public void applyTo(Properties driverProperties) {
		mode().ifPresent((mode) -> driverProperties.setProperty(SSL_MODE, mode.value()));
		rootCert().ifPresent((file) -> driverProperties.setProperty(SSL_ROOT_CERT, file.toString()));
	}

	/**
	 * The mode a connection to {@code url} uses, and what decided it, for reports: this setting,
	 * the URL's parameter, or pgjdbc's default.
	 */
	public String describeMode(String url) {
		if (mode().isPresent()) {
			return "'" + mode().get().value() + "', set by logins.database.ssl-mode (LOGINS_DATABASE_SSL_MODE)";
		}
		int query = (url != null) ? url.indexOf('?') : -1;
		if (query >= 0) {
			for (String parameter : url.substring(query + 1).split("&")) {
				String[] pair = parameter.split("=", 2);
				if (pair[0].equals(SSL_MODE) && pair.length == 2) {
					return "'" + pair[1] + "', set by sslmode in spring.datasource.url (SPRING_DATASOURCE_URL)";
				}
			}
		}
		return "'prefer', pgjdbc's default, since logins.database.ssl-mode (LOGINS_DATABASE_SSL_MODE) is not set";
	}

}
