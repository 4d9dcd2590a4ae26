package com.loginetl.masking;

import java.net.InetAddress;
import java.net.UnknownHostException;

import com.google.common.net.InetAddresses;

/**
 * The personal values that become tokens. Each field's name is the associated data of its
 * tokens, so an ip token can never be mistaken for (or equal) a device_id or network token.
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
			InetAddress address = literal(value);
			return (address != null) ? InetAddresses.toAddrString(address) : value;
		}
	},

	DEVICE_ID("device_id"),

	/**
	 * The network of an {@code ip} value: its IPv4 /24 or IPv6 /48 as canonical CIDR text
	 * ({@code 192.0.2.0/24}, {@code 2001:db8:1::/48}), so logins can be grouped by network without
	 * revealing it. A value that is not an IP literal has no network.
	 */
	IP_NETWORK("ip_network") {
		@Override
		String canonical(String ip) {
			InetAddress address = literal(ip);
			if (address == null) {
				return null;
			}
			int prefixLength = (address.getAddress().length == 4) ? IPV4_NETWORK_BITS : IPV6_NETWORK_BITS;
			return InetAddresses.toAddrString(network(address, prefixLength)) + "/" + prefixLength;
		}
	};

	static final int IPV4_NETWORK_BITS = 24;

	static final int IPV6_NETWORK_BITS = 48;

	private final String fieldName;

	PiiField(String fieldName) {
		this.fieldName = fieldName;
	}

	public String fieldName() {
		return this.fieldName;
	}

	/** The form of {@code value} that is masked; null when the field has no value for it. */
	String canonical(String value) {
		return value;
	}

	private static InetAddress literal(String value) {
		try {
			return InetAddresses.isInetAddress(value) ? InetAddresses.forString(value) : null;
		}
		catch (IllegalArgumentException notALiteral) {
			return null;
		}
	}

	private static InetAddress network(InetAddress address, int prefixLength) {
		byte[] bytes = address.getAddress();
		for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
			bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
		}
		try {
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException cannotHappen) {
			throw new IllegalStateException("An address of " + bytes.length + " bytes", cannotHappen);
		}
	}

}
