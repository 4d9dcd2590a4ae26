package com.loginetl.ops;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the health of the database and of SQS is checked: in the background, so that a probe is
 * answered at once from the last result, never by waiting for a timeout. Defaults live in
 * application.yaml.
 *
 * @param checkInterval time between the end of one check and the start of the next
 * @param checkTimeout a check that has not answered within this is reported DOWN
 */
@Validated
@ConfigurationProperties("logins.health")
public record HealthProperties(@NotNull @DurationMin(millis = 100) Duration checkInterval,
		@NotNull @DurationMin(millis = 100) Duration checkTimeout) {

	/** Otherwise a check that hangs would be reported UP until the next one starts. */
	@AssertTrue(message = "logins.health.check-timeout must not be longer than logins.health.check-interval")
	public boolean isTimeoutWithinInterval() {
		return this.checkInterval == null || this.checkTimeout == null
				|| this.checkTimeout.compareTo(this.checkInterval) <= 0;
	}

}
