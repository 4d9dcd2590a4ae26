package com.loginetl.storage;

import java.time.LocalDate;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One row of {@code user_logins}: a login event with its personal fields replaced by tokens.
 *
 * @param id database-generated key, null until stored
 * @param sqsMessageId the SQS message the row came from; unique, which makes redelivery harmless
 * @param createDate the UTC date on which SQS received the message
 */
@Table("user_logins")
public record UserLogin(@Id Long id, String sqsMessageId, String userId, String deviceType, String maskedIp,
		String maskedDeviceId, String locale, String appVersion, LocalDate createDate) {
}
