package com.loginetl.ingest;

/** A message that will not become a row, and why. */
record Rejection(ReceivedMessage message, String reason) {
}
