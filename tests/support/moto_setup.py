#!/usr/bin/env python3
"""Prepare a running moto_server for the end-to-end tests.

    moto_setup.py URL --table T --key-attr A [--table T2 --key-attr A2 ...]
                  --fixtures DIR [--fixtures DIR2 ...] [--enable-auth]
                  [--replica-region R ...]

For each (table, key attribute) pair: create the table if it is missing and
put every DIR/*.json item into it. Then create an IAM user allowed
`dynamodb:*` with a fresh access key, optionally switch moto's signature
checking on, and print the key as one JSON line:

    {"accessKeyId":"...","secretAccessKey":"..."}

One --fixtures applies to every table; otherwise give one per --table.
Each --replica-region gets the same tables and items too (moto keeps one
store per region): a global table's replicas, for the multi-region tests.
Safe to run again on the same server, even after auth was switched on: the
first step switches checking off (moto's admin API is never authenticated);
the last switches it on (--enable-auth) or back to what it was. Keys printed by earlier runs
stay valid, since every run creates its own user.

Runs with the moto venv's python (botocore/boto3 come with moto).
"""

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
# While auth is off moto accepts any key; these only give the request a valid
# SigV4 shape, from which moto infers the service.
SETUP_CREDS = Credentials("testing", "testing")
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}],
}


def set_auth(url, no_auth_count):
    """moto checks signatures once it has served `no_auth_count` requests
    since this call: "0" = on now, "inf" = off. Returns the previous value."""
    req = urllib.request.Request(
        f"{url}/moto-api/reset-auth",
        data=no_auth_count.encode(),
        headers={"Content-Type": "text/plain"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]


def dynamodb(url, action, payload, region=REGION):
    """One DynamoDB JSON call, sent as raw JSON rather than through boto3 so
    fixture items reach moto byte for byte (boto3 would re-encode `B` values
    and parse `N` values)."""
    body = json.dumps(payload).encode()
    request = AWSRequest(
        method="POST",
        url=f"{url}/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{action}",
        },
    )
    SigV4Auth(SETUP_CREDS, "dynamodb", region).add_auth(request)
    req = urllib.request.Request(
        request.url, data=body, headers=dict(request.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return 200, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def check(status, answer, what):
    if status != 200:
        sys.exit(f"moto_setup: {what} failed: HTTP {status} {answer}")
    return answer


def ensure_table(url, table, key_attr, region=REGION):
    status, answer = dynamodb(url, "DescribeTable", {"TableName": table}, region)
    if status == 200:
        # An existing table keyed differently would make every later GetItem
        # fail with a confusing ValidationException; say so now instead.
        schema = answer["Table"]["KeySchema"]
        if [k["AttributeName"] for k in schema] != [key_attr]:
            sys.exit(f"moto_setup: table {table} exists with key {schema}, wanted {key_attr}")
        return
    if not answer.get("__type", "").endswith("ResourceNotFoundException"):
        check(status, answer, f"DescribeTable {table}")
    check(
        *dynamodb(
            url,
            "CreateTable",
            {
                "TableName": table,
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": key_attr, "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": key_attr, "KeyType": "HASH"}],
            },
            region,
        ),
        f"CreateTable {table}",
    )


def load_items(fixtures_dir):
    files = sorted(Path(fixtures_dir).glob("*.json"))
    if not files:
        # An empty directory almost always means a wrong path; a test run
        # against an empty table would then fail far from the cause.
        sys.exit(f"moto_setup: no *.json fixtures in {fixtures_dir}")
    items = []
    for path in files:
        item = json.loads(path.read_text(encoding="utf-8"))
        if "S" not in item.get("sessionId", {}):
            sys.exit(f"moto_setup: {path} has no sessionId S attribute")
        items.append((path, item))
    return items


def put_items(url, table, key_attr, items, region=REGION):
    for path, item in items:
        # Tables keyed by another attribute (processing_id) hold the same
        # items under that name.
        item = dict(item, **{key_attr: item["sessionId"]})
        answer = dynamodb(url, "PutItem", {"TableName": table, "Item": item}, region)
        check(*answer, f"PutItem {path} ({region})")


def create_access_key(url):
    iam = boto3.client(
        "iam",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=SETUP_CREDS.access_key,
        aws_secret_access_key=SETUP_CREDS.secret_key,
    )
    # A new user per run: a user may hold only two keys, and earlier runs'
    # keys must keep working.
    user = f"worker-test-{uuid.uuid4().hex[:12]}"
    iam.create_user(UserName=user)
    iam.put_user_policy(
        UserName=user, PolicyName="dynamodb-all", PolicyDocument=json.dumps(POLICY)
    )
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return {"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="moto_server base URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--table", action="append", required=True)
    parser.add_argument("--key-attr", action="append", required=True)
    parser.add_argument("--fixtures", action="append", required=True)
    parser.add_argument("--enable-auth", action="store_true")
    parser.add_argument("--replica-region", action="append", default=[])
    args = parser.parse_args()
    url = args.url.rstrip("/")
    if len(args.table) != len(args.key_attr):
        parser.error("give one --key-attr per --table")
    if len(args.fixtures) not in (1, len(args.table)):
        parser.error("give one --fixtures for all tables, or one per --table")
    fixtures = args.fixtures * len(args.table) if len(args.fixtures) == 1 else args.fixtures

    previous = set_auth(url, "inf")
    try:
        for region in [REGION, *args.replica_region]:
            for table, key_attr, fixtures_dir in zip(args.table, args.key_attr, fixtures):
                ensure_table(url, table, key_attr, region)
                put_items(url, table, key_attr, load_items(fixtures_dir), region)
        creds = create_access_key(url)
    finally:
        # Also on failure: a server silently left without signature checks
        # would let auth tests pass for the wrong reason. Without
        # --enable-auth, leave checking as an earlier run left it.
        set_auth(url, "0" if args.enable_auth else previous)
    print(json.dumps(creds, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
