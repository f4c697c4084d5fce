// Bench-time Cognito stand-in for scripts/bench.sh's fixtures-cache-auth
// scenario: writes the JWKS the issuer Worker (bench/issuer.mjs) serves and
// prints an RS256 ID token the Worker accepts, plus a tampered copy it must
// refuse.
//
//   node bench/auth-token.mjs KEY.pem JWKS_OUT ISSUER CLIENT_ID
//
// KEY.pem: a test-only private key (fixtures/auth/test-key-a.pem). The JWKS
// holds its public half under kid "bench-kid". Output, one per line: the
// token, then the same token with one signature character changed.
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const [keyPath, jwksOut, issuer, clientId] = process.argv.slice(2);
if (!keyPath || !jwksOut || !issuer || !clientId) {
  console.error("usage: node bench/auth-token.mjs KEY.pem JWKS_OUT ISSUER CLIENT_ID");
  process.exit(2);
}
const kid = "bench-kid";
const privateKey = createPrivateKey(readFileSync(keyPath));
const jwk = createPublicKey(privateKey).export({ format: "jwk" });
writeFileSync(jwksOut, JSON.stringify({ keys: [{ ...jwk, kid, alg: "RS256", use: "sig" }] }));

const b64url = (value) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const now = Math.floor(Date.now() / 1000);
const header = { alg: "RS256", kid, typ: "JWT" };
const claims = {
  sub: "bench-user",
  "cognito:username": "bench",
  token_use: "id",
  aud: clientId,
  iss: issuer,
  exp: now + 3600,
  iat: now,
};
const signingInput = `${b64url(header)}.${b64url(claims)}`;
const signature = sign("RSA-SHA256", Buffer.from(signingInput), privateKey).toString("base64url");
const token = `${signingInput}.${signature}`;
// Change a character in the middle of the signature (the last one may only
// carry padding bits).
const at = Math.floor(signature.length / 2);
const swapped = signature[at] === "A" ? "B" : "A";
const tampered = `${signingInput}.${signature.slice(0, at)}${swapped}${signature.slice(at + 1)}`;
process.stdout.write(`${token}\n${tampered}\n`);
