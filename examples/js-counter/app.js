// HTTP counter for Trellis (jco + componentize-js, fetch-event style).
// Each request increments "hits" (wasi:keyvalue/atomics), reads the optional `greeting`
// config value (wasi:config/store), logs one line (wasi:logging) and answers
// `<greeting> path=<path> hits=<n> (js)`.
import { open } from "wasi:keyvalue/store@0.2.0-draft";
import { increment } from "wasi:keyvalue/atomics@0.2.0-draft";
import { get } from "wasi:config/store@0.2.0-rc.1";
import { log } from "wasi:logging/logging@0.1.0-draft";

function greeting() {
  try {
    return get("greeting") ?? "Hello";
  } catch {
    return "Hello"; // no config available: keep the default
  }
}

addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const path = `${url.pathname}${url.search}`;
  const hits = increment(open(""), "hits", 1n);
  log("info", "js-counter", `request ${path} (hit ${hits})`);
  event.respondWith(
    new Response(`${greeting()} path=${path} hits=${hits} (js)\n`, {
      status: 200,
      headers: { "content-type": "text/plain" },
    }),
  );
});
