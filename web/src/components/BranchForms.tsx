import { type FormEvent, useState } from "react";
import { api, type Job } from "../api.ts";
import { JobProgress, useJob } from "./Progress.tsx";

const PRESETS = [
  "A troll who mocks other members and derails the thread",
  "A moderator who reminds everyone of the rules, kindly but firmly",
  "A newcomer who asks a basic question",
];

/** WhatIf from one utterance: who replies next (or what they say), and how many replies follow. */
export function WhatIfForm({
  run,
  utterance,
  onDone,
}: {
  run: string;
  utterance: string;
  onDone: (job: Job) => void;
}) {
  const [persona, setPersona] = useState(PRESETS[0]);
  const [text, setText] = useState("");
  const [more, setMore] = useState(2);
  const { job, error, busy, start } = useJob(onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start(() =>
      api.whatif(run, {
        utterance,
        as: persona,
        text: text.trim() === "" ? undefined : text,
        continue: more,
      }),
    );
  };
  return (
    <form className="branch-form" onSubmit={submit} aria-label={`WhatIf after ${utterance}`}>
      <label>
        Next replier's persona
        <input name="as" value={persona} onChange={(e) => setPersona(e.target.value)} required />
      </label>
      <div className="chips">
        {PRESETS.map((p) => (
          <button type="button" key={p} className="chip" onClick={() => setPersona(p)}>
            {p.split(" ").slice(0, 2).join(" ")}
          </button>
        ))}
      </div>
      <label>
        Their reply (leave empty to generate it)
        <textarea name="text" value={text} onChange={(e) => setText(e.target.value)} rows={2} />
      </label>
      <label className="inline">
        then continue for
        <input
          name="continue"
          type="number"
          min={0}
          max={50}
          value={more}
          onChange={(e) => setMore(Number(e.target.value))}
        />
        replies
      </label>
      <button type="submit" disabled={busy}>
        Run WhatIf
      </button>
      <JobProgress job={job} error={error} />
    </form>
  );
}

/** Multiverse from one utterance, or of the whole community: how many alternatives, at which temperature. */
export function MultiverseForm({
  run,
  utterance,
  onDone,
}: {
  run: string;
  utterance?: string;
  onDone: (job: Job) => void;
}) {
  const [n, setN] = useState(3);
  const [temperature, setTemperature] = useState(0.8);
  const { job, error, busy, start } = useJob(onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start(() =>
      api.multiverse(run, utterance ? { utterance, n, temperature } : { community: true, n, temperature }),
    );
  };
  return (
    <form
      className="branch-form"
      onSubmit={submit}
      aria-label={utterance ? `Multiverse after ${utterance}` : "Multiverse of the community"}
    >
      <label className="inline">
        Alternatives
        <input
          name="n"
          type="number"
          min={1}
          max={20}
          value={n}
          onChange={(e) => setN(Number(e.target.value))}
        />
      </label>
      <label className="inline">
        temperature
        <input
          name="temperature"
          type="number"
          min={0}
          max={2}
          step={0.1}
          value={temperature}
          onChange={(e) => setTemperature(Number(e.target.value))}
        />
      </label>
      <button type="submit" disabled={busy}>
        Run Multiverse
      </button>
      <JobProgress job={job} error={error} />
    </form>
  );
}
