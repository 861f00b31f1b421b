import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { createRng } from "../random/index.ts";

// The CLI in a child process, as a user meets it (stderr is a pipe here, not a terminal).
const bin = resolve(import.meta.dirname, "../../bin/populace");
const dir = mkdtempSync(join(tmpdir(), "populace-polish-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function populace(args: string[]) {
  return spawnSync(bin, args, { cwd: dir, encoding: "utf8", env: { ...process.env, POPULACE_DEBUG: "" } });
}

test("--version prints the package version; --help shows defaults unquoted", () => {
  const version = JSON.parse(
    readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8"),
  ).version;
  const v = populace(["--version"]);
  assert.equal(v.status, 0);
  assert.equal(v.stdout, `${version}\n`);
  const help = populace(["results", "--help"]);
  assert.match(help.stdout, /--db <file> +SQLite database \(default: populace\.db\)/);
  assert.match(help.stdout, /\(default: csv\)/);
  assert.doesNotMatch(help.stdout, /default: "/);
});

test("a bad model id names baseline:demographic among the accepted forms", () => {
  const spec = join(dir, "s.yaml");
  writeFileSync(
    spec,
    "name: s\npopulation: {source: agent-bank, n: 2}\ninstrument: {items: [{gss: cappun}]}\n",
  );
  for (const id of ["gpt-4o", "baseline:random"]) {
    const r = populace(["validate", spec, "--model", id]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /or baseline:demographic \(the offline statistical baseline\)/);
  }
  assert.match(
    populace(["validate", spec, "--model", "baseline:random"]).stderr,
    /the only baseline is baseline:demographic/,
  );
});

test("regress --family; --model still works as a deprecated alias that warns", () => {
  const rng = createRng(5);
  const rows = (shift: number) =>
    [
      "y,x",
      ...Array.from({ length: 60 }, (_, i) => {
        const x = i / 10;
        return `${(1 + 2 * x + shift + rng.normal()).toFixed(4)},${x}`;
      }),
    ].join("\n");
  writeFileSync(join(dir, "h.csv"), rows(0));
  writeFileSync(join(dir, "s.csv"), rows(0.5));
  const base = ["regress", "--human", "h.csv", "--sim", "s.csv", "--formula", "y ~ x", "--json"];
  const family = populace([...base, "--family", "ols"]);
  assert.equal(family.status, 0, family.stderr);
  assert.equal(family.stderr, "");
  const alias = populace([...base, "--model", "ols"]);
  assert.equal(alias.status, 0, alias.stderr);
  assert.equal(alias.stderr, "populace: warning: regress --model is deprecated; use --family\n");
  assert.deepEqual(JSON.parse(alias.stdout), JSON.parse(family.stdout));
  assert.match(populace(["regress", "--help"]).stdout, /--family <f> +ols \| logistic \(default: ols\)/);
  const wrong = populace([...base, "--family", "probit"]);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /--family must be ols or logistic, got "probit"/);
});

test("compare --bootstrap shows progress on stderr; --html says where it wrote, leaving no temporary file", () => {
  const lines = ["person_id,item,answer"];
  const sim = ["person_id,item,answer"];
  for (let p = 0; p < 40; p++) {
    for (const item of ["a", "b"]) {
      lines.push(`p${p},${item},${p % 3}`);
      sim.push(`p${p},${item},${(p * 7) % 3}`);
    }
  }
  writeFileSync(join(dir, "human.csv"), lines.join("\n"));
  writeFileSync(join(dir, "sim.csv"), sim.join("\n"));
  const r = populace([
    ...["compare", "--sim", "sim.csv", "--human", "human.csv"],
    ...["--bootstrap", "300", "--html", "fid.html"],
  ]);
  assert.equal(r.status, 0, r.stderr);
  // Not a terminal: plain lines, the last one when all resamples (two passes of 300) are done.
  const progress = r.stderr.split("\n").filter((l) => l.startsWith("bootstrap resamples: "));
  assert.equal(progress.at(-1), "bootstrap resamples: 600/600");
  assert.match(r.stderr, /^HTML report written to fid\.html$/m);
  assert.match(readFileSync(join(dir, "fid.html"), "utf8"), /<\/html>\n$/);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith(".tmp")),
    [],
    "the temporary file was renamed",
  );
});
