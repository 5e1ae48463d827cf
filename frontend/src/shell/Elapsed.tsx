// Seconds since something started, ticking while it runs: long work shows that it is
// still going where the user started it.
import { useEffect, useState } from "react";

export function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <span className="mono">{Math.max(0, Math.floor((now - since) / 1000))} s</span>;
}
