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
			.isEqualTo("-c statement_timeout=30000 -c lock_timeout=1500 -c idle_in_transaction_session_timeout=60000"
					+ " -c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"
					+ " -c idle_session_timeout=2100000");
	}

	@Test
	void anIdleSessionTimeoutOfZeroIsNotSentAndOneWithinThePoolsLifetimeIsRefused() {
		StorageProperties off = withIdleSessionTimeout(Duration.ZERO);
		assertThat(ConnectionLimits.sessionOptions(off)).doesNotContain("idle_session_timeout");
		assertThat(this.validator.validate(off)).isEmpty();
		assertThat(messages(withIdleSessionTimeout(Duration.ofMinutes(30)))).containsExactly(
				"logins.database.idle-session-timeout must be 0 (off) or longer than 30 minutes, the pool's longest "
						+ "hold of an idle connection (spring.datasource.hikari.max-lifetime)");
	}

	private static StorageProperties withIdleSessionTimeout(Duration timeout) {
		return new StorageProperties(RETRY, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(45), true,
				Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(30),
				Duration.ofSeconds(10), 3, timeout);
	}

	private Set<String> messages(StorageProperties properties) {
		Set<ConstraintViolation<StorageProperties>> violations = this.validator.validate(properties);
		return violations.stream().map(ConstraintViolation::getMessage).collect(Collectors.toSet());
	}

	private static StorageProperties limits(Duration socket, Duration statement, Duration lock) {
		return new StorageProperties(RETRY, Duration.ofSeconds(5), Duration.ofSeconds(10), socket, true, statement,
				lock, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(10), 3, Duration.ofMinutes(35));
	}

}
