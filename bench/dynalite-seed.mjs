// Creates the status table on a local DynamoDB-compatible server and puts
// fixture items into it (bench only; dynalite checks no signatures, only the
// Authorization header's form).
//
//   node bench/dynalite-seed.mjs [--copies=N] http://127.0.0.1:PORT TABLE KEY_ATTRIBUTE ITEM.json...
//
// --copies=N also puts N copies of each item keyed "<id>-0" .. "<id>-(N-1)",
// for loads that must not hit the Worker's per-key request coalescing.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
let copies = 0;
while (args[0]?.startsWith("--")) {
  const flag = args.shift();
  const match = /^--copies=(\d+)$/.exec(flag);
  if (!match) {
    console.error(`unknown flag ${flag}`);
    process.exit(2);
  }
  copies = Number(match[1]);
}
const [endpoint, table, keyAttribute, ...files] = args;
if (!endpoint || !table || !keyAttribute || files.length === 0) {
  console.error("usage: dynalite-seed.mjs [--copies=N] ENDPOINT TABLE KEY_ATTRIBUTE ITEM.json...");
  process.exit(2);
}
const url = new URL(endpoint);
if (url.hostname !== "127.0.0.1") {
  console.error(`refusing to seed ${endpoint}: only 127.0.0.1 is allowed`);
  process.exit(2);
}

async function call(target, body) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `DynamoDB_20120810.${target}`,
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK/20260101/us-east-1/dynamodb/aws4_request, " +
        "SignedHeaders=host;x-amz-date, Signature=0000",
      "x-amz-date": "20260101T000000Z",
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  return { status: response.status, text };
}

const created = await call("CreateTable", {
  TableName: table,
  AttributeDefinitions: [{ AttributeName: keyAttribute, AttributeType: "S" }],
  KeySchema: [{ AttributeName: keyAttribute, KeyType: "HASH" }],
  BillingMode: "PAY_PER_REQUEST",
});
if (created.status !== 200 && !created.text.includes("ResourceInUseException")) {
  console.error(`CreateTable: HTTP ${created.status} ${created.text}`);
  process.exit(1);
}
// Bounded wait for ACTIVE (dynalite --createTableMs 0 makes it immediate).
for (let i = 0; ; i++) {
  const described = await call("DescribeTable", { TableName: table });
  if (described.status === 200 && JSON.parse(described.text).Table.TableStatus === "ACTIVE") break;
  if (i >= 50) {
    console.error(`table ${table} not ACTIVE after 5 s: ${described.text}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 100));
}
for (const file of files) {
  const item = JSON.parse(readFileSync(file, "utf8"));
  const put = await call("PutItem", { TableName: table, Item: item });
  if (put.status !== 200) {
    console.error(`PutItem ${file}: HTTP ${put.status} ${put.text}`);
    process.exit(1);
  }
  const id = item[keyAttribute]?.S;
  console.log(`put ${keyAttribute}=${id} from ${file}`);
  // BatchWriteItem takes at most 25 puts; dynalite processes them all.
  for (let start = 0; start < copies; start += 25) {
    const requests = [];
    for (let i = start; i < Math.min(copies, start + 25); i++) {
      requests.push({ PutRequest: { Item: { ...item, [keyAttribute]: { S: `${id}-${i}` } } } });
    }
    const batch = await call("BatchWriteItem", { RequestItems: { [table]: requests } });
    const unprocessed = batch.status === 200 ? Object.keys(JSON.parse(batch.text).UnprocessedItems ?? {}) : [];
    if (batch.status !== 200 || unprocessed.length > 0) {
      console.error(`BatchWriteItem: HTTP ${batch.status} ${batch.text.slice(0, 300)}`);
      process.exit(1);
    }
  }
  if (copies > 0) console.log(`put ${copies} copies: ${keyAttribute}=${id}-0 .. ${id}-${copies - 1}`);
}
