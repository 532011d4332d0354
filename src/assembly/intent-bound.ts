import type { IntentKey } from '../model/ids.js';
import { isSpecIntent, type RootGroup } from './root-group.js';

/**
 * Spec intents (generations and the delete) one root group keeps. A root that
 * never stays quiet for the retain period would otherwise keep one per
 * generation for as long as it lives; beyond this, the oldest emitted ones are
 * let go of ({@link letGoOfOldIntents}). Intents without a spec change are one
 * per object under the root, bounded with the group's facts.
 */
export const MAX_INTENTS_PER_ROOT = 64;

/**
 * Lets go of the oldest emitted spec intents of `group` while it holds more
 * than `max`, and returns their keys (the caller remembers them as closed and
 * counts them). What each had sent stays claimed, so no span goes out again
 * (`group.letGo`, at most `maxLetGo` keys, the oldest forgotten first); facts
 * before the oldest spec intent kept are dropped from then on
 * (`group.closedBefore`), and the held facts whose spans only it sent and
 * that nothing later can need (Events before that time, objects deleted) go.
 * Intents not emitted yet stay: they go out within the settle window.
 */
export function letGoOfOldIntents(group: RootGroup, max: number, maxLetGo: number): IntentKey[] {
  let spec = 0;
  for (const i of group.intents) if (isSpecIntent(i)) spec += 1;
  const gone: IntentKey[] = [];
  while (spec > max) {
    const k = group.intents.findIndex((i) => isSpecIntent(i) && i.emitted !== undefined);
    const intent = group.intents[k];
    if (intent === undefined) break;
    group.intents.splice(k, 1);
    spec -= 1;
    gone.push(intent.key);
    let letGo = group.letGo;
    if (letGo === undefined) {
      letGo = new Set();
      group.letGo = letGo;
    }
    for (const key of intent.emitted ?? []) letGo.add(key);
    while (letGo.size > maxLetGo) {
      const oldest = letGo.values().next().value;
      if (oldest === undefined) break;
      letGo.delete(oldest);
    }
    // Facts before the next spec intent's start were this one's (or older ones').
    for (const i of group.intents) {
      if (!isSpecIntent(i) || i.start === undefined) continue;
      if (i.start > group.closedBefore) group.closedBefore = i.start;
      break;
    }
    const emitted = intent.emitted;
    if (emitted === undefined) continue;
    for (const [key, fact] of group.actions) {
      if (fact.spanId !== undefined && emitted.has(fact.spanId) && fact.lastTime < group.closedBefore)
        group.actions.delete(key);
    }
    for (const [uid, m] of group.members) {
      if (uid !== group.rootUid && m.deletedAt !== undefined && emitted.has(`lifecycle ${uid}`))
        group.members.delete(uid);
    }
  }
  return gone;
}
