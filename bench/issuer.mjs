// A stand-in Cognito issuer for the fixtures-cache-auth scenario
// (bench/workerd.capnp): serves the key set scripts/bench.sh generated
// (bench/auth-token.mjs) at /<pool>/.well-known/jwks.json, 404 elsewhere.
// Our Worker fetches it once per isolate (then once an hour), so it is off
// the measured path.
export default {
  fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === `/${env.POOL_ID}/.well-known/jwks.json`) {
      return new Response(env.JWKS, {
        headers: { "content-type": "application/json", "cache-control": "max-age=3600" },
      });
    }
    return new Response("not found", { status: 404 });
  },
};
