/**
 * Real forum threads in the reddit-cmv-threads format (its PROVENANCE.txt): one chain a JSON
 * line, `{"thread", "comments": [{"id", "parent_id", "author", "body", "violated_rule"?, …}]}`,
 * comments oldest first; `violated_rule` is the moderators' label (0 none). A user's own threads
 * can come in the same format; other fields are kept out of the way.
 */
import { z } from "zod";
import { readJsonl } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { formatPath } from "../../spec/index.ts";

const commentSchema = z.looseObject({
  id: z.string().min(1),
  parent_id: z.string(),
  author: z.string(),
  body: z.string(),
  violated_rule: z.int().min(0).optional(),
});

const threadSchema = z.looseObject({
  thread: z.string().min(1),
  kind: z.string().optional(),
  submission: z.string().optional(),
  comments: z.array(commentSchema).min(1, "a thread needs at least one comment"),
});

export interface RealComment {
  id: string;
  parentId: string;
  author: string;
  body: string;
  /** The moderators' label: 0 none, else the rule broken; undefined when the file has no labels. */
  violatedRule?: number;
}

export interface RealThread {
  thread: string;
  /** What groups threads that share a conversation (the Reddit submission), for splitting data. */
  group: string;
  comments: RealComment[];
}

export function readThreadsFile(path: string): RealThread[] {
  const out: RealThread[] = [];
  const seen = new Set<string>();
  for (const { line, value } of readJsonl(path)) {
    const parsed = threadSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(issue.message, {
        where: `${path}:${line}${issue.path.length ? ` ${formatPath(issue.path)}` : ""}`,
      });
    }
    const t = parsed.data;
    if (seen.has(t.thread))
      throw new UserError(`thread "${t.thread}" appears twice`, { where: `${path}:${line} thread` });
    seen.add(t.thread);
    out.push({
      thread: t.thread,
      group: t.submission ?? t.thread,
      comments: t.comments.map((c) => ({
        id: c.id,
        parentId: c.parent_id,
        author: c.author,
        body: c.body,
        violatedRule: c.violated_rule,
      })),
    });
  }
  if (out.length === 0) throw new UserError("no threads in the file", { where: path });
  return out;
}

/** The CMV threads of the data directory (reddit-cmv-threads/threads.jsonl). */
export const CMV_THREADS = "reddit-cmv-threads/threads.jsonl";
