"""HTTP counter for Trellis: counts requests in the linked key-value store.

Each request increments the key "hits" (wasi:keyvalue/atomics), reads the optional
`greeting` config value (wasi:config/store), logs one line (wasi:logging) and answers
`<greeting> path=<path> hits=<n>`.
"""

from wit_world import exports
from wit_world.imports import atomics, logging
from wit_world.imports import wasi_config_store as config
from wit_world.imports import wasi_keyvalue_store as kv
from wit_world.imports.types import (
    Fields,
    IncomingRequest,
    OutgoingBody,
    OutgoingResponse,
    ResponseOutparam,
)
from componentize_py_types import Ok


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        path = request.path_with_query() or "/"
        try:
            greeting = config.get("greeting") or "Hello"
        except Exception:  # no config linked: keep the default
            greeting = "Hello"
        bucket = kv.open("")
        hits = atomics.increment(bucket, "hits", 1)
        logging.log(logging.Level.INFO, "py-counter", f"request {path} (hit {hits})")

        response = OutgoingResponse(Fields.from_list([("content-type", b"text/plain")]))
        response.set_status_code(200)
        body = response.body()
        ResponseOutparam.set(response_out, Ok(response))
        with body.write() as stream:
            stream.blocking_write_and_flush(f"{greeting} path={path} hits={hits}\n".encode())
        OutgoingBody.finish(body, None)
