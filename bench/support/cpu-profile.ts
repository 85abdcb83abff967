import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (node --cpu-prof) that we read. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  /** Share of busy (non-idle) time, in %. */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  /** Self time by owner: lingua, each npm package, node core, gc, (program). */
  byOwner: ProfileLine[];
  /** Functions with the most self time. */
  topSelf: ProfileLine[];
  /** Lingua's own functions by inclusive time (each sample counted once per function). */
  linguaInclusive: ProfileLine[];
}

/** Who a frame belongs to, from its script URL. */
function owner(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes('/dist/src/')) return 'lingua';
  return 'other';
}

function where(url: string, line: number): string {
  const short = url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/');
  return short === '' ? '' : `${short}:${line + 1}`;
}

function top(map: Map<string, { name: string; where: string; ms: number }>, busyMs: number, count: number): ProfileLine[] {
  return [...map.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((e) => ({ name: e.name, where: e.where, percent: Math.round((e.ms / busyMs) * 1000) / 10 }));
}

/** Bottom-up summary of a CPU profile: where the busy time went. */
export function summariseCpuProfile(file: string, count = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, { name: string; where: string; ms: number }>();
  const owners = new Map<string, { name: string; where: string; ms: number }>();
  const inclusive = new Map<string, { name: string; where: string; ms: number }>();
  const add = (map: typeof self, key: string, name: string, at: string, ms: number) => {
    const e = map.get(key) ?? { name, where: at, ms: 0 };
    e.ms += ms;
    map.set(key, e);
  };
  let busyMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') { idleMs += ms; return; }
    busyMs += ms;
    const name = functionName || '(anonymous)';
    add(self, `${name}@${url}:${lineNumber}`, name, where(url, lineNumber), ms);
    const o = owner(url, functionName);
    add(owners, o, o, '', ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (owner(f.url, f.functionName) !== 'lingua') continue;
      const key = `${f.functionName}@${f.url}:${f.lineNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, f.functionName || '(anonymous)', where(f.url, f.lineNumber), ms);
    }
  });
  return {
    busyMs: Math.round(busyMs),
    idleMs: Math.round(idleMs),
    byOwner: top(owners, busyMs, count),
    topSelf: top(self, busyMs, count),
    linguaInclusive: top(inclusive, busyMs, count),
  };
}
