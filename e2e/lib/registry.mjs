// A real OCI registry for the end-to-end suite: Debian's docker-registry on a free
// loopback port with a temporary store (scripts/install.sh installs the package).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, waitPort } from "./ports.mjs";

/** Starts a registry; resolves to `{ address, stop() }` once it listens. */
export async function startRegistry() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-e2e-registry-"));
  const port = await freePort();
  const config = [
    "version: 0.1",
    "log:",
    "  level: error",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${path.join(dir, "store")}`,
    "http:",
    `  addr: 127.0.0.1:${port}`,
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "config.yml"), config);
  const child = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], { stdio: "ignore" });
  const failed = new Promise((_, reject) =>
    child.once("error", (err) => reject(new Error(`cannot start docker-registry: ${err.message}`))),
  );
  await Promise.race([waitPort(port), failed]);
  return {
    address: `127.0.0.1:${port}`,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
