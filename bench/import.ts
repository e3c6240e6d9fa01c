/**
 * Benchmark of importing a round of test results (issue 5): 10,000 assessments from one CSV (UTF-8,
 * kind sten, matched by cadre id) into the embedded file database holding 10,000 cadres —
 * validation alone (a dry run) and a real import (validation again inside the write transaction,
 * then every row, the batch and its queued re-rank job committed at once). Each round on a fresh
 * copy of the same database; medians.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openNodeDb } from "../db/node";
import { systemClock } from "../src/deps";
import { importAssessments } from "../src/services/imports";
import { rerankAfterImport } from "../src/services/rerank";
import { cadreId, csvFor, seededDb } from "./rerank";

export interface ImportBenchRow {
  case: string;
  rows: number;
  medianMs: number;
  rowsPerSecond: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function benchImport({ rows = 10_000, rounds = 3 } = {}): Promise<ImportBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "banzi-bench-import-"));
  try {
    const base = join(dir, "base.db");
    (await seededDb(base, rows)).client.close();
    const csv = csvFor(
      Array.from({ length: rows }, (_, i) => cadreId(i)),
      "2026-11-20",
      5,
    );
    const dry: number[] = [];
    const real: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const path = join(dir, `round-${r}.db`);
      copyFileSync(base, path);
      const { db, client } = openNodeDb(`file:${path}`);
      const services = { db, clock: systemClock, newId: () => crypto.randomUUID() };
      try {
        let started = performance.now();
        const checked = await importAssessments(
          services,
          { format: "csv", bytes: csv },
          { kind: "sten", dryRun: true },
        );
        dry.push(performance.now() - started);
        if (checked.summary.errorCount || checked.summary.created !== rows)
          throw new Error(`the bench's CSV did not validate: ${checked.summary.errors[0]?.message}`);
        started = performance.now();
        const done = await importAssessments(
          services,
          { format: "csv", bytes: csv },
          { kind: "sten", onImported: rerankAfterImport(services) },
        );
        real.push(performance.now() - started);
        if (done.summary.created !== rows || !done.summary.jobId)
          throw new Error("the bench's import did not commit");
      } finally {
        client.close();
      }
    }
    return [
      {
        case: "validation only (dry run)",
        rows,
        medianMs: median(dry),
        rowsPerSecond: rows / (median(dry) / 1000),
      },
      {
        case: "import: validate + commit (+ queue re-rank job)",
        rows,
        medianMs: median(real),
        rowsPerSecond: rows / (median(real) / 1000),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
