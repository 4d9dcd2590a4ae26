package com.loginetl.startup;

import com.loginetl.ingest.IngestProperties;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.storage.DatabaseTlsProperties;
import com.loginetl.storage.StorageProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every {@code logins.*} setting of the configuration table (docs/configuration.md), given an invalid value, is
 * reported by its documented property and environment variable, with the value and the reason.
 * The settings bind as in the service: application.yaml's defaults, then the one mistake.
 */
class LoginsPropertyFailureAnalyzerTest {

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
			logins.queue                            | " "   | must not be blank
			logins.dead-letter-queue                | ""    | must not be blank
			logins.sqs-timeout                      | 5 s   | not a valid Duration
			logins.listener.max-messages-per-poll   | 0     | must be greater than or equal to 1
			logins.listener.max-messages-per-poll   | 101   | must be less than or equal to 100
			logins.sqs-client                       | netty | not a valid SqsClientType
			logins.listener.max-messages-per-poll   | ten   | not a valid int
			logins.listener.max-concurrent-messages | 0     | must be greater than or equal to 1
			logins.listener.poll-timeout            | 0s    | must be longer than or equal to 1 second
			logins.listener.poll-timeout            | 21s   | must be shorter than or equal to 20 seconds
			logins.listener.shutdown-timeout        | later | not a valid Duration
			logins.listener.visibility-timeout      | 2s    | must be longer than or equal to 3 seconds
			logins.listener.visibility-timeout      | 13h   | must be shorter than or equal to 12 hours
			logins.database.retry.initial-interval  | 1 s   | not a valid Duration
			logins.database.retry.max-interval      | -     | not a valid Duration
			logins.database.ssl-mode                | verify | not a valid SslMode
			logins.database.server-tcp-keepalives-idle | 0s | must be longer than or equal to 1 second
			logins.database.server-tcp-keepalives-count | 0 | must be greater than or equal to 1
			logins.database.server-tcp-keepalives-interval | often | not a valid Duration
			logins.database.idle-session-timeout    | soon  | not a valid Duration
			logins.masking.allow-development-keyset | maybe | not a valid boolean
			logins.masking.kms-timeout              | 10 s  | not a valid Duration
			""")
	void anInvalidValueIsReportedByItsDocumentedNames(String property, String value, String reason) {
		FailureAnalysis analysis = analyse(property, value);

		String variable = property.toUpperCase().replace('.', '_').replace('-', '_');
		assertThat(analysis).as("analysis").isNotNull();
		assertThat(analysis.getDescription()).contains(property + " (" + variable + ") is '" + value + "'")
			.contains(reason)
			.doesNotContainPattern("logins\\.[\\w.-]*[A-Z]");
		assertThat(analysis.getAction()).contains("The configuration table (docs/configuration.md)");
	}

	@Test
	void otherSettingsAreLeftToSpringBootsOwnReports() {
		Throwable failure = bindFailure("other.count", "ten");

		assertThat(failure).as("a failure to bind other.count").isNotNull();
		assertThat(new LoginsPropertyFailureAnalyzer().analyze(failure)).isNull();
	}

	private static FailureAnalysis analyse(String property, String value) {
		Throwable failure = bindFailure(property, value);
		assertThat(failure).as("a failure to bind %s=%s", property, value).isNotNull();
		return new LoginsPropertyFailureAnalyzer().analyze(failure);
	}

	// Only the settings' records, bound and validated as in the service, with no web server, database
	// or queue; a failure is analysed here rather than reported on the console.
	private static Throwable bindFailure(String property, String value) {
		return catchThrowable(() -> new SpringApplicationBuilder(SettingsOnly.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.main.register-shutdown-hook=false", "logging.level.root=off")
			.run("--" + property + "=" + value)
			.close());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ IngestProperties.class, StorageProperties.class, DatabaseTlsProperties.class,
			MaskingProperties.class, OtherProperties.class })
	static class SettingsOnly {

	}

	@ConfigurationProperties("other")
	record OtherProperties(int count) {
	}

}
