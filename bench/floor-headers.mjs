// The floor with our hit's headers: the same constant document as
// bench/floor.mjs, answered with the nine headers our Worker's memory-tier
// hit carries (values of the same shape and length). It prices what the
// contract's headers cost the runtime (building the Response, writing the
// HTTP answer) apart from anything our Worker does.
import { BODY } from "./floor-body.mjs";

const HEADERS = {
  "content-type": "application/json",
  etag: '"5d36a08a2cd17e8c8433c6a9"',
  "cache-control": "max-age=30",
  age: "3",
  "x-cache": "HIT",
  "cache-status": "workflow-status; hit; ttl=27; detail=memory",
  "server-timing": "cache;desc=memory",
  vary: "Origin",
  "x-correlation-id": "0f8fad5b-d9cb-469f-a165-70867728950e",
};

export default {
  fetch() {
    return new Response(BODY, { headers: HEADERS });
  },
};
