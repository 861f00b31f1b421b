import cliProgress from "cli-progress";
import type { Progress } from "../engine/index.ts";

export interface ProgressView {
  update(p: Progress): void;
  stop(): void;
}

/**
 * A live bar on a terminal; on anything else (CI logs, pipes) one plain line every few seconds,
 * since carriage-return animations turn into noise in a log file.
 */
export function progressView(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | failed {failed} | {rate}/s | cached {cached} | tokens {tokens} | cost {cost} | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        stream,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = fields(p);
        if (!started) {
          bar.start(p.total, 0, payload);
          started = true;
        }
        bar.update(p.done + p.failed, payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  let lastLine = "";
  const line = (p: Progress) => {
    const f = fields(p);
    return `${label}: ${p.done + p.failed}/${p.total} done (failed ${f.failed}, cached ${f.cached}), ${f.rate}/s, tokens ${f.tokens}, cost ${f.cost}`;
  };
  return {
    update(p) {
      const now = performance.now();
      if (now - last < 5000 && p.done + p.failed < p.total) return;
      last = now;
      lastLine = line(p);
      stream.write(`${lastLine}\n`);
    },
    stop() {},
  };
}

function fields(p: Progress) {
  const seconds = Math.max(p.elapsedMs / 1000, 1e-3);
  return {
    failed: p.failed,
    cached: p.cacheHits,
    rate: ((p.done + p.failed) / seconds).toFixed(1),
    tokens: p.inputTokens + p.outputTokens,
    cost: p.costUnknown ? "unknown" : `$${p.costUsd.toFixed(4)}`,
  };
}

export interface CountView {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * Progress of a counted task (bootstrap resamples) on stderr: a bar on a terminal, otherwise a
 * plain line every few seconds and one at the end.
 */
export function countProgress(label: string, stream: NodeJS.WriteStream = process.stderr): CountView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        stream,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = performance.now();
  return {
    update(done, total) {
      const now = performance.now();
      if (now - last < 5000 && done < total) return;
      last = now;
      stream.write(`${label}: ${done}/${total}\n`);
    },
    stop() {},
  };
}
