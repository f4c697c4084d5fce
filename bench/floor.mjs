// The floor: the cheapest possible JSON answer on the same workerd, to
// compare our Worker's hit path against. A fixed ~800-byte document (the
// shape of fixtures/expected/session-processing.json), built once.
const BODY = '{"sessionId":"session-processing","agents":{"pdfAdapter":{"status":"success","activity":"Text extraction complete (Tokens: 14,169)","startedAt":"2025-12-24T10:00:00.000Z","completedAt":"2025-12-24T10:00:05.123Z","duration":5,"error":null,"subSteps":[]},"tradeExtraction":{"status":"in-progress","activity":"Extracting trade fields","startedAt":"2025-12-24T10:00:05.200Z","completedAt":null,"duration":null,"error":null,"subSteps":[]},"tradeMatching":{"status":"pending","activity":"Waiting for extraction","startedAt":null,"completedAt":null,"duration":null,"error":null,"subSteps":[]},"exceptionManagement":{"status":"pending","activity":"","startedAt":null,"completedAt":null,"duration":null,"error":null,"subSteps":[]}},"overallStatus":"processing","lastUpdated":"2025-12-24T10:00:21.004Z"}';
const HEADERS = { "content-type": "application/json", "cache-control": "max-age=2" };

export default {
  fetch() {
    return new Response(BODY, { headers: HEADERS });
  },
};
