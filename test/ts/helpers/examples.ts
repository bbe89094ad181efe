/**
 * The JSDoc `@example`s of the SDK (and the generator), extracted as they are written and run: each
 * is a module that imports "@motif/sdk", viem and viem/accounts, and names the local stack's URLs
 * (`http://127.0.0.1:8545`, the gateway `http://127.0.0.1:8081`). See test/ts/examples.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

export type Example = {
  /** `sdk/src/actions/licensing/isLicensed.ts:42` — where the `@example` tag is. */
  where: string;
  /** The code as written (the comment's ` * ` prefixes removed). */
  code: string;
};

/** Every `@example` in the `.ts` files under `roots` (relative to `cwd`), in path order. */
export async function extractExamples(cwd: string, roots: string[]): Promise<Example[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(p);
    }
  };
  for (const root of roots) await walk(path.join(cwd, root));
  const examples: Example[] = [];
  for (const file of files) examples.push(...examplesIn(path.relative(cwd, file), await readFile(file, "utf8")));
  return examples;
}

/** The `@example`s of one source text: the lines after the tag up to the next tag or the comment's end. */
export function examplesIn(name: string, source: string): Example[] {
  const examples: Example[] = [];
  for (const m of source.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = source.slice(0, m.index).split("\n").length;
    const lines = m[0].split("\n").map((l) => l.replace(/^\s*\/?\*\*?\/?/, "").replace(/\*\/\s*$/, ""));
    let current: { line: number; body: string[] } | undefined;
    const flush = () => {
      if (current === undefined) return;
      const body = current.body.map((l) => (l.startsWith(" ") ? l.slice(1) : l));
      while (body.length > 0 && body[body.length - 1]!.trim() === "") body.pop();
      // a fenced example: the code between the fences
      const code = body.filter((l) => !/^\s*```/.test(l)).join("\n");
      examples.push({ where: `${name}:${current.line}`, code });
      current = undefined;
    };
    lines.forEach((line, i) => {
      const tag = /^\s*@(\w+)(.*)$/.exec(line);
      if (tag !== null) {
        flush();
        if (tag[1] === "example") current = { line: startLine + i, body: tag[2]!.trim() === "" ? [] : [tag[2]!] };
      } else if (current !== undefined) {
        current.body.push(line);
      }
    });
    flush();
  }
  return examples;
}

/** The module specifiers an example may import: what a user of the published SDK has. */
export const ALLOWED_IMPORTS = new Set(["@motif/sdk", "viem", "viem/accounts", "viem/actions", "viem/chains"]);

export function importsOf(code: string): string[] {
  return [...code.matchAll(/^\s*import\s[\s\S]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
}

/**
 * A folder for the examples as modules: `node_modules` links to the project's (viem), and a
 * tsconfig maps "@motif/sdk" to the SDK's source for the type-check.
 */
export async function prepareExampleDir(dir: string, cwd: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await symlink(path.join(cwd, "node_modules"), path.join(dir, "node_modules"), "dir");
}

const fileName = (index: number) => `example-${String(index).padStart(3, "0")}.mts`;

/**
 * Type-checks the examples as written (strict, like the SDK), "@motif/sdk" resolving to the SDK's
 * source. Returns tsc's diagnostics per example (empty: all type-check).
 */
export async function typeCheckExamples(dir: string, cwd: string, examples: Example[]): Promise<Map<string, string[]>> {
  const files = examples.map((_, i) => fileName(i));
  await Promise.all(examples.map((e, i) => writeFile(path.join(dir, files[i]!), e.code + "\n")));
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2023", "DOM"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noUncheckedIndexedAccess: true,
        resolveJsonModule: true,
        skipLibCheck: true,
        noEmit: true,
        types: [],
        paths: { "@motif/sdk": [path.join(cwd, "sdk", "src", "index.ts")] },
      },
      files,
    }),
  );
  const tsc = path.join(cwd, "node_modules", "typescript", "bin", "tsc");
  let output = "";
  try {
    await promisify(execFile)(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.json"), "--pretty", "false"], { cwd: dir, maxBuffer: 16 << 20 });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
    if (output.trim() === "") throw error;
  }
  const byExample = new Map<string, string[]>();
  let key = "(tsc)";
  for (const line of output.split("\n").filter((l) => l.trim() !== "")) {
    const m = /^example-(\d{3})\.mts\((\d+),(\d+)\): (.*)$/.exec(line);
    // an indented line continues the diagnostic before it
    if (m !== null) key = examples[Number(m[1])]!.where;
    else if (!/^\s/.test(line)) key = "(tsc)";
    const text = m === null ? line.trim() : `line ${m[2]} of the example: ${m[4]}`;
    byExample.set(key, [...(byExample.get(key) ?? []), text]);
  }
  return byExample;
}

export type ExampleRoutes = Record<string, string>;

/**
 * A line `console.log(…); // "text"` (or console.error / warn / info, the comment possibly after the
 * closing braces of a block) says what the example prints: some printed line must be `text`, where
 * `…` in the text stands for any characters. Throws naming what was printed instead.
 */
export function checkPrinted(example: Example, printed: string[]): void {
  for (const m of example.code.matchAll(/console\.(?:log|error|warn|info)\([^\n]*\);[\s}]*\/\/\s*"([^"\n]*)"\s*$/gm)) {
    const expected = m[1]!;
    const pattern = new RegExp(`^${expected.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s");
    if (!printed.some((line) => pattern.test(line))) throw new Error(`the example's comment says it prints "${expected}"; it printed ${JSON.stringify(printed)}`);
  }
}

let runs = 0;

/**
 * Runs one example in this process as a module, as written but for "@motif/sdk", which resolves to
 * the SDK's source (sdk/src/index.ts). While it runs, `fetch` sends the origins in `routes` (the
 * URLs the examples name) to the test's servers and refuses every other URL. Resolves with what the
 * example printed (console.log, error, warn, info); rejects with what it threw, or when it did not
 * print what a `console.log(…); // "text"` comment says (see `checkPrinted`).
 */
export async function runExample(dir: string, cwd: string, example: Example, routes: ExampleRoutes): Promise<string[]> {
  const sdk = pathToFileURL(path.join(cwd, "sdk", "src", "index.ts")).href;
  const code = example.code.replace(/(from\s+)(["'])@motif\/sdk\2/g, `$1"${sdk}"`);
  const file = path.join(dir, `run-${++runs}.mts`);
  await writeFile(file, code + "\n");

  const printed: string[] = [];
  const realFetch = globalThis.fetch;
  const realConsole = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const target = routes[url.origin];
    if (target === undefined) throw new Error(`the example fetched ${url.href}: only ${Object.keys(routes).join(" and ")} are served to examples`);
    const routed = new URL(url.pathname + url.search, target);
    return realFetch(input instanceof Request ? new Request(routed, input) : routed, init);
  }) as typeof fetch;
  const print = (...args: unknown[]) => void printed.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)))).join(" "));
  Object.assign(console, { log: print, error: print, warn: print, info: print });
  try {
    await import(pathToFileURL(file).href);
  } finally {
    globalThis.fetch = realFetch;
    Object.assign(console, realConsole);
  }
  checkPrinted(example, printed);
  return printed;
}

/** An example for a web page: its first line says so (`// in a web page…`); it runs in Chromium. */
export const isWebPageExample = (example: Example): boolean => /^\s*\/\/\s*in a web page/i.test(example.code);

/** The page's origin (answered by the test, never the network): localhost is a secure context, so crypto.subtle is there as on the web page. */
const PAGE_ORIGIN = "http://localhost:5173";

/**
 * Runs one web-page example in headless Chromium: bundled by Vite ("@motif/sdk" resolving to the
 * SDK's source, as web/vite.config.ts does for the web page), loaded as a module script, the origins
 * in `routes` answered by the test's servers and every other request refused. Resolves with what it
 * printed; rejects with what it threw, or when it did not print what its comments say (`checkPrinted`).
 */
export async function runExampleInBrowser(
  dir: string,
  cwd: string,
  example: Example,
  routes: ExampleRoutes,
  browser: import("playwright-core").Browser,
): Promise<string[]> {
  const { build } = await import("vite");
  const file = path.join(dir, `page-${++runs}.ts`);
  await writeFile(file, example.code + "\n");
  const out = await build({
    root: dir,
    configFile: false,
    logLevel: "silent",
    resolve: { alias: { "@motif/sdk": path.join(cwd, "sdk", "src", "index.ts") } },
    build: { write: false, target: "esnext", minify: false, rollupOptions: { input: file, output: { format: "es" } } },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Array<{ output: Array<{ type: string; fileName: string; code?: string; isEntry?: boolean }> }>;
  const chunks = new Map(outputs.flatMap((o) => o.output).filter((o) => o.type === "chunk").map((o) => [`/${o.fileName}`, { code: o.code!, entry: o.isEntry === true }]));
  const entry = [...chunks].find(([, c]) => c.entry)?.[0];
  if (entry === undefined) throw new Error(`${example.where}: Vite made no bundle`);

  const page = await browser.newPage();
  const printed: string[] = [];
  const refused: string[] = [];
  try {
    page.on("console", (m) => {
      if (["log", "error", "warning", "info"].includes(m.type())) printed.push(m.text());
    });
    await page.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      if (url.origin === PAGE_ORIGIN) {
        const chunk = chunks.get(url.pathname);
        if (chunk !== undefined) return route.fulfill({ contentType: "text/javascript", body: chunk.code });
        return route.fulfill({
          contentType: "text/html",
          body: `<!doctype html><script type="module">import(${JSON.stringify(entry)}).then(() => { window.__example = { ok: true }; }, (e) => { window.__example = { ok: false, error: String(e && e.stack || e) }; });</script>`,
        });
      }
      const target = routes[url.origin];
      if (target === undefined) {
        refused.push(url.href);
        return route.abort("blockedbyclient");
      }
      const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "*", "access-control-allow-methods": "GET, POST, OPTIONS" };
      if (route.request().method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
      const response = await route.fetch({ url: new URL(url.pathname + url.search, target).href });
      return route.fulfill({ response, headers: { ...response.headers(), ...cors } });
    });
    await page.goto(`${PAGE_ORIGIN}/`);
    const result = (await (await page.waitForFunction(() => (globalThis as unknown as { __example?: unknown }).__example, undefined, { timeout: 60_000 })).jsonValue()) as { ok: boolean; error?: string };
    if (refused.length > 0) throw new Error(`the example fetched ${refused.join(", ")}: only ${Object.keys(routes).join(" and ")} are served to examples`);
    if (!result.ok) throw new Error(result.error);
  } finally {
    await page.close();
  }
  checkPrinted(example, printed);
  return printed;
}
