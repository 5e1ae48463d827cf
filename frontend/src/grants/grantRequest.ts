// Reading a refused grant out of a lattice event: a component_scale_failed from the app's
// own host whose error says its policy does not allow a grant.
import type { CloudEvent } from "../api";

/** A start the app's host refused for a grant its user may allow. */
export interface GrantRequest {
  /** The component that asked. */
  componentId: string;
  /** The host's sentence, naming the grant ("grant trellis.dev/dirs=/data is not allowed …"). */
  reason: string;
}

const SCALE_FAILED = "com.wasmcloud.lattice.component_scale_failed";
const POLICY_REFUSAL = "is not allowed by this host's policy";

/** The grant request `event` carries, when it is a refusal by host `localHostId`'s policy. */
export function grantRequestOf(event: CloudEvent, localHostId: string | null): GrantRequest | null {
  if (event.type !== SCALE_FAILED || !localHostId || event.source !== localHostId) return null;
  const data = event.data as Record<string, unknown> | null;
  if (!data || typeof data !== "object") return null;
  const { error, component_id: componentId } = data;
  if (typeof error !== "string" || !error.includes(POLICY_REFUSAL)) return null;
  if (typeof componentId !== "string") return null;
  return { componentId, reason: error };
}
