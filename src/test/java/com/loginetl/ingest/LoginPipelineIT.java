package com.loginetl.ingest;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.loginetl.masking.DeadLetterSeal;
import com.loginetl.masking.PiiMasker;
import com.loginetl.support.DeadLetterBodies;
import com.loginetl.support.LoginEtlIntegrationTest;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole path: real SQS in, real PostgreSQL out, rejected messages in the real dead-letter queue. */
@LoginEtlIntegrationTest
class LoginPipelineIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	TestQueues queues;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	PiiMasker masker;

	@Autowired
	DeadLetterSeal seal;

	@Test
	void theTakeHomeSampleBecomes99RowsAndOneDeadLetter() {
		List<String> bodies = SampleEvents.takeHome();
		LocalDate sentFrom = LocalDate.now(ZoneOffset.UTC);
		List<String> ids = this.queues.sendAll(bodies);
		LocalDate sentUntil = LocalDate.now(ZoneOffset.UTC);

		Map<String, Map<String, Object>> rows = awaitRows(ids, 99);
		List<Message> deadLetters = this.queues.takeDeadLetters(1);

		int bad = bodies.indexOf("{\"foo\": \"oops_wrong_msg_type\", \"bar\": \"123\"}");
		assertThat(rows).doesNotContainKey(ids.get(bad));
		assertThat(deadLetters).singleElement().satisfies((dead) -> {
			assertThat(DeadLetterBodies.open(this.seal, dead)).isEqualTo(bodies.get(bad));
			assertThat(dead.messageAttributes().get("reason").stringValue()).isEqualTo("missing_user_id");
			assertThat(dead.messageAttributes().get("source_message_id").stringValue()).isEqualTo(ids.get(bad));
		});
		for (int i = 0; i < bodies.size(); i++) {
			if (i != bad) {
				assertRowHolds(rows.get(ids.get(i)), JSON.readTree(bodies.get(i)), sentFrom, sentUntil);
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queues.sourceDepth() == 0);
	}

	@Test
	void equalIpsGiveEqualTokensAndDifferentIpsDifferentOnes() {
		String user = "tokens-" + System.nanoTime();
		List<String> ids = this.queues.sendAll(List.of(
				SampleEvents.event(user, "1", "ios", "10.20.30.40", null, "111-11-1111"),
				SampleEvents.event(user, "1", "ios", "10.20.30.40", null, "222-22-2222"),
				SampleEvents.event(user, "1", "ios", "10.20.30.41", null, "111-11-1111"),
				SampleEvents.event(user, "1", "ios", "2001:DB8::1", null, null),
				SampleEvents.event(user, "1", "ios", "2001:db8:0:0:0:0:0:1", null, null),
				SampleEvents.event(user, "1", "ios", "not-an-address", null, null)));

		Map<String, Map<String, Object>> rows = awaitRows(ids, 6);
		Function<Integer, Object> ip = (i) -> rows.get(ids.get(i)).get("masked_ip");
		Function<Integer, Object> device = (i) -> rows.get(ids.get(i)).get("masked_device_id");

		assertThat(ip.apply(0)).isEqualTo(ip.apply(1)).isNotEqualTo(ip.apply(2));
		assertThat(device.apply(0)).isEqualTo(device.apply(2)).isNotEqualTo(device.apply(1));
		assertThat(ip.apply(3)).isEqualTo(ip.apply(4));
		assertThat(device.apply(3)).isNull();
		// One network token for 10.20.30.0/24, another for 2001:db8::/48, none for what is no address.
		Function<Integer, Object> network = (i) -> rows.get(ids.get(i)).get("masked_ip_network");
		assertThat(network.apply(0)).isEqualTo(network.apply(2)).isNotEqualTo(network.apply(3)).isNotNull();
		assertThat(this.masker.unmask((String) network.apply(3)).orElseThrow().value()).isEqualTo("2001:db8::/48");
		assertThat(network.apply(5)).isNull();
	}

	@Test
	void everyInvalidMessageReachesTheDeadLetterQueueSealedWithItsReason() {
		Map<String, String> reasonsByBody = new LinkedHashMap<>();
		reasonsByBody.put("{\"foo\": \"oops_wrong_msg_type\", \"bar\": \"123\"}", "missing_user_id");
		reasonsByBody.put("{\"user_id\": \"u\", \"ip\": \"10.9.8.7\"", "not_json");
		reasonsByBody.put("[1, 2, 3]", "not_an_object");
		reasonsByBody.put("{\"user_id\": 7}", "wrong_type:user_id");
		reasonsByBody.put("{\"user_id\": \"u\", \"app_version\": 2.3}", "wrong_type:app_version");
		reasonsByBody.put("{\"user_id\": \"u\", \"device_type\": \"" + "x".repeat(33) + "\"}", "too_long:device_type");
		reasonsByBody.put("{\"user_id\": \"u\", \"ip\": \"10.9.8.7\\u0000\"}", "invalid_character:ip");
		reasonsByBody.put("{\"user_id\": \"   \"}", "blank_user_id");
		Map<String, String> bodiesById = new HashMap<>();
		reasonsByBody.keySet().forEach((body) -> bodiesById.put(this.queues.send(body), body));

		List<Message> deadLetters = this.queues.takeDeadLetters(reasonsByBody.size());

		assertThat(deadLetters).hasSize(reasonsByBody.size()).allSatisfy((dead) -> {
			String sourceId = dead.messageAttributes().get("source_message_id").stringValue();
			String body = DeadLetterBodies.open(this.seal, dead);
			assertThat(body).isEqualTo(bodiesById.get(sourceId));
			assertThat(dead.messageAttributes().get("reason").stringValue()).isEqualTo(reasonsByBody.get(body));
		});
		assertThat(this.jdbc.sql("SELECT count(*) FROM user_logins WHERE sqs_message_id IN (:ids)")
			.param("ids", bodiesById.keySet())
			.query(Long.class)
			.single()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.queues.sourceDepth() == 0);
	}

	/**
	 * SentTimestamp is set by SQS while the test sends, so its UTC date lies between the dates
	 * before and after sending (two dates only around midnight); LoginBatchProcessorIT pins the
	 * date of set timestamps exactly.
	 */
	private void assertRowHolds(Map<String, Object> row, JsonNode event, LocalDate sentFrom, LocalDate sentUntil) {
		assertThat(row.get("user_id")).isEqualTo(event.get("user_id").stringValue());
		assertThat(row.get("app_version")).isEqualTo(event.get("app_version").stringValue());
		assertThat(row.get("device_type")).isEqualTo(event.get("device_type").stringValue());
		assertThat(row.get("locale")).isEqualTo(event.get("locale").isNull() ? null : event.get("locale").stringValue());
		assertThat(((java.sql.Date) row.get("create_date")).toLocalDate()).isBetween(sentFrom, sentUntil);
		String ip = event.get("ip").stringValue();
		String deviceId = event.get("device_id").stringValue();
		assertThat(this.masker.unmask((String) row.get("masked_ip")).orElseThrow().value()).isEqualTo(ip);
		assertThat(this.masker.unmask((String) row.get("masked_device_id")).orElseThrow().value()).isEqualTo(deviceId);
		assertThat(row.values()).noneSatisfy((column) -> assertThat(String.valueOf(column)).contains(ip));
		assertThat(row.values()).noneSatisfy((column) -> assertThat(String.valueOf(column)).contains(deviceId));
	}

	private Map<String, Map<String, Object>> awaitRows(List<String> ids, int expected) {
		Set<String> wanted = new HashSet<>(ids);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.jdbc.sql("SELECT count(*) FROM user_logins WHERE sqs_message_id IN (:ids)")
				.param("ids", wanted)
				.query(Long.class)
				.single() >= expected);
		List<Map<String, Object>> rows = this.jdbc.sql("SELECT * FROM user_logins WHERE sqs_message_id IN (:ids)")
			.param("ids", wanted)
			.query()
			.listOfRows();
		assertThat(rows).hasSize(expected);
		return rows.stream().collect(Collectors.toMap((row) -> (String) row.get("sqs_message_id"), (row) -> row));
	}

}
