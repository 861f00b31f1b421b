import { type FormEvent, useEffect, useRef, useState } from "react";
import { api, type InterviewSession } from "../api.ts";
import { Loading, TestDoubleNote } from "../components/Load.tsx";

/** `/interview`: a new session, then its own page (whose link is the way back). */
export function NewInterviewPage() {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.newInterview().then(
      (s) => {
        // Replaced, not pushed: going back must not make another session.
        window.history.replaceState(null, "", s.link);
        window.dispatchEvent(new Event("populace:navigate"));
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  return <Loading error={error}>Preparing your interview…</Loading>;
}

function Consent({ session, onConsent }: { session: InterviewSession; onConsent: () => void }) {
  return (
    <section className="interview consent" aria-label="Consent">
      <h1>An interview about your life</h1>
      <p>
        You are invited to a conversational interview. An automated interviewer (a computer program, not a
        person) will ask you about these topics, one at a time, and follow up on what you say:
      </p>
      <ul>
        {session.topics.map((t) => (
          <li key={t}>{t}</li>
        ))}
      </ul>
      <p>
        Your answers are stored on this server as a transcript for research, where they may be used to build a
        simulated person who answers as you would. Please do not give your full name, address, phone number or
        other details that identify you or others. You may skip any question, and stop at any time.
      </p>
      <p>
        Your progress is saved after every answer: you can leave and come back with the link to this page.
      </p>
      <div className="actions big">
        <button type="submit" onClick={onConsent}>
          I agree, start the interview
        </button>
      </div>
    </section>
  );
}

function Chat({
  session,
  onAnswer,
}: {
  session: InterviewSession;
  onAnswer: (text: string) => Promise<void>;
}) {
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const end = useRef<HTMLDivElement>(null);
  const turns = session.turns.length;
  // Scrolled to the newest turn whenever one comes. Braces: newer browsers' scrollIntoView returns
  // a promise, which React would take for a cleanup.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the effect runs when a turn is added
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [turns]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || sending) return;
    setSending(true);
    setFailure(null);
    try {
      await onAnswer(text);
      setText("");
    } catch (err) {
      setFailure((err as Error).message);
    } finally {
      setSending(false);
    }
  };
  const done = session.status === "completed";
  return (
    <section className="interview">
      <h1>Interview</h1>
      <p className="muted small" data-progress>
        {done
          ? `Finished: ${session.progress.modules} topics, ${session.words} words from you.`
          : `Topic ${session.progress.module} of ${session.progress.modules}: ${session.progress.topic}`}
      </p>
      <section className="transcript" aria-label="Transcript">
        {session.turns.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the transcript only grows, in order
          <div key={i} className={`turn ${t.speaker === "Participant" ? "mine" : "theirs"}`}>
            <span className="author">{t.speaker === "Participant" ? "You" : t.speaker}</span>
            <p className="text">{t.text}</p>
          </div>
        ))}
        <div ref={end} />
      </section>
      {done ? (
        <p className="fresh" role="status">
          Thank you: the interview is complete and your transcript is saved.
        </p>
      ) : (
        <form className="answer-form" onSubmit={submit} aria-label="Your answer">
          <label>
            Your answer
            <textarea
              name="answer"
              rows={4}
              value={text}
              onChange={(e) => setText(e.target.value)}
              disabled={sending}
            />
          </label>
          <div className="actions">
            <button type="submit" disabled={sending || !text.trim()}>
              {sending ? "Sending…" : "Send"}
            </button>
          </div>
          {failure && <p className="error">{failure}</p>}
          <p className="muted small">
            You can leave now and come back later with this page's link: {window.location.href}
          </p>
        </form>
      )}
    </section>
  );
}

/** `/interview/:session`: the consent screen, then the chat; the session is saved after every answer. */
export function InterviewPage({ session: id }: { session: string }) {
  const [session, setSession] = useState<InterviewSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.interview(id).then(setSession, (e: Error) => setError(e.message));
  }, [id]);
  if (!session) return <Loading error={error} />;
  return (
    <>
      <TestDoubleNote note={session.note} />
      {session.status === "consent" ? (
        <Consent
          session={session}
          onConsent={() => api.consent(id).then(setSession, (e: Error) => setError(e.message))}
        />
      ) : (
        <Chat session={session} onAnswer={async (text) => setSession(await api.answer(id, text))} />
      )}
      {error && <p className="error">{error}</p>}
    </>
  );
}
