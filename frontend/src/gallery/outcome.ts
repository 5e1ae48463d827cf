// What a gallery card says once its example is deployed.
import type { ExampleDeployment } from "../api";

/** "deployed v0.1.0 in 1.3 s — answers on http://127.0.0.1:8090/" */
export function deployedText(outcome: ExampleDeployment): string {
  const seconds = (outcome.elapsed_ms / 1000).toFixed(1);
  const head = `deployed ${outcome.version} in ${seconds} s`;
  return outcome.url ? `${head} — answers on ${outcome.url}` : head;
}
