// Times the page's JavaScript tasks, to tell script from rendering inside a long frame.
// Imported before React: wraps the callbacks React's scheduler (MessagePort), React Flow's
// measuring (ResizeObserver), timers and animation frames run, and counts each one's time
// plus the microtasks it queued (React flushes sync updates in microtasks). Only the bench
// page loads this; the figures it gives are a diagnosis, not one of the goals.

let busy = 0;
let depth = 0;

function timed<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return function (this: unknown, ...args: A): R {
    if (depth > 0) return fn.apply(this, args);
    depth++;
    const t = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      depth--;
      // Microtasks queued by the callback run before this one's successor (second hop).
      queueMicrotask(() => queueMicrotask(() => (busy += performance.now() - t)));
    }
  };
}

const port = Object.getOwnPropertyDescriptor(MessagePort.prototype, "onmessage")!;
Object.defineProperty(MessagePort.prototype, "onmessage", {
  configurable: true,
  get() {
    return port.get!.call(this);
  },
  set(fn: ((e: MessageEvent) => void) | null) {
    port.set!.call(this, fn ? timed(fn) : fn);
  },
});

const NativeRO = window.ResizeObserver;
window.ResizeObserver = class extends NativeRO {
  constructor(cb: ResizeObserverCallback) {
    super(timed(cb));
  }
};

const raf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (cb) => raf(timed(cb));
const st = window.setTimeout.bind(window);
window.setTimeout = ((cb: TimerHandler, ms?: number, ...rest: unknown[]) =>
  typeof cb === "function" ? st(timed(cb as (...a: unknown[]) => void), ms, ...rest) : st(cb, ms, ...rest)) as typeof setTimeout;

// Layout forced from script (reads of geometry) is counted apart too.
let forced = 0;
for (const [proto, name] of [
  [Element.prototype, "getBoundingClientRect"],
  [HTMLElement.prototype, "offsetWidth"],
  [HTMLElement.prototype, "offsetHeight"],
] as const) {
  const d = Object.getOwnPropertyDescriptor(proto, name)!;
  if (d.value) {
    const f = d.value as (this: Element) => unknown;
    Object.defineProperty(proto, name, { ...d, value: function (this: Element) { const t = performance.now(); try { return f.call(this); } finally { forced += performance.now() - t; } } });
  } else if (d.get) {
    const g = d.get;
    Object.defineProperty(proto, name, { ...d, get: function (this: Element) { const t = performance.now(); try { return g.call(this); } finally { forced += performance.now() - t; } } });
  }
}
/** Milliseconds spent in geometry reads (forced style and layout) so far. */
export function forcedMs(): number {
  return forced;
}

/** Milliseconds of script run in timed callbacks so far. */
export function scriptMs(): number {
  return busy;
}
