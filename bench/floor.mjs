// The floor: the cheapest possible JSON answer on the same workerd, to
// compare our Worker's hit path against. A fixed ~800-byte document (the
// shape of fixtures/expected/session-processing.json), built once.
import { BODY } from "./floor-body.mjs";

const HEADERS = { "content-type": "application/json", "cache-control": "max-age=2" };

export default {
  fetch() {
    return new Response(BODY, { headers: HEADERS });
  },
};
