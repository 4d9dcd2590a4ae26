package com.loginetl.storage;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoragePropertiesTest {

	private static final StorageProperties.Retry RETRY = new StorageProperties.Retry(Duration.ofSeconds(1),
			Duration.ofSeconds(30));

	private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

	@Test
	void theDefaultsOfApplicationYamlAreValid() {
		assertThat(this.validator.validate(limits(Duration.ofSeconds(45), Duration.ofSeconds(30), Duration.ofSeconds(20))))
			.isEmpty();
	}

	@Test
	void aSocketTimeoutNotAboveTheStatementTimeoutIsRefused() {
		assertThat(messages(limits(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(20))))
			.containsExactly("logins.database.socket-timeout must be longer than logins.database.statement-timeout");
	}

	@Test
	void aLockTimeoutNotBelowTheStatementTimeoutIsRefused() {
		assertThat(messages(limits(Duration.ofSeconds(45), Duration.ofSeconds(30), Duration.ofSeconds(30))))
			.containsExactly("logins.database.lock-timeout must be shorter than logins.database.statement-timeout");
	}

	@Test
	void theSessionLimitsTravelAsPostgresqlOptionsInMilliseconds() {
		assertThat(ConnectionLimits.sessionOptions(limits(Duration.ofSeconds(45), Duration.ofSeconds(30),
				Duration.ofMillis(1500))))
			.isEqualTo("-c statement_timeout=30000 -c lock_timeout=1500 -c idle_in_transaction_session_timeout=60000");
	}

	private Set<String> messages(StorageProperties properties) {
		Set<ConstraintViolation<StorageProperties>> violations = this.validator.validate(properties);
		return violations.stream().map(ConstraintViolation::getMessage).collect(Collectors.toSet());
	}

	private static StorageProperties limits(Duration socket, Duration statement, Duration lock) {
		return new StorageProperties(RETRY, Duration.ofSeconds(5), Duration.ofSeconds(10), socket, true, statement,
				lock, Duration.ofSeconds(60));
	}

}
