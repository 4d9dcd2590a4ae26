"""Moves every message of one SQS queue to another, bodies unchanged, then exits.

docker-compose.yml runs it once to bring the take-home's 100 events from its LocalStack, which
only speaks SQS's original query protocol, to the SQS server login-etl reads from. It speaks that
query protocol itself (standard library only, SigV4-signed with the local servers' dummy keys),
which both servers understand. A message is deleted from the source only after the target
accepted it, so a failure leaves it where it was.

Settings (environment): SOURCE_QUEUE_URL, TARGET_QUEUE_URL, AWS_REGION (us-east-1),
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (test / test), RELAY_IDLE_SECONDS (10: stop when the
source stayed empty this long), RELAY_WAIT_SECONDS (180: give up when the source queue has not
appeared by then). Exit status 0 after moving everything, 1 on any failure.
"""

import datetime
import hashlib
import hmac
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

API_VERSION = "2012-11-05"
BATCH = 10


def log(message):
    print("sqs-relay: " + message, flush=True)


def sign(url, body, region, access_key, secret_key):
    """The headers of a SigV4-signed POST of a form body to SQS."""
    parsed = urllib.parse.urlsplit(url)
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = now.strftime("%Y%m%d")
    content_type = "application/x-www-form-urlencoded; charset=utf-8"
    canonical_headers = "content-type:{}\nhost:{}\nx-amz-date:{}\n".format(content_type, parsed.netloc, amz_date)
    signed_headers = "content-type;host;x-amz-date"
    canonical_request = "\n".join([
        "POST", parsed.path or "/", "", canonical_headers, signed_headers,
        hashlib.sha256(body).hexdigest()])
    scope = "{}/{}/sqs/aws4_request".format(day, region)
    to_sign = "\n".join([
        "AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (day, region, "sqs", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Amz-Date": amz_date,
        "Authorization": "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}".format(
            access_key, scope, signed_headers, signature),
    }


class Queue:

    def __init__(self, url, region, access_key, secret_key):
        self.url = url
        self.region = region
        self.access_key = access_key
        self.secret_key = secret_key

    def call(self, action, params, timeout=30):
        """Calls one query-protocol action and returns the response's root element."""
        form = {"Action": action, "Version": API_VERSION, "QueueUrl": self.url}
        form.update(params)
        body = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers=sign(self.url, body, self.region, self.access_key, self.secret_key))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return strip_namespaces(ElementTree.fromstring(response.read()))
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:500]
            raise RuntimeError("{} on {} failed: HTTP {}: {}".format(action, self.url, error.code, detail)) from None

    def receive(self, wait_seconds):
        root = self.call("ReceiveMessage", {"MaxNumberOfMessages": str(BATCH), "WaitTimeSeconds": str(wait_seconds)},
                         timeout=wait_seconds + 30)
        return [(m.findtext("ReceiptHandle"), m.findtext("Body") or "") for m in root.iter("Message")]

    def send_batch(self, bodies):
        params = {}
        for index, body in enumerate(bodies, start=1):
            params["SendMessageBatchRequestEntry.{}.Id".format(index)] = str(index)
            params["SendMessageBatchRequestEntry.{}.MessageBody".format(index)] = body
        accepted = accepted_ids(self.call("SendMessageBatch", params))
        if accepted != {str(index) for index in range(1, len(bodies) + 1)}:
            raise RuntimeError("SendMessageBatch on {} accepted only entries {}".format(self.url, sorted(accepted)))

    def delete_batch(self, receipt_handles):
        params = {}
        for index, handle in enumerate(receipt_handles, start=1):
            params["DeleteMessageBatchRequestEntry.{}.Id".format(index)] = str(index)
            params["DeleteMessageBatchRequestEntry.{}.ReceiptHandle".format(index)] = handle
        return accepted_ids(self.call("DeleteMessageBatch", params))


def strip_namespaces(root):
    for element in root.iter():
        if "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def accepted_ids(root):
    """The entry ids a batch call accepted; raises if it refused any."""
    failed = [(e.findtext("Id"), e.findtext("Code"), e.findtext("Message")) for e in root.iter("BatchResultErrorEntry")]
    if failed:
        raise RuntimeError("entries refused: {}".format(failed))
    return {e.findtext("Id") for e in root.iter() if e.tag.endswith("ResultEntry") and e.findtext("Id")}


def wait_for(queue, deadline):
    """Waits until the queue answers (the take-home's image creates it some seconds after start)."""
    while True:
        try:
            queue.call("GetQueueAttributes", {"AttributeName.1": "QueueArn"}, timeout=5)
            return
        except (OSError, RuntimeError) as error:
            if time.monotonic() > deadline:
                raise RuntimeError("{} did not answer in time: {}".format(queue.url, error)) from None
            time.sleep(2)


def main():
    region = os.environ.get("AWS_REGION", "us-east-1")
    access_key = os.environ.get("AWS_ACCESS_KEY_ID", "test")
    secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY", "test")
    source = Queue(os.environ["SOURCE_QUEUE_URL"], region, access_key, secret_key)
    target = Queue(os.environ["TARGET_QUEUE_URL"], region, access_key, secret_key)
    idle_seconds = float(os.environ.get("RELAY_IDLE_SECONDS", "10"))
    deadline = time.monotonic() + float(os.environ.get("RELAY_WAIT_SECONDS", "180"))

    log("waiting for {} and {}".format(source.url, target.url))
    wait_for(target, deadline)
    wait_for(source, deadline)
    moved = 0
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < idle_seconds:
        messages = source.receive(wait_seconds=min(2, max(1, int(idle_seconds))))
        if not messages:
            continue
        target.send_batch([body for _, body in messages])
        source.delete_batch([handle for handle, _ in messages])
        moved += len(messages)
        idle_since = time.monotonic()
    log("moved {} messages from {} to {}".format(moved, source.url, target.url))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - any failure ends the one-shot with a message
        log("failed: {}".format(error))
        sys.exit(1)
