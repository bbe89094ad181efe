import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** Debian's PostgreSQL server binaries (initdb, pg_ctl), newest version first. */
function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (as .ci/run does)");
  return path.join(root, versions[0]!, "bin");
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A throwaway PostgreSQL cluster on loopback (trust auth, its own folder and port), as production
 * runs the indexer against: `url` for DATABASE_URL; `stop()` stops it and removes its folder. The
 * server refuses to run as root, so as root it runs as Debian's `postgres` user.
 */
export async function startPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  const bin = postgresBin();
  const asRoot = process.getuid?.() === 0;
  // as root the server runs as `postgres`, who must reach its folder: the run's private temp folder
  // (mode 700) would not do, so the cluster goes straight under /tmp (removed by stop())
  const dir = mkdtempSync(path.join(asRoot ? "/tmp" : tmpdir(), "motif-pg-"));
  const run = (tool: string, args: string[]) => {
    const cmd = asRoot ? "runuser" : path.join(bin, tool);
    const argv = asRoot ? ["-u", "postgres", "--", path.join(bin, tool), ...args] : args;
    return execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], cwd: dir, env: { ...process.env, TMPDIR: dir } });
  };
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
    chownSync(dir, id("-u"), id("-g"));
    chmodSync(dir, 0o700);
  }
  const data = path.join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "--auth=trust", "-U", "postgres", "--no-sync"]);
  run("pg_ctl", ["-D", data, "-w", "-l", path.join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      try {
        run("pg_ctl", ["-D", data, "-w", "-m", "fast", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
