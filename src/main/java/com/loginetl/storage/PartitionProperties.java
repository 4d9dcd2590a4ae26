package com.loginetl.storage;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How long logins are kept, and how the month partitions of {@code user_logins} are kept ahead.
 * Defaults live in application.yaml.
 *
 * @param retention months of logins to keep before the current month ({@code LOGINS_RETENTION});
 * month partitions that ended before then are dropped whole. Null (the default) keeps everything.
 * @param partitions the service's own partition maintenance
 */
@Validated
@ConfigurationProperties("logins")
public record PartitionProperties(@Min(1) Integer retention, @NotNull @Valid Partitions partitions) {

	/**
	 * @param maintenance whether the service creates and drops partitions itself; off when
	 * pg_partman (or an operator) does it. Gauges are measured either way.
	 * @param monthsAhead how many months after the current one have their partition ready
	 * @param interval how often maintenance runs (it also runs at start-up)
	 * @param lockTimeout the longest a maintenance step waits for a table lock before giving up
	 * and trying again later, so that inserts never queue behind it for longer
	 */
	public record Partitions(boolean maintenance, @Min(1) @Max(24) int monthsAhead,
			@NotNull @DurationMin(seconds = 1) Duration interval,
			@NotNull @DurationMin(millis = 10) @DurationMax(seconds = 60) Duration lockTimeout) {
	}

}
