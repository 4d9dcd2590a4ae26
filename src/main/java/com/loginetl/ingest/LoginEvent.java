package com.loginetl.ingest;

/**
 * One login event as the producer sent it, after validation: {@code userId} is non-blank, every
 * other field may be null, and every value fits its column.
 */
public record LoginEvent(String userId, String appVersion, String deviceType, String ip, String locale,
		String deviceId) {
}
