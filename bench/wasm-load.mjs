// Cold-start baseline (bench/cold-wasm-load.capnp): a JS Worker whose only
// work is to import our index_bg.wasm, which workerd compiles when it loads
// the Worker. Launch → first answer, against bench/cold-floor.capnp, is what
// the module's compilation costs; the rest of our cold start is
// instantiating it, the JS glue and the first request.
import wasm from "./index_bg.wasm";

const BODY = JSON.stringify({ exports: WebAssembly.Module.exports(wasm).length });

export default {
  fetch() {
    return new Response(BODY, { headers: { "content-type": "application/json" } });
  },
};
