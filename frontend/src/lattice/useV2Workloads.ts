// The workloads Trellis started on the session's wasmCloud 2.x hosts, for the graph: their
// status read again every few seconds while any 2.x host is there, and each one described
// once (components, WIT, bound host interfaces, links: they do not change for a workload id).
import { useEffect, useMemo, useRef, useState } from "react";
import { describeV2Workload, listV2Workloads, type WorkloadDescription, type WorkloadView } from "../api";
import type { V2Workload } from "../graph/v2";

/** How often the remembered workloads' status is read again. */
const STATUS_EVERY_MS = 3000;

export function useV2Workloads(hostIds: readonly string[]): V2Workload[] {
  const [views, setViews] = useState<WorkloadView[]>([]);
  const [described, setDescribed] = useState<ReadonlyMap<string, WorkloadDescription>>(new Map());
  const [failed, setFailed] = useState<ReadonlyMap<string, string>>(new Map());
  const asked = useRef(new Set<string>());
  const active = hostIds.length > 0;

  useEffect(() => {
    if (!active) return;
    let alive = true;
    const read = () =>
      listV2Workloads()
        // Unchanged status keeps the same array, so the graph is not rebuilt for nothing.
        .then((all) => alive && setViews((seen) => (JSON.stringify(seen) === JSON.stringify(all) ? seen : all)))
        .catch(() => undefined);
    void read();
    const timer = window.setInterval(read, STATUS_EVERY_MS);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, [active]);

  useEffect(() => {
    const here = new Set(hostIds);
    for (const v of views) {
      const id = v.record.workload_id;
      if (!here.has(v.record.host_id) || asked.current.has(id)) continue;
      asked.current.add(id);
      describeV2Workload(id)
        .then((d) => {
          setDescribed((m) => new Map(m).set(id, d));
          setFailed((m) => {
            const next = new Map(m);
            next.delete(id);
            return next;
          });
        })
        .catch((err: { message?: string }) => {
          asked.current.delete(id); // try again with the next status
          setFailed((m) => new Map(m).set(id, err.message ?? String(err)));
        });
    }
  }, [views, hostIds]);

  return useMemo(
    () =>
      views.map((view) => ({
        view,
        description: described.get(view.record.workload_id) ?? null,
        error: failed.get(view.record.workload_id) ?? null,
      })),
    [views, described, failed],
  );
}
