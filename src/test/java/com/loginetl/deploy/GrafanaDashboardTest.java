package com.loginetl.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.ops.IngestPauseMeter;
import com.loginetl.ops.LoginMetrics;
import com.loginetl.ops.QueueDepth;
import com.loginetl.ops.QueueDepthMeters;
import com.loginetl.storage.DatabaseAvailability;
import com.loginetl.storage.PartitionMaintenance;
import com.loginetl.storage.PartitionProperties;
import com.loginetl.storage.StorageProperties;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard (helm/login-etl/dashboards/login-etl.json) queries series the service
 * really exports, under the names Prometheus gives them, and the chart ships it as the
 * ConfigMap Grafana's sidecar picks up.
 */
class GrafanaDashboardTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern SERVICE_SERIES = Pattern.compile("\\b(logins_[a-z_]+)\\{([^}]*)}");

	private final JsonNode dashboard = JSON
		.readTree(DeployFiles.read(DeployFiles.chart().resolve("dashboards/login-etl.json")));

	@Test
	void everyServiceSeriesTheDashboardQueriesIsExported() {
		Set<String> exported = exportedSeries();
		Set<String> queried = new LinkedHashSet<>();
		for (String expr : expressions()) {
			Matcher series = SERVICE_SERIES.matcher(expr);
			while (series.find()) {
				queried.add(series.group(1));
				// Scoped to the service's common tag, which every meter carries.
				assertThat(series.group(2)).as(expr).contains("application=\"login-etl\"");
			}
		}
		assertThat(exported).containsAll(queried);
		// And every meter of the service has a panel: received, written, rejected, duplicates,
		// the failure counters (store, dead letter, locked rows, batches given up), batch time, lag,
		// the queue depths, the ingest pause and the partitions' gauges and maintenance counters.
		assertThat(queried).containsExactlyInAnyOrder("logins_received_total", "logins_written_total",
				"logins_rejected_total", "logins_duplicates_total", "logins_store_failures_total",
				"logins_dead_letter_failures_total", "logins_blocked_total", "logins_batches_given_up_total",
				"logins_batch_seconds_bucket", "logins_lag_seconds_bucket", "logins_queue_messages",
				"logins_ingest_paused_seconds", "logins_partitions_ahead", "logins_partitions_default_rows",
				"logins_partitions_added_total", "logins_partitions_dropped_total", "logins_partitions_moved_rows_total",
				"logins_partitions_dropped_rows_total", "logins_partitions_failures_total");
	}

	@Test
	void percentilesComeFromTheHistogramBuckets() {
		List<String> quantiles = expressions().stream().filter((expr) -> expr.contains("histogram_quantile")).toList();
		assertThat(quantiles).hasSize(6).allSatisfy((expr) -> assertThat(expr)
			.matches("histogram_quantile\\(0\\.(5|95|99), sum by \\(le\\) \\(rate\\(logins_(batch|lag)_seconds_bucket\\{.*\\}\\[\\$__rate_interval\\]\\)\\)\\)"));
	}

	@Test
	void showsThroughputRejectionsDuplicatesLatencyAndQueueDepth() {
		List<String> titles = new ArrayList<>();
		this.dashboard.get("panels").forEach((panel) -> titles.add(panel.get("title").asString()));
		assertThat(titles).containsExactly("Throughput: received vs written", "Rejections by reason", "Duplicates",
				"Failures", "Batch time (receipt to commit)", "Lag (sent to committed)", "Queue depth",
				"Ingest paused", "Partitions", "Partition maintenance");
		assertThat(expressions()).anyMatch((expr) -> expr.startsWith("sum by (reason) (rate(logins_rejected_total"));
		assertThat(expressions()).anyMatch((expr) -> expr.contains("aws_sqs_approximate_number_of_messages_visible"));
		assertThat(expressions()).anyMatch((expr) -> expr.contains("keda_scaler_metrics_value"));
	}

	@Test
	void queueDepthComesFromTheServiceFirstAndFromKedaOrCloudWatchOtherwise() {
		JsonNode panel = this.dashboard.get("panels").get(6);
		assertThat(panel.get("title").asString()).isEqualTo("Queue depth");
		List<String> queries = new ArrayList<>();
		panel.get("targets").forEach((target) -> queries.add(target.get("expr").asString()));
		// Every replica reads the same queues: the highest reading, never a sum over replicas.
		assertThat(queries.get(0)).isEqualTo("max by (queue, state) (logins_queue_messages{application=\"login-etl\", "
				+ "namespace=~\"$namespace\"})");
		assertThat(queries.get(1)).contains("keda_scaler_metrics_value");
		assertThat(queries.get(2)).contains("aws_sqs_approximate_number_of_messages_visible");
	}

	@Test
	void theChartShipsItAsAGrafanaSidecarConfigMap() {
		List<Map<String, Object>> release = ChartRenderer.render(DeployFiles.resource("deploy/values-everything-on.yaml"));
		io.fabric8.kubernetes.api.model.ConfigMap configMap = release.stream()
			.filter((object) -> "ConfigMap".equals(object.get("kind")))
			.map((object) -> StrictKubernetesModel.read(object, io.fabric8.kubernetes.api.model.ConfigMap.class))
			.filter((map) -> map.getMetadata().getName().endsWith("-dashboard"))
			.findFirst()
			.orElseThrow();
		assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
		assertThat(configMap.getMetadata().getAnnotations()).containsEntry("grafana_folder", "ETL");
		assertThat(JSON.readTree(configMap.getData().get("login-etl.json"))).isEqualTo(this.dashboard);

		assertThat(ChartRenderer.render()).noneMatch((object) -> String.valueOf(object.get("metadata"))
			.contains("-dashboard"));
	}

	private List<String> expressions() {
		List<String> expressions = new ArrayList<>();
		this.dashboard.get("panels")
			.forEach((panel) -> panel.get("targets").forEach((target) -> expressions.add(target.get("expr").asString())));
		return expressions;
	}

	/** The series names the service's meters get in /actuator/prometheus, after one of each event. */
	private static Set<String> exportedSeries() {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		LoginMetrics metrics = new LoginMetrics(registry);
		metrics.received(1);
		metrics.written(1);
		metrics.duplicates(1);
		metrics.rejected("not_json");
		metrics.deadLetterFailed();
		metrics.storeFailed();
		metrics.blocked(1);
		metrics.batchGivenUp();
		metrics.batch(Duration.ofMillis(20));
		metrics.lag(Duration.ofSeconds(1));
		QueueDepthMeters depths = new QueueDepthMeters(registry);
		depths.record(QueueDepthMeters.SOURCE, new QueueDepth(3, 2, 1));
		depths.record(QueueDepthMeters.DEAD_LETTER, new QueueDepth(1, 0, 0));
		// Never asked for a connection: the gauge reads the availability the service already holds.
		new IngestPauseMeter(new DatabaseAvailability(
				JdbcClient.create(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/unused")),
				new StorageProperties(new StorageProperties.Retry(Duration.ofSeconds(1), Duration.ofSeconds(30)),
						Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(45), true, Duration.ofSeconds(30),
						Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(10), 3,
						Duration.ofMinutes(35))))
			.bindTo(registry);
		// Its meters are registered when it is made; it touches the database only when started.
		new PartitionMaintenance(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/unused"),
				new PartitionProperties(null, new PartitionProperties.Partitions(true, 3, Duration.ofHours(1),
						Duration.ofSeconds(2))),
				registry);
		Set<String> names = new LinkedHashSet<>();
		registry.scrape().lines().filter((line) -> line.startsWith("logins_")).forEach((line) -> names
			.add(line.substring(0, line.indexOf(line.contains("{") ? '{' : ' '))));
		return names;
	}

}
