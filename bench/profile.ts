/**
 * Reads the .cpuprofile node --cpu-prof wrote and says where the server's time went: by package or
 * project file (self time), the hottest functions (self time), and selected functions with
 * everything they call (inclusive time).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: an npm package, a part of Node, a project file, or V8 itself. */
function areaOf(url: string, root: string): string {
  if (url === '') return 'V8 / native';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm ${pkg[1]}`;
  if (url.startsWith('node:')) return `node ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  if (url.startsWith('file://')) return relative(root, decodeURIComponent(url.slice(7)));
  return url;
}

/** Functions worth seeing with all they call: the request's path through the server. */
const INCLUSIVE = [
  'urlencodedParser',
  'parse',
  'validateRequest',
  'getExpectedTwilioSignature',
  'incoming',
  'step',
  'verifyCaller',
  'matchingStep',
  'verifySync',
  'open',
  'advance',
  'start',
  'get',
  'render',
  'twimlDocument',
  'send',
  'info',
  'onDuty',
];

export function summariseProfile(dir: string, root: string): string {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return `no .cpuprofile in ${dir}: did the server exit cleanly?`;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + (self.get(n.id) ?? 0), 0);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = total - idle;
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;

  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, root);
    add(areas, area, us);
    add(functions, `${functionName || '(anonymous)'}  ${area}${url ? `:${lineNumber + 1}` : ''}`, us);
  }

  // Inclusive time: a node's own samples plus its subtree's, counted once per function name on each stack.
  const inclusive = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    let us = self.get(id) ?? 0;
    const name = node.callFrame.functionName;
    const counted = INCLUSIVE.includes(name) && !onStack.has(name);
    if (counted) onStack.add(name);
    for (const child of node.children ?? []) us += walk(child, onStack);
    if (counted) {
      onStack.delete(name);
      add(inclusive, `${name}  ${areaOf(node.callFrame.url, root)}`, us);
    }
    return us;
  };
  walk(profile.nodes[0]!.id, new Set());

  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`)
      .join('\n');

  return [
    `CPU profile ${file}: ${(busy / 1000).toFixed(0)} ms busy of ${(total / 1000).toFixed(0)} ms`,
    '',
    'Self time by area:',
    top(areas, 25),
    '',
    'Hottest functions (self time):',
    top(functions, 30),
    '',
    'Selected functions with everything they call (inclusive time):',
    top(inclusive, 25),
  ].join('\n');
}

if (process.argv[1]?.endsWith('profile.ts') && process.argv[2]) {
  console.log(summariseProfile(process.argv[2], process.cwd()));
}
