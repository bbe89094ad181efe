/**
 * Import-boundary check (part of `npm test`): the packages' arrows point one way,
 * contracts → sdk → generator / web / tooling, and everything outside the SDK reaches it by its
 * package name only (`@motif/sdk`, through its `exports`), never by a path into `sdk/src`.
 *
 *   tsx scripts/check-boundaries.ts [ROOT]     exits 1 and names each import that breaks a rule
 *
 * Layers (by folder): sdk = sdk/src; generator = generator/src and generator/bin; indexer = indexer (its tests
 * excepted); web = web/src; tooling = scripts,
 * bench, test, ignition. Rules: the SDK imports nothing of the other layers; the generator and the
 * web page import no tooling and not each other; no layer but the SDK reaches into sdk/ by a
 * relative path; `@motif/sdk/<subpath>` only where the SDK's package.json exports that subpath;
 * a workspace package (`@motif/<name>`) only along the arrows; and every other package a layer
 * imports is declared by the layer's own package.json (sdk/, generator/, web/; the root's for the
 * tooling) — the workspaces are real packages, not folders sharing the root's node_modules.
 * A TypeScript-aware scan (import/export … from, import(), `import x = require()`), not a regex
 * over lines: comments and strings that merely mention a path are not imports.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

type Layer = "sdk" | "generator" | "indexer" | "web" | "tooling";
/** The first entry whose folder holds a file gives its layer. */
const LAYERS: Array<[Layer, string]> = [
  ["sdk", "sdk/src"],
  ["generator", "generator/src"],
  ["generator", "generator/bin"],
  ["tooling", "indexer/test"],
  ["indexer", "indexer"],
  ["web", "web/src"],
  ["tooling", "scripts"],
  ["tooling", "bench"],
  ["tooling", "test"],
  ["tooling", "ignition"],
  // the packages' own tests: tooling beside the package they test (run by the root's Hardhat)
  ["tooling", "sdk/test"],
  ["tooling", "generator/test"],
  ["tooling", "web/test"],
];
/** Which layers each layer may import by a relative path (besides itself). */
const MAY_IMPORT: Record<Layer, Layer[]> = { sdk: [], generator: [], indexer: [], web: [], tooling: ["generator", "indexer", "web"] };
/** Each layer's package.json (the manifest that must declare what it imports). */
const MANIFEST: Record<Layer, string> = { sdk: "sdk/package.json", generator: "generator/package.json", indexer: "indexer/package.json", web: "web/package.json", tooling: "package.json" };
/** The workspace packages each layer may import by name (besides its own). */
const MAY_IMPORT_PACKAGE: Record<Layer, string[]> = {
  sdk: [],
  generator: ["@motif/sdk"],
  indexer: ["@motif/sdk"],
  web: ["@motif/sdk"],
  tooling: ["@motif/sdk", "@motif/generator", "@motif/indexer", "@motif/web", "@motif/contracts"],
};
const WORKSPACE_NAME: Record<Layer, string | undefined> = { sdk: "@motif/sdk", generator: "@motif/generator", indexer: "@motif/indexer", web: "@motif/web", tooling: undefined };

type Manifest = { exports?: Record<string, unknown>; dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; devDependencies?: Record<string, string> };

/** The package an import names: `@scope/name` or `name` (undefined for a relative path or a Node built-in). */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  // Ponder's virtual modules (ponder:registry, ponder:schema, ponder:api) belong to the ponder package
  if (specifier.startsWith("ponder:")) return "ponder";
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  return builtinModules.includes(name) ? undefined : name;
}

export type Violation = { file: string; line: number; specifier: string; rule: string };

function layerOf(root: string, file: string): Layer | undefined {
  const rel = path.relative(root, file).split(path.sep).join("/");
  for (const [layer, dir] of LAYERS) if (rel === dir || rel.startsWith(`${dir}/`)) return layer;
  return undefined;
}

function* sourceFiles(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.(m|c)?[jt]sx?$/.test(name) && !/\.d\.(m|c)?ts$/.test(name)) yield full;
  }
}

function importsOf(file: string): Array<{ specifier: string; line: number }> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: Array<{ specifier: string; line: number }> = [];
  const add = (node: ts.Node, text: string) => found.push({ specifier: text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node, node.arguments[0].text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every import under `root` that breaks a boundary rule. */
export function checkBoundaries(root: string): Violation[] {
  const manifests = new Map<Layer, Manifest | undefined>();
  const manifestOf = (layer: Layer): Manifest | undefined => {
    if (!manifests.has(layer)) {
      const file = path.join(root, MANIFEST[layer]);
      manifests.set(layer, existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Manifest) : undefined);
    }
    return manifests.get(layer);
  };
  const pkg = manifestOf("sdk") ?? {};
  const subpaths = new Set(Object.keys(pkg.exports ?? {}).filter((k) => k !== ".").map((k) => k.replace(/^\.\//, "")));
  const violations: Violation[] = [];
  for (const [, dir] of LAYERS) {
    for (const file of sourceFiles(path.join(root, dir))) {
      const from = layerOf(root, file)!;
      const rel = path.relative(root, file).split(path.sep).join("/");
      for (const { specifier, line } of importsOf(file)) {
        const v = (rule: string) => violations.push({ file: rel, line, specifier, rule });
        if (specifier.startsWith("@motif/sdk/")) {
          if (!subpaths.has(specifier.slice("@motif/sdk/".length))) v(`"@motif/sdk" exports no "./${specifier.slice("@motif/sdk/".length)}": import from "@motif/sdk"`);
          continue;
        }
        if (!specifier.startsWith(".") && !path.isAbsolute(specifier)) {
          const name = packageOf(specifier);
          if (name === undefined || name === WORKSPACE_NAME[from]) continue;
          if (name.startsWith("@motif/") && !MAY_IMPORT_PACKAGE[from].includes(name)) {
            v(`${from} must not import ${name}: the arrows are contracts → sdk → generator / web / scripts`);
            continue;
          }
          const m = manifestOf(from);
          const declared = m !== undefined && [m.dependencies, m.peerDependencies, m.devDependencies].some((d) => d !== undefined && name in d);
          if (!declared) v(`${MANIFEST[from]} does not declare "${name}": add it to that workspace's dependencies`);
          continue;
        }
        const target = path.resolve(path.dirname(file), specifier);
        const targetRel = path.relative(root, target).split(path.sep).join("/");
        const to = layerOf(root, target);
        if (from !== "sdk" && (targetRel === "sdk" || targetRel.startsWith("sdk/"))) {
          v(`reaches into the SDK by a path: import from "@motif/sdk" (add the name to sdk/src/index.ts if it is missing)`);
          continue;
        }
        if (to === undefined || to === from) continue;
        if (!MAY_IMPORT[from].includes(to)) v(`${from} must not import ${to}: the arrows are contracts → sdk → generator / web / scripts`);
      }
    }
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("check-boundaries.ts")) {
  const root = path.resolve(process.argv[2] ?? process.cwd());
  const violations = checkBoundaries(root);
  for (const x of violations) console.error(`${x.file}:${x.line}: imports "${x.specifier}": ${x.rule}`);
  if (violations.length > 0) {
    console.error(`import boundaries: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log("import boundaries: every import points contracts → sdk → generator / web / scripts, the SDK by its package name");
}
