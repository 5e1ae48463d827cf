// A wasmCloud 2.x peer for journeys: a plain nats-server on loopback (`wash host` takes
// no NATS credentials) and a real `wash host` on it, with private dirs.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, waitPort } from "./ports.mjs";

/**
 * Starts nats-server, then `wash host --host-name hostname` on it with its HTTP ingress on a
 * free port; `extraEnv` is added to the host's environment (e.g. OTEL_EXPORTER_OTLP_ENDPOINT).
 * Resolves with `{ natsUrl, natsPort, ingress, stop() }` once the server takes connections.
 */
export async function startWashPeer(hostname, baseEnv, extraEnv = {}) {
  const natsPort = await freePort();
  const natsDir = mkdtempSync(path.join(os.tmpdir(), "trellis-e2e-v2nats-"));
  const nats = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(natsPort), "-js", "-sd", natsDir], {
    stdio: "ignore",
  });
  const natsUrl = `nats://127.0.0.1:${natsPort}`;
  const home = mkdtempSync(path.join(os.tmpdir(), "trellis-e2e-wash-"));
  const ingress = await freePort();
  let wash;
  const stop = () => {
    wash?.kill();
    nats.kill();
    rmSync(home, { recursive: true, force: true });
    rmSync(natsDir, { recursive: true, force: true });
  };
  try {
    await waitPort(natsPort);
    wash = spawn(
      "wash",
      ["host", "--non-interactive", "--allow-insecure-registries", "--scheduler-nats-url", natsUrl,
        "--data-nats-url", natsUrl, "--host-name", hostname, "--http-addr", `127.0.0.1:${ingress}`],
      {
        env: { ...baseEnv, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, XDG_DATA_HOME: home, ...extraEnv },
        stdio: "ignore",
      },
    );
  } catch (err) {
    stop();
    throw err;
  }
  return { natsUrl, natsPort, ingress, stop };
}
