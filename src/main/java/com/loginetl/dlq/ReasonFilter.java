package com.loginetl.dlq;

import java.util.List;

/**
 * Which reasons {@code --reason} asks for: exact reasons, or prefixes ending in {@code *}
 * ({@code database_rejected:*}). No pattern matches every reason.
 */
record ReasonFilter(List<String> patterns) {

	boolean matches(String reason) {
		if (this.patterns.isEmpty()) {
			return true;
		}
		for (String pattern : this.patterns) {
			if (pattern.endsWith("*") ? reason.startsWith(pattern.substring(0, pattern.length() - 1))
					: reason.equals(pattern)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return this.patterns.isEmpty() ? "every reason" : String.join(", ", this.patterns);
	}

}
