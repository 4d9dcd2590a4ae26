package com.loginetl.masking;

import com.google.common.net.InetAddresses;

/**
 * The event fields that carry personal data. Each field's name is the associated data of its
 * tokens, so an ip token can never be mistaken for (or equal) a device_id token.
 */
public enum PiiField {

	IP("ip") {
		/**
		 * One address, one token: "2001:DB8::1" and "2001:0db8:0:0:0:0:0:1" are the same address.
		 * Guava parses literals only (never DNS) and prints the RFC 5952 form; an IPv4-mapped IPv6
		 * literal becomes its IPv4 address. Anything that is not an IP literal is masked as sent.
		 */
		@Override
		String canonical(String value) {
			try {
				return InetAddresses.isInetAddress(value) ? InetAddresses.toAddrString(InetAddresses.forString(value))
						: value;
			}
			catch (IllegalArgumentException notALiteral) {
				return value;
			}
		}
	},

	DEVICE_ID("device_id");

	private final String fieldName;

	PiiField(String fieldName) {
		this.fieldName = fieldName;
	}

	public String fieldName() {
		return this.fieldName;
	}

	String canonical(String value) {
		return value;
	}

}
