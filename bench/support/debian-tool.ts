import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const searchPath = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function locate(binary: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...searchPath];
  return dirs.map((d) => `${d}/${binary}`).find((p) => existsSync(p));
}

/** The first line a program prints of its version (`argv` runs it, e.g. `['nginx', '-v']`). */
export function toolVersion(argv: string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown';
}

/**
 * The path of a program from Debian's packages, installing the package with
 * apt-get when it is missing and we are root. Undefined (with the reason
 * printed) when it cannot be had.
 */
export function debianTool(binary: string, pkg: string, log: (line: string) => void): string | undefined {
  const found = locate(binary);
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0 || locate('apt-get') === undefined) {
    log(`${binary} not found and cannot be installed here (needs root and apt-get): run \`apt-get install -y ${pkg}\``);
    return undefined;
  }
  log(`${binary} not found: installing Debian package ${pkg} ...`);
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
    install();
  }
  const installed = locate(binary);
  if (installed === undefined) log(`could not install ${pkg}: run \`apt-get update && apt-get install -y ${pkg}\``);
  return installed;
}
