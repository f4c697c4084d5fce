-- wrk script: signed-looking DynamoDB GetItem requests straight at the local
-- dynalite (which checks the Authorization header's form only), to show the
-- store's own capacity next to the Worker's. Arguments: TABLE KEY_ATTRIBUTE ID.
-- Reports through wrk-report.lua's `response`/`done`, loaded from the same
-- directory.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk-report.lua")
local base_init = init

function init(args)
  base_init({}) -- no id cycling; wrk formats the request below once, after init
  local body = string.format('{"TableName":"%s","Key":{"%s":{"S":"%s"}}}', args[1], args[2], args[3])
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["content-type"] = "application/x-amz-json-1.0"
  wrk.headers["x-amz-target"] = "DynamoDB_20120810.GetItem"
  wrk.headers["x-amz-date"] = "20260101T000000Z"
  wrk.headers["authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000"
end
