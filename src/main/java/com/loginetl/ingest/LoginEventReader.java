package com.loginetl.ingest;

import java.util.EnumMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a message body into a {@link LoginEvent}, or says why it is not one.
 * <p>
 * The body must be one JSON object with a non-blank string {@code user_id}; the other known fields
 * are strings, null or absent; unknown fields are ignored. Values that would not fit their column,
 * and characters PostgreSQL cannot store (NUL) or UTF-8 cannot encode (lone surrogates), are
 * rejected here so that they never reach the database. Stateless and thread-safe.
 */
public class LoginEventReader {

	private final JsonMapper json = JsonMapper.builder()
		// Two "ip" fields in one object would leave it to chance which one is stored.
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	public ReadResult read(String body) {
		JsonNode root;
		try {
			root = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return new ReadResult.Invalid(Reasons.NOT_JSON);
		}
		if (root == null || !root.isObject()) {
			return new ReadResult.Invalid(Reasons.NOT_AN_OBJECT);
		}
		Map<EventField, String> values = new EnumMap<>(EventField.class);
		for (EventField field : EventField.values()) {
			JsonNode node = root.get(field.jsonName());
			if (node == null || node.isNull()) {
				continue;
			}
			if (!node.isString()) {
				return new ReadResult.Invalid(Reasons.wrongType(field.jsonName()));
			}
			String value = node.stringValue();
			if (!storable(value)) {
				return new ReadResult.Invalid(Reasons.invalidCharacter(field.jsonName()));
			}
			if (!field.fits(value)) {
				return new ReadResult.Invalid(Reasons.tooLong(field.jsonName()));
			}
			values.put(field, value);
		}
		String userId = values.get(EventField.USER_ID);
		if (userId == null) {
			return new ReadResult.Invalid(Reasons.MISSING_USER_ID);
		}
		if (userId.isBlank()) {
			return new ReadResult.Invalid(Reasons.BLANK_USER_ID);
		}
		return new ReadResult.Valid(new LoginEvent(userId, values.get(EventField.APP_VERSION),
				values.get(EventField.DEVICE_TYPE), values.get(EventField.IP), values.get(EventField.LOCALE),
				values.get(EventField.DEVICE_ID)));
	}

	/** PostgreSQL text cannot hold NUL; a lone surrogate has no UTF-8 form and would be mangled. */
	private static boolean storable(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\u0000') {
				return false;
			}
			if (Character.isHighSurrogate(c) && i + 1 < value.length()
					&& Character.isLowSurrogate(value.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return false;
			}
		}
		return true;
	}

}
