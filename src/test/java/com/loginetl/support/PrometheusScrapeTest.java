package com.loginetl.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** A meter that is not in the scrape fails the reading test; it never reads as 0. */
class PrometheusScrapeTest {

	private static final String SCRAPE = """
			# HELP logins_received_total Messages taken off the queue
			# TYPE logins_received_total counter
			logins_received_total{application="login-etl"} 12.0
			logins_rejected_total{application="login-etl",reason="not_json"} 2.0
			logins_rejected_total{application="login-etl",reason="wrong_type:user_id"} 3.0
			logins_lag_seconds_bucket{application="login-etl",le="0.25"} 4.0
			logins_lag_seconds_bucket{application="login-etl",le="+Inf"} 5.0
			""";

	@Test
	void readsSeriesBySumAndByLabel() {
		PrometheusScrape scrape = PrometheusScrape.parse(SCRAPE);

		assertThat(scrape.value("logins_received_total")).isEqualTo(12);
		assertThat(scrape.value("logins_rejected_total")).isEqualTo(5);
		assertThat(scrape.value("logins_rejected_total", "reason", "wrong_type:user_id")).isEqualTo(3);
		assertThat(scrape.value("logins_lag_seconds_bucket", "le", "+Inf")).isEqualTo(5);
		assertThat(scrape.byLabel("logins_lag_seconds_bucket", "le")).containsExactly(entry("0.25", 4.0),
				entry("+Inf", 5.0));
		assertThat(scrape.byLabel("logins_written_total", "le")).isEmpty();
	}

	@Test
	void aMissingMeterOrSeriesFailsUnlessZeroIsAskedFor() {
		PrometheusScrape scrape = PrometheusScrape.parse(SCRAPE);

		assertThatThrownBy(() -> scrape.value("logins_written_total")).isInstanceOf(AssertionError.class)
			.hasMessageContaining("No series logins_written_total");
		assertThatThrownBy(() -> scrape.value("logins_rejected_total", "reason", "too_long:ip"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("reason=\"too_long:ip\"");
		assertThat(scrape.valueOrZero("logins_written_total")).isZero();
		assertThat(scrape.valueOrZero("logins_rejected_total", "reason", "too_long:ip")).isZero();
	}

	@Test
	void anErrorPageIsNotAScrape() {
		assertThatThrownBy(() -> PrometheusScrape.parse("<html><body>Whitelabel Error Page</body></html>"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("Not a Prometheus scrape");
	}

}
