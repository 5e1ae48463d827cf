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

/** Milliseconds of script run in timed callbacks so far. */
export function scriptMs(): number {
  return busy;
}
