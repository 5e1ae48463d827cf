// One NATS request over the plain text protocol, for journeys that must poke a subject
// a workload listens on (the e2e suite has no NATS client package).
import net from "node:net";

/** Sends `payload` to `subject` on 127.0.0.1:`port` and resolves with the reply's text. */
export function natsRequest(port, subject, payload, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const inbox = `_INBOX.e2e${Date.now()}`;
    const socket = net.connect(port, "127.0.0.1");
    let buffer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply on ${subject} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      if (buffer.startsWith("INFO") && !buffer.includes("\r\n", 0)) return;
      if (!socket.sentRequest && buffer.includes("\r\n")) {
        socket.sentRequest = true;
        socket.write(`CONNECT {"verbose":false,"pedantic":false}\r\nSUB ${inbox} 1\r\n`);
        socket.write(`PUB ${subject} ${inbox} ${Buffer.byteLength(payload)}\r\n${payload}\r\n`);
      }
      const at = buffer.indexOf(`MSG ${inbox} 1 `);
      if (at < 0) return;
      const header = buffer.slice(at, buffer.indexOf("\r\n", at));
      const size = Number(header.split(" ").pop());
      const bodyStart = at + header.length + 2;
      if (buffer.length < bodyStart + size) return;
      clearTimeout(timer);
      socket.end();
      resolve(buffer.slice(bodyStart, bodyStart + size));
    });
  });
}
