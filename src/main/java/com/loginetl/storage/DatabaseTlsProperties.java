package com.loginetl.storage;

import java.nio.file.Path;
import java.util.Locale;

import jakarta.validation.constraints.AssertTrue;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * TLS to PostgreSQL, for every connection the service or its tools open. Unset, the JDBC URL
 * decides (pgjdbc's default, {@code prefer}, never checks the certificate and falls back to
 * plaintext); set, these win over the URL's {@code sslmode} and {@code sslrootcert}.
 *
 * @param sslMode pgjdbc's {@code sslmode}; {@code verify-full} is the production setting
 * @param sslRootCert PEM file of the CA certificates that may sign the server's certificate
 * (for RDS, AWS's {@code global-bundle.pem})
 */
@Validated
@ConfigurationProperties("logins.database")
public record DatabaseTlsProperties(@Nullable SslMode sslMode, @Nullable Path sslRootCert) {

	/** A CA bundle with a mode that never reads it is a mistake waiting to be trusted. */
	@AssertTrue(message = "logins.database.ssl-root-cert is only read with logins.database.ssl-mode verify-ca or "
			+ "verify-full; set one of those")
	public boolean isRootCertRead() {
		return this.sslRootCert == null || this.sslMode == null || this.sslMode.verifiesCertificate();
	}

	/** pgjdbc's {@code sslmode} values. */
	public enum SslMode {

		DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

		/** As pgjdbc and libpq spell it: {@code verify-full}. */
		public String value() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		public boolean verifiesCertificate() {
			return this == VERIFY_CA || this == VERIFY_FULL;
		}

	}

}
