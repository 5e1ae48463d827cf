// Fetches `inspect_component` for every component in the model (for its pins and the
// inspector), again whenever its image or its links change.
import { useEffect, useRef, useState } from "react";
import { inspectComponent, type ApiError, type ComponentInspection, type ModelSnapshot } from "../api";
import { inspectionKeys } from "./inspectionKeys";

/** Inspections by component id, and failures by component id. */
export interface InspectionsView {
  inspections: ReadonlyMap<string, ComponentInspection>;
  errors: ReadonlyMap<string, ApiError>;
}

export function useInspections(snapshot: ModelSnapshot): InspectionsView {
  const [inspections, setInspections] = useState<ReadonlyMap<string, ComponentInspection>>(new Map());
  const [errors, setErrors] = useState<ReadonlyMap<string, ApiError>>(new Map());
  // The key each component was last fetched for.
  const fetched = useRef(new Map<string, string>());

  useEffect(() => {
    const wanted = inspectionKeys(snapshot);
    for (const [id, key] of wanted) {
      if (fetched.current.get(id) === key) continue;
      fetched.current.set(id, key);
      inspectComponent(id)
        .then((found) => {
          if (fetched.current.get(id) !== key) return; // a newer request is on its way
          setInspections((m) => new Map(m).set(id, found));
          setErrors((m) => {
            const next = new Map(m);
            next.delete(id);
            return next;
          });
        })
        .catch((err: ApiError) => {
          if (fetched.current.get(id) !== key) return;
          fetched.current.delete(id); // try again on the next change
          setErrors((m) => new Map(m).set(id, err));
        });
    }
    for (const id of [...fetched.current.keys()]) {
      if (!wanted.has(id)) fetched.current.delete(id);
    }
  }, [snapshot]);

  return { inspections, errors };
}
