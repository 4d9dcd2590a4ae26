package com.loginetl.storage;

import java.time.LocalDate;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One row of {@code user_logins}: a login event with its personal fields replaced by tokens.
 *
 * @param id database-generated key, null until stored; unique across partitions (one identity sequence)
 * @param sqsMessageId the SQS message the row came from; with {@code createDate} the idempotency
 * key, which makes redelivery harmless
 * @param maskedIpNetwork token of the ip's network (IPv4 /24, IPv6 /48); null when ip is no IP literal
 * @param createDate the UTC date on which SQS received the message ({@code SentTimestamp}, which a
 * redelivery keeps), and the partition key
 */
@Table("user_logins")
public record UserLogin(@Id Long id, String sqsMessageId, String userId, String deviceType, String maskedIp,
		String maskedDeviceId, String maskedIpNetwork, String locale, String appVersion, LocalDate createDate) {
}
