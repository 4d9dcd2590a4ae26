package com.loginetl.storage;

import java.nio.file.Path;
import java.util.Properties;

import com.loginetl.storage.DatabaseTlsProperties.SslMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseTlsTest {

	private static final String URL = "jdbc:postgresql://db:5432/logins?sslmode=disable&ApplicationName=x&sslrootcert=/a.pem";

	@Test
	void settingsReplaceTheUrlsOwnParametersAndTravelAsDriverProperties() {
		DatabaseTls tls = new DatabaseTls(new DatabaseTlsProperties(SslMode.VERIFY_FULL, Path.of("/etc/ca.pem")));
		Properties properties = new Properties();
		tls.applyTo(properties);

		assertThat(tls.jdbcUrl(URL)).isEqualTo("jdbc:postgresql://db:5432/logins?ApplicationName=x");
		assertThat(properties).containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", "/etc/ca.pem");
		assertThat(tls.describeMode(URL)).isEqualTo("'verify-full', set by logins.database.ssl-mode (LOGINS_DATABASE_SSL_MODE)");
	}

	@Test
	void unsetTheUrlDecides() {
		DatabaseTls tls = new DatabaseTls(new DatabaseTlsProperties(null, null));
		Properties properties = new Properties();
		tls.applyTo(properties);

		assertThat(tls.jdbcUrl(URL)).isEqualTo(URL);
		assertThat(properties).isEmpty();
		assertThat(tls.describeMode(URL)).isEqualTo("'disable', set by sslmode in spring.datasource.url (SPRING_DATASOURCE_URL)");
		assertThat(tls.describeMode("jdbc:postgresql://db/logins")).startsWith("'prefer', pgjdbc's default");
	}

	@Test
	void onlyTheModeSetLeavesTheUrlsRootCert() {
		DatabaseTls tls = new DatabaseTls(new DatabaseTlsProperties(SslMode.REQUIRE, null));

		assertThat(tls.jdbcUrl("jdbc:postgresql://db/logins?sslmode=disable")).isEqualTo("jdbc:postgresql://db/logins");
		assertThat(tls.jdbcUrl(URL)).isEqualTo("jdbc:postgresql://db:5432/logins?ApplicationName=x&sslrootcert=/a.pem");
	}

	@Test
	void aRootCertWithAModeThatNeverReadsItIsInvalid() {
		assertThat(new DatabaseTlsProperties(SslMode.REQUIRE, Path.of("/ca.pem")).isRootCertRead()).isFalse();
		assertThat(new DatabaseTlsProperties(SslMode.VERIFY_CA, Path.of("/ca.pem")).isRootCertRead()).isTrue();
		assertThat(new DatabaseTlsProperties(null, Path.of("/ca.pem")).isRootCertRead()).isTrue();
	}

}
