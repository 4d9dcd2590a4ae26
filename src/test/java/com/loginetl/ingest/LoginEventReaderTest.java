package com.loginetl.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class LoginEventReaderTest {

	private final LoginEventReader reader = new LoginEventReader();

	@Test
	void readsATakeHomeEvent() {
		ReadResult result = this.reader.read("""
				{"user_id": "424cdd21-063a-43a7-b91b-7ca1a833afae", "app_version": "2.3.0",
				 "device_type": "android", "ip": "199.172.111.135", "locale": "RU", "device_id": "593-47-5928"}""");

		assertThat(result).isEqualTo(new ReadResult.Valid(new LoginEvent("424cdd21-063a-43a7-b91b-7ca1a833afae",
				"2.3.0", "android", "199.172.111.135", "RU", "593-47-5928")));
	}

	@Test
	void keepsAppVersionExactlyAsSent() {
		assertThat(appVersionOf("2.00")).isEqualTo("2.00");
		assertThat(appVersionOf("0.96")).isEqualTo("0.96");
		assertThat(appVersionOf("2.3.0")).isEqualTo("2.3.0");
	}

	@Test
	void nullAbsentAndUnknownFieldsAreFine() {
		ReadResult result = this.reader.read("{\"user_id\": \"u1\", \"locale\": null, \"extra\": {\"x\": [1, 2]}}");

		assertThat(result).isEqualTo(new ReadResult.Valid(new LoginEvent("u1", null, null, null, null, null)));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			{"foo": "oops_wrong_msg_type", "bar": "123"}        | missing_user_id
			{"user_id": null}                                   | missing_user_id
			{"user_id": "   "}                                  | blank_user_id
			{"user_id": 42}                                     | wrong_type:user_id
			{"user_id": "u", "app_version": 2}                  | wrong_type:app_version
			{"user_id": "u", "ip": ["1.2.3.4"]}                 | wrong_type:ip
			{"user_id": "u", "device_id": {"a": 1}}             | wrong_type:device_id
			{"user_id": "u", "locale": true}                    | wrong_type:locale
			{"user_id": "u", "ip": "1.2.3.4\\u0000"}            | invalid_character:ip
			{"user_id": "u", "device_type": "\\ud800x"}         | invalid_character:device_type
			{"user_id": "u", "device_id": "x\\udc00"}           | invalid_character:device_id
			[{"user_id": "u"}]                                  | not_an_object
			"just a string"                                     | not_an_object
			42                                                  | not_an_object
			{"user_id": "u"                                     | not_json
			{"user_id": "u"} {"user_id": "v"}                   | not_json
			{"user_id": "u", "ip": "1.1.1.1", "ip": "2.2.2.2"}  | not_json
			not json at all                                     | not_json
			""")
	void rejectsWithAReason(String body, String reason) {
		assertThat(this.reader.read(body)).isEqualTo(new ReadResult.Invalid(reason));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "null" })
	void rejectsEmptyishBodies(String body) {
		assertThat(this.reader.read(body)).isInstanceOf(ReadResult.Invalid.class);
	}

	@Test
	void rejectsValuesLongerThanTheirColumnInsteadOfTruncating() {
		assertThat(this.reader.read(event("user_id", "u".repeat(128)))).isInstanceOf(ReadResult.Valid.class);
		assertThat(this.reader.read(event("user_id", "u".repeat(129))))
			.isEqualTo(new ReadResult.Invalid("too_long:user_id"));
		assertThat(this.reader.read(event("device_type", "d".repeat(33))))
			.isEqualTo(new ReadResult.Invalid("too_long:device_type"));
		assertThat(this.reader.read(event("locale", "l".repeat(33))))
			.isEqualTo(new ReadResult.Invalid("too_long:locale"));
		assertThat(this.reader.read(event("app_version", "1".repeat(33))))
			.isEqualTo(new ReadResult.Invalid("too_long:app_version"));
	}

	@Test
	void columnLimitsCountCharactersAsPostgresDoes() {
		// 128 characters of 4 UTF-8 bytes each still fit varchar(128)
		assertThat(this.reader.read(event("user_id", "\uD83D\uDE00".repeat(128)))).isInstanceOf(ReadResult.Valid.class);
	}

	@Test
	void maskedFieldsAreLimitedSoThatTheirTokensFit() {
		assertThat(this.reader.read(event("device_id", "d".repeat(128)))).isInstanceOf(ReadResult.Valid.class);
		assertThat(this.reader.read(event("device_id", "d".repeat(129))))
			.isEqualTo(new ReadResult.Invalid("too_long:device_id"));
		// 40 characters, 160 UTF-8 bytes: too long for a token of at most 256 characters
		assertThat(this.reader.read(event("ip", "\uD83D\uDE00".repeat(40))))
			.isEqualTo(new ReadResult.Invalid("too_long:ip"));
	}

	@Test
	void reasonsNeverCarryTheValue() {
		ReadResult result = this.reader.read("{\"user_id\": \"u\", \"ip\": \"10.0.0.1\u0000secret\"}");

		assertThat(((ReadResult.Invalid) result).reason()).doesNotContain("10.0.0.1").doesNotContain("secret");
	}

	private String appVersionOf(String version) {
		return ((ReadResult.Valid) this.reader.read(event("app_version", version))).event().appVersion();
	}

	private static String event(String field, String value) {
		String userId = field.equals("user_id") ? value : "u1";
		String body = "{\"user_id\": \"" + userId + "\"";
		if (!field.equals("user_id")) {
			body += ", \"" + field + "\": \"" + value + "\"";
		}
		return body + "}";
	}

}
