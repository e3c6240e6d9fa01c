/**
 * HTTP throughput and latency with autocannon on 127.0.0.1, bounded in time: `POST /v1/score` for
 * one team and for 1,000-team batches, beside Hono's own JSON echo of the same single-team body,
 * measured in the same run against servers in a child process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { DEFAULT_POST_PROFILES } from "../scoring/post-profiles";
import { sampleStenProfile } from "../scoring/profiles";
import { createRng } from "../scoring/random";

export interface HttpRow {
  what: string;
  requestsPerSecond: number;
  /** The server process's CPU time per request (user + system), µs. */
  cpuMicrosPerRequest: number;
  teamsPerSecond: number;
  p50ms: number;
  p99ms: number;
  errors: number;
}

const POSTS = [
  "party-secretary",
  "county-head",
  "discipline-secretary",
  "organization-head",
  "political-legal-secretary",
  "propaganda-head",
  "executive-deputy-head",
  "deputy-head",
  "deputy-head",
];

/** A 9-seat team of inline members (the stateless scorer's use), reproducible from the seed. */
export function inlineTeam(seed: number) {
  const rng = createRng(seed);
  const regions = ["XJ01", "XJ02", "XJ03", "XJ04"];
  return {
    region: "XJ01",
    seats: POSTS.map((post, i) => ({
      post,
      member: {
        id: `m${seed}-${i}`,
        stens: sampleStenProfile(rng, { C: 0.9, G: 0.9 }),
        birthRegion: rng.pick(regions),
        growthRegion: rng.pick(regions),
        age: 35 + rng.int(20),
        gender: rng.next() < 0.25 ? "female" : "male",
        education: rng.pick(["bachelor", "master", "associate"]),
        rank: "deputy-division",
        skills: [
          { skill: rng.pick(DEFAULT_POST_PROFILES).requiredSkills[0] ?? "economy", level: 3 + rng.int(3) },
        ],
        yearsInPost: 2 + rng.int(6),
        yearsInLocality: 3 + rng.int(6),
      },
    })),
  };
}

async function startServers(): Promise<{
  child: ChildProcess;
  banzi: string;
  echo: string;
  /** banzi's middleware around the no-scoring reference routes (see http-server.ts). */
  middleware: string;
  cpu: string;
  dir: string;
  token: string;
}> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/http-server.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ child, ...JSON.parse(line) });
    });
  });
}

/** How many server processes the batch cases are also run with (BANZI_PROCESSES). */
export const BATCH_PROCESSES = 2;

/**
 * CPU time (user + system, µs) of a process and its live children, from /proc (Linux): the primary
 * and its server processes. Clock ticks are 10 ms, fine over seconds of load.
 */
function treeCpuMicros(pid: number): number {
  const ticks = (p: number) => {
    const fields = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  };
  let total = ticks(pid);
  for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" "))
    if (task.trim()) total += ticks(Number(task));
  return total * 10_000;
}

/** `npm start`'s entry with BANZI_PROCESSES on the bench server's database file (already seeded). */
async function startProcesses(dir: string, token: string, count: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/node.ts"], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: `file:${join(dir, "bench.db")}`,
      BANZI_DEMO: "false",
      BANZI_ACCESS_LOG: "false",
      BANZI_ADMIN_TOKEN: token,
      BANZI_RATE_LIMIT: "1000000",
      BANZI_PROCESSES: String(count),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // The processes share the free port the primary was given for port 0; it prints it.
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`banzi (${count} processes) exited with ${code}`)));
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      const listening = /listening on (http:\/\/\S+) with/.exec(out);
      if (listening) resolve(listening[1] as string);
    });
  });
  return { child, url };
}

async function load(
  servers: { cpu: string | (() => number) },
  url: string,
  body: string,
  seconds: number,
  connections: number,
  token?: string,
) {
  const { cpu } = servers;
  const cpuTime = async () => (typeof cpu === "string" ? Number(await (await fetch(cpu)).text()) : cpu());
  const cpuBefore = await cpuTime();
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    connections,
    duration: seconds,
  });
  const cpuUsed = (await cpuTime()) - cpuBefore;
  return {
    requestsPerSecond: result.requests.average,
    cpuMicrosPerRequest: cpuUsed / Math.max(1, result.requests.total),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** Ids of stored cadres with an assessment, read from the server (the demo city). */
async function demoCadreIds(base: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${base}/v1/cadres?limit=200${cursor ? `&cursor=${cursor}` : ""}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`GET /v1/cadres answered ${res.status}`);
    const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** 1,000 teams of 9 distinct stored cadres each, in one county or spread over all twelve. */
function teamsById(ids: readonly string[], seed: number, counties: number) {
  const rng = createRng(seed);
  return Array.from({ length: 1000 }, () => {
    const chosen = new Set<string>();
    while (chosen.size < POSTS.length) chosen.add(rng.pick(ids));
    const members = [...chosen];
    return {
      region: `XJ${String(1 + rng.int(counties)).padStart(2, "0")}`,
      seats: POSTS.map((post, i) => ({ post, cadreId: members[i] as string })),
    };
  });
}

export async function benchHttp(seconds = 5): Promise<HttpRow[]> {
  const servers = await startServers();
  try {
    const single = JSON.stringify(inlineTeam(1));
    const singleSummary = JSON.stringify({ ...inlineTeam(1), detail: "summary" });
    const batch = JSON.stringify({ teams: Array.from({ length: 1000 }, (_, i) => inlineTeam(i + 1)) });
    const { token } = servers;
    const ids = await demoCadreIds(servers.banzi, token);
    const byIdOneCounty = JSON.stringify({ teams: teamsById(ids, 5, 1), detail: "scores" });
    const byIdCity = JSON.stringify({ teams: teamsById(ids, 6, 12), detail: "scores" });
    // The same kind of teams in the compact form: one county's seats once, then cadre ids per team.
    const oneCounty = teamsById(ids, 5, 1);
    const compact = JSON.stringify({
      region: oneCounty[0]?.region,
      posts: POSTS,
      alternatives: oneCounty.map((team) => team.seats.map((s) => s.cadreId)),
      detail: "scores",
    });
    // Warm up both servers (JIT, profile and member caches) before measuring.
    await load(servers, `${servers.echo}/echo`, single, 1, 10);
    await load(servers, `${servers.banzi}/v1/score`, single, 1, 10, token);
    await load(servers, `${servers.banzi}/v1/score`, byIdCity, 1, 2, token);
    // One case: `connections` open at once; banzi's routes get the token.
    const run = (base: string, path: string, body: string, connections: number) =>
      load(servers, `${base}${path}`, body, seconds, connections, base === servers.echo ? undefined : token);
    const echo = await run(servers.echo, "/echo", single, 10);
    // The app's own floor: the same middleware (token, role, audit, limits, headers) around almost no work.
    const deriveBody = JSON.stringify({ stens: inlineTeam(1).seats[0]?.member.stens });
    const derive = await run(servers.banzi, "/v1/psychometrics/derive", deriveBody, 10);
    // What a single-team answer can reach with no scoring at all: banzi's answer, computed once.
    const bareFull = await run(servers.echo, "/answer/full", single, 10);
    const bareSummary = await run(servers.echo, "/answer/summary", singleSummary, 10);
    const behindFull = await run(servers.middleware, "/v1/answer/full", single, 10);
    const behindSummary = await run(servers.middleware, "/v1/answer/summary", singleSummary, 10);
    const one = await run(servers.banzi, "/v1/score", single, 10);
    const oneSummary = await run(servers.banzi, "/v1/score", singleSummary, 10);
    const many = await run(servers.banzi, "/v1/score", batch, 2);
    const county = await run(servers.banzi, "/v1/score", byIdOneCounty, 2);
    const city = await run(servers.banzi, "/v1/score", byIdCity, 2);
    const alternatives = await run(servers.banzi, "/v1/score", compact, 2);
    // The same batches with several server processes sharing the port (the machine's cores).
    const cluster = await startProcesses(servers.dir, token, BATCH_PROCESSES);
    const clusterRows: [string, Awaited<ReturnType<typeof load>>][] = [];
    try {
      const pid = cluster.child.pid as number;
      const on = { cpu: () => treeCpuMicros(pid) };
      const url = `${cluster.url}/v1/score`;
      const connections = 2 * BATCH_PROCESSES;
      await load(on, url, byIdCity, 1, connections, token);
      const label = `${BATCH_PROCESSES} server processes`;
      for (const [what, body] of [
        [`1,000 teams by cadreId, one county, scores — ${label}`, byIdOneCounty],
        [`1,000 teams by cadreId, 12 counties, scores — ${label}`, byIdCity],
        [`1,000 alternatives (compact form), one county — ${label}`, compact],
      ] as const)
        clusterRows.push([what, await load(on, url, body, seconds, connections, token)]);
    } finally {
      cluster.child.kill("SIGTERM");
      await new Promise((r) => cluster.child.once("exit", r));
    }
    const batchRow = (what: string, r: typeof many) => ({
      what,
      ...r,
      teamsPerSecond: r.requestsPerSecond * 1000,
    });
    return [
      { what: "Hono JSON echo (same body)", ...echo, teamsPerSecond: 0 },
      { what: "POST /v1/psychometrics/derive (the app's floor)", ...derive, teamsPerSecond: 0 },
      { what: "No scoring: Hono answers the full answer", ...bareFull, teamsPerSecond: 0 },
      { what: "No scoring: banzi's middleware, full answer", ...behindFull, teamsPerSecond: 0 },
      { what: "No scoring: Hono answers the summary", ...bareSummary, teamsPerSecond: 0 },
      { what: "No scoring: banzi's middleware, summary", ...behindSummary, teamsPerSecond: 0 },
      { what: "POST /v1/score, one team (full explanation)", ...one, teamsPerSecond: one.requestsPerSecond },
      {
        what: "POST /v1/score, one team, detail: summary",
        ...oneSummary,
        teamsPerSecond: oneSummary.requestsPerSecond,
      },
      batchRow("1,000 inline teams, summary", many),
      batchRow("1,000 teams by cadreId, one county, scores", county),
      batchRow("1,000 teams by cadreId, 12 counties, scores", city),
      batchRow("1,000 alternatives (compact form), one county, scores", alternatives),
      ...clusterRows.map(([what, r]) => batchRow(what, r)),
    ];
  } finally {
    servers.child.kill("SIGTERM");
    await new Promise((r) => servers.child.once("exit", r));
    rmSync(servers.dir, { recursive: true, force: true });
  }
}
