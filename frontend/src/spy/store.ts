// The spied calls of one session, in one place: the inspector's Spy section starts and stops
// spies and lists the calls, and each graph edge of a spied link draws their traffic (its
// sparkline). One `trellis://spy` listener per session, held only while a spy runs.
//
// Cheap by construction: records only mark what they touch; at most 4 times a second (and
// once a second while a spy runs, so the window slides) the touched links' traffic is
// recomputed and only their subscribers are told, so a record re-renders the edges it
// crossed and nothing else. Memory is bounded: a link keeps the samples of its window (at
// most TRAFFIC_MAX_SAMPLES), a component its last SPY_KEEP calls.
import { useCallback, useEffect, useSyncExternalStore } from "react";
import { onSpyRecord, type SessionSpyRecord, type SpyRecord } from "../api";
import { interfaceKey, type LinkCalls } from "../graph/model";
import { addCall } from "../inspector/spy";
import {
  noTraffic,
  pruneSamples,
  sameTraffic,
  sampleOf,
  traffic,
  TRAFFIC_BUCKET_MS,
  type CallSample,
  type Traffic,
} from "./traffic";

/** A link as spied calls cross it: caller, called component, interface (no version), link name. */
export type SpiedLink = LinkCalls;

/** How often, at most, subscribers hear of new calls (~4 times a second). */
export const SPY_THROTTLE_MS = 250;

type Listen = (session: string, handler: (event: SessionSpyRecord) => void) => Promise<() => void>;
type Notify = () => void;

/** A stable key of a spied link. */
export function spiedLinkKey(link: SpiedLink): string {
  return [link.sourceId, link.targetId, interfaceKey(link.iface), link.linkName].join("\u0000");
}

/** The link `record` crossed. */
export function linkOf(record: SpyRecord): SpiedLink {
  return { sourceId: record.source_id, targetId: record.target_id, iface: interfaceKey(record.interface), linkName: record.link_name };
}

interface Spied {
  /** Spies running on the component (a panel mounted twice starts two). */
  count: number;
  since: number;
}

interface LinkState {
  targetId: string;
  samples: CallSample[];
  /** What subscribers see; recomputed at a flush, kept when it would draw the same. */
  view: Traffic | null;
  listeners: Set<Notify>;
}

/** One session's spies and their calls. */
export class SpyStore {
  private readonly spied = new Map<string, Spied>();
  private readonly links = new Map<string, LinkState>();
  private readonly calls = new Map<string, SpyRecord[]>();
  private readonly callListeners = new Map<string, Set<Notify>>();
  private readonly spiedListeners = new Set<Notify>();
  private spiedView: ReadonlySet<string> = new Set();
  private readonly dirtyLinks = new Set<string>();
  private readonly dirtyCalls = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  private unlisten: Promise<() => void> | null = null;

  constructor(
    private readonly session: string,
    private readonly listen: Listen = onSpyRecord,
  ) {}

  /** A spy on `targetId` begins: its calls are kept from now on (its earlier list is cleared). */
  start(targetId: string): void {
    const known = this.spied.get(targetId);
    if (known) {
      known.count += 1;
      return;
    }
    this.spied.set(targetId, { count: 1, since: Date.now() });
    this.calls.set(targetId, []);
    this.dirtyCalls.add(targetId);
    for (const [key, link] of this.links) if (link.targetId === targetId) this.dirtyLinks.add(key);
    this.spiedChanged();
    if (!this.unlisten) {
      this.unlisten = this.listen(this.session, (e) => this.add(e.record));
      this.unlisten.catch(() => (this.unlisten = null));
    }
    this.scheduleTick();
    this.flush();
  }

  /**
   * A spy on `targetId` ends: its links' traffic is dropped (their sparklines go); its list
   * of calls stays for the panel until the next start or `forget`.
   */
  stop(targetId: string): void {
    const known = this.spied.get(targetId);
    if (!known) return;
    if (--known.count > 0) return;
    this.spied.delete(targetId);
    for (const [key, link] of this.links) {
      if (link.targetId !== targetId) continue;
      link.samples = [];
      if (link.listeners.size === 0) this.links.delete(key);
      else this.dirtyLinks.add(key);
    }
    this.spiedChanged();
    if (this.spied.size === 0) {
      const unlisten = this.unlisten;
      this.unlisten = null;
      void unlisten?.then((f) => f()).catch(() => undefined);
      if (this.tickTimer !== null) clearTimeout(this.tickTimer);
      this.tickTimer = null;
    }
    this.flush();
  }

  /** Forgets the calls listed for `targetId` (its panel is gone). */
  forget(targetId: string): void {
    if (this.spied.has(targetId) || !this.calls.delete(targetId)) return;
    for (const notify of this.callListeners.get(targetId) ?? []) notify();
  }

  /** Takes one spied call; calls into components nobody spies on here are ignored. */
  add(record: SpyRecord): void {
    if (!this.spied.has(record.target_id)) return;
    const now = Date.now();
    this.calls.set(record.target_id, addCall(this.calls.get(record.target_id) ?? [], record, record.target_id));
    this.dirtyCalls.add(record.target_id);
    const key = spiedLinkKey(linkOf(record));
    const link = this.linkState(key, record.target_id);
    link.samples.push(sampleOf(record, now));
    link.samples = pruneSamples(link.samples, now);
    this.dirtyLinks.add(key);
    this.flushTimer ??= setTimeout(() => this.flush(), SPY_THROTTLE_MS);
  }

  /** The components spied on now (a new set each time it changes). */
  spiedTargets(): ReadonlySet<string> {
    return this.spiedView;
  }

  subscribeSpied(notify: Notify): () => void {
    this.spiedListeners.add(notify);
    return () => void this.spiedListeners.delete(notify);
  }

  /** The traffic of `link` while its target is spied on, else `null`; the same object until it changes. */
  linkTraffic(link: SpiedLink): Traffic | null {
    const key = spiedLinkKey(link);
    const known = this.links.get(key);
    if (known) return known.view;
    if (!this.spied.has(link.targetId)) return null;
    return this.linkState(key, link.targetId).view;
  }

  subscribeLink(link: SpiedLink, notify: Notify): () => void {
    const key = spiedLinkKey(link);
    const state = this.linkState(key, link.targetId);
    state.listeners.add(notify);
    return () => {
      state.listeners.delete(notify);
      if (state.listeners.size === 0 && state.samples.length === 0) this.links.delete(key);
    };
  }

  /** The last calls into `targetId`, newest first; the same array until it changes. */
  callsInto(targetId: string): readonly SpyRecord[] {
    return this.calls.get(targetId) ?? NO_CALLS;
  }

  subscribeCalls(targetId: string, notify: Notify): () => void {
    const set = this.callListeners.get(targetId) ?? new Set();
    this.callListeners.set(targetId, set);
    set.add(notify);
    return () => {
      set.delete(notify);
      if (set.size === 0) this.callListeners.delete(targetId);
    };
  }

  private linkState(key: string, targetId: string): LinkState {
    let state = this.links.get(key);
    if (!state) {
      // Computed once here, then only at flushes.
      state = { targetId, samples: [], view: null, listeners: new Set() };
      state.view = this.compute(state);
      this.links.set(key, state);
    }
    return state;
  }

  private compute(state: LinkState): Traffic | null {
    const spied = this.spied.get(state.targetId);
    if (!spied) return null;
    if (state.samples.length === 0) return EMPTY;
    return traffic(state.samples, Date.now(), { since: spied.since });
  }

  private spiedChanged(): void {
    this.spiedView = new Set(this.spied.keys());
    for (const notify of [...this.spiedListeners]) notify();
  }

  /** Recomputes what records touched and tells only those subscribers. */
  private flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const now = Date.now();
    const told: Notify[] = [];
    for (const key of this.dirtyLinks) {
      const state = this.links.get(key);
      if (!state) continue;
      state.samples = pruneSamples(state.samples, now);
      const next = this.compute(state);
      const same = next !== null && state.view !== null && sameTraffic(next, state.view);
      if (same) continue;
      state.view = next;
      told.push(...state.listeners);
      if (state.listeners.size === 0 && state.samples.length === 0) this.links.delete(key);
    }
    this.dirtyLinks.clear();
    for (const target of this.dirtyCalls) told.push(...(this.callListeners.get(target) ?? []));
    this.dirtyCalls.clear();
    for (const notify of told) notify();
  }

  /** Once a second while a spy runs, just after a bucket ends: the window slides. */
  private scheduleTick(): void {
    if (this.tickTimer !== null) return;
    const wait = TRAFFIC_BUCKET_MS - (Date.now() % TRAFFIC_BUCKET_MS) + 5;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      if (this.spied.size === 0) return;
      for (const [key, link] of this.links) if (this.spied.has(link.targetId)) this.dirtyLinks.add(key);
      this.flush();
      this.scheduleTick();
    }, wait);
  }
}

const NO_CALLS: readonly SpyRecord[] = [];
/** The traffic of a spied link nothing has called yet: one shared object. */
const EMPTY: Traffic = noTraffic();

const stores = new Map<string, SpyStore>();

/** The store of `session`'s spies (one per session, for the app's lifetime). */
export function spyStoreFor(session: string): SpyStore {
  let store = stores.get(session);
  if (!store) {
    store = new SpyStore(session);
    stores.set(session, store);
  }
  return store;
}

/** Spies on calls into `targetId` while `on` (and the caller is mounted). */
export function useSpyLease(session: string, targetId: string, on: boolean): void {
  useEffect(() => {
    if (!on) return;
    const store = spyStoreFor(session);
    store.start(targetId);
    return () => store.stop(targetId);
  }, [session, targetId, on]);
}

/** The last calls into `targetId` (newest first), kept current. */
export function useSpyCalls(session: string, targetId: string): readonly SpyRecord[] {
  const store = spyStoreFor(session);
  const subscribe = useCallback((notify: Notify) => store.subscribeCalls(targetId, notify), [store, targetId]);
  return useSyncExternalStore(subscribe, () => store.callsInto(targetId));
}

/** The components spied on in `session` now. */
export function useSpiedTargets(session: string): ReadonlySet<string> {
  const store = spyStoreFor(session);
  const subscribe = useCallback((notify: Notify) => store.subscribeSpied(notify), [store]);
  return useSyncExternalStore(subscribe, () => store.spiedTargets());
}

/** The traffic of `link` while its target is spied on, else `null`. */
export function useLinkTraffic(session: string, link: SpiedLink): Traffic | null {
  const store = spyStoreFor(session);
  const key = spiedLinkKey(link);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `link`'s fields.
  const subscribe = useCallback((notify: Notify) => store.subscribeLink(link, notify), [store, key]);
  return useSyncExternalStore(subscribe, () => store.linkTraffic(link));
}
