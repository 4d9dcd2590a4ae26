package com.loginetl.ingest;

import com.google.common.base.Utf8;
import com.loginetl.masking.PiiMasker;

/**
 * The fields of a login event and how long each may be. Limits are the widths of the columns the
 * values land in, so a value is rejected rather than truncated; a masked field is limited by the
 * width of its token instead.
 */
enum EventField {

	USER_ID("user_id", 128, false),
	APP_VERSION("app_version", 32, false),
	DEVICE_TYPE("device_type", 32, false),
	IP("ip", PiiMasker.MAX_VALUE_BYTES, true),
	LOCALE("locale", 32, false),
	DEVICE_ID("device_id", PiiMasker.MAX_VALUE_BYTES, true);

	private final String jsonName;

	private final int maxLength;

	/** PostgreSQL's varchar(n) counts characters; a token's width depends on UTF-8 bytes. */
	private final boolean limitInUtf8Bytes;

	EventField(String jsonName, int maxLength, boolean limitInUtf8Bytes) {
		this.jsonName = jsonName;
		this.maxLength = maxLength;
		this.limitInUtf8Bytes = limitInUtf8Bytes;
	}

	String jsonName() {
		return this.jsonName;
	}

	boolean fits(String value) {
		int length = this.limitInUtf8Bytes ? Utf8.encodedLength(value) : value.codePointCount(0, value.length());
		return length <= this.maxLength;
	}

}
