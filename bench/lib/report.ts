import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * A metric's goal: a number is a ceiling (lower is better: seconds, gas, bytes); `{ atLeast }` a
 * floor (higher is better: throughput). Either way `<name>.goal` in results.json holds the number.
 */
export type Goal = number | { atLeast: number };

/**
 * Collects benchmark figures, prints them as a table and merges them into `bench/results.json`, a
 * flat JSON object of metric name → number (a metric with a goal also gets `<name>.goal`).
 * Several bench scripts each write their own metrics into the one file.
 */
export class BenchReport {
  readonly results: Record<string, number> = {};
  private readonly notes: Record<string, string> = {};
  private readonly goals: Record<string, Goal> = {};

  constructor(private readonly title: string) {}

  /** Records a figure; with `goal`, the table says whether it is met (a number: at most; `{ atLeast }`: at least). */
  record(name: string, value: number | bigint, note: string, goal?: Goal): void {
    this.results[name] = Number(value);
    this.notes[name] = note;
    if (goal !== undefined) this.goals[name] = goal;
  }

  async write(file = path.join(process.cwd(), "bench", "results.json")): Promise<void> {
    let merged: Record<string, number> = {};
    try {
      merged = JSON.parse(await readFile(file, "utf8")) as Record<string, number>;
    } catch {
      // first run: start from nothing
    }
    for (const [name, value] of Object.entries(this.results)) {
      merged[name] = value;
      const goal = this.goals[name];
      if (goal !== undefined) merged[`${name}.goal`] = typeof goal === "number" ? goal : goal.atLeast;
    }
    const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(sorted, null, 2) + "\n");

    const width = Math.max(...Object.keys(this.results).map((k) => k.length), 6);
    console.log(`\n${this.title} (${new Date().toISOString()})\n`);
    console.log(`${"metric".padEnd(width)}  ${"value".padStart(10)}  ${"goal".padStart(8)}  note`);
    for (const [name, value] of Object.entries(this.results)) {
      const goal = this.goals[name];
      const met = goal === undefined ? undefined : typeof goal === "number" ? value <= goal : value >= goal.atLeast;
      const mark = met === undefined ? "" : met ? " (met)" : " (NOT met)";
      const shown = Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(3);
      const goalShown = goal === undefined ? "" : typeof goal === "number" ? goal.toLocaleString("en-US") : `≥ ${goal.atLeast.toLocaleString("en-US")}`;
      console.log(`${name.padEnd(width)}  ${shown.padStart(10)}  ${goalShown.padStart(8)}  ${this.notes[name]}${mark}`);
    }
    console.log(`\nmerged into ${path.relative(process.cwd(), file)}`);
  }
}
