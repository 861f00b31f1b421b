/**
 * npm run bench:community — a large simulated community on the instant model (an in-process test
 * double: no HTTP, no language model): 1,000 personas × 200 threads through the whole engine
 * (personas expanded in batches with near-duplicates rejected, posts, replies), stored in SQLite.
 * Reports the calls by stage, calls per thread and the time; then a replay of the finished run
 * (every call answered from the cache). The last stdout line is a JSON object of the figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInstantModel } from "../src/mock-llm/index.ts";
import { readCommunity, STAGE } from "../src/simulacra/index.ts";
import { parseStudy } from "../src/spec/index.ts";
import { openStore } from "../src/store/index.ts";
import { runStudy } from "../src/study/index.ts";

const personas = Number(process.env.BENCH_PERSONAS ?? 1000);
const threads = Number(process.env.BENCH_THREADS ?? 200);
const dir = mkdtempSync(join(tmpdir(), "populace-bench-community-"));
const log = (line: string) => process.stdout.write(`${line}\n`);

const study = parseStudy(
  `name: big-community
seed: 5
instrument:
  community:
    goal: people learning to bake bread at home share their loaves, failures and questions
    rules: [Be kind to beginners, No selling or advertising]
    seed_personas:
      - Yuna Kim, a nurse who bakes sourdough on her days off and posts photos of every loaf
      - Omar Haddad, a retired engineer who measures everything and loves hydration charts
      - Lena Fischer, a student with a tiny oven who mostly bakes flatbreads
    personas: ${personas}
    threads: ${threads}
`,
  "big-community.yaml",
);

try {
  const store = openStore(join(dir, "bench.db"));
  const model = createInstantModel({ seed: 1 });
  const t0 = performance.now();
  const run = await runStudy({ study, store, dataDir: dir, model });
  const seconds = (performance.now() - t0) / 1000;
  const calls = run.summary!.calls;
  const byStage = await Promise.all(
    [STAGE.personas, STAGE.posts, STAGE.replies].map(async (s) => {
      let n = 0;
      for await (const t of store.turns(run.run.id))
        if (Math.floor(t.seq / 2 ** 32) === s && t.status !== "note") n++;
      return n;
    }),
  );
  const c = await readCommunity(store, run.run.id);
  const replies = c.utterances.filter((u) => u.kind === "reply").length;
  log(
    `${personas} personas × ${threads} threads on the instant model (a test double): ${run.run.status} in ${seconds.toFixed(1)} s; ` +
      `${calls} calls (personas ${byStage[0]}, posts ${byStage[1]}, replies ${byStage[2]}); ` +
      `${(calls / threads).toFixed(2)} calls per thread, ${(replies / threads).toFixed(2)} replies per thread; ` +
      `${c.pools.get("main")!.length} members`,
  );
  const t1 = performance.now();
  const again = await runStudy({ study, store, dataDir: dir, model, newRun: true });
  const replaySeconds = (performance.now() - t1) / 1000;
  log(
    `replayed as a new run from the cache: ${again.summary!.cacheHits} cache hits, ${again.summary!.calls} calls, ${replaySeconds.toFixed(1)} s`,
  );
  await store.close();
  log(
    JSON.stringify({
      personas,
      threads,
      seconds,
      calls,
      calls_by_stage: { personas: byStage[0], posts: byStage[1], replies: byStage[2] },
      calls_per_thread: calls / threads,
      replies_per_thread: replies / threads,
      replay_seconds: replaySeconds,
      replay_cache_hits: again.summary!.cacheHits,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
