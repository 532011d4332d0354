import { type MemberFact, NO_DONE_TIMES, NO_TRANSITIONS } from './root-group.js';

/** Numbers per packed member: deletedAt, addedRv, goingRv, flags, and its own write's rv, at and seenAt. */
const NUMBERS = 7;
const LISTED = 1;
const DELETING_WHEN_LISTED = 2;

/**
 * The member facts of a settled root group, in their order, packed: a member
 * with no transitions, "done" times or replicas history left (an object whose
 * lifecycle span went out) is its uid and 7 numbers in flat lists (about 70
 * bytes, where the fact, its own write, its boxed times and its map entry
 * take about 200);
 * any other member is kept whole. {@link unpack} gives the same map again: the
 * same keys in the same order, and facts equal to those packed.
 */
export class PackedMembers {
  /** Per member: the whole fact, or null for a packed one. */
  readonly #slots: (MemberFact | null)[];
  readonly #uids: string[];
  readonly #numbers: number[];

  private constructor(slots: (MemberFact | null)[], uids: string[], numbers: number[]) {
    this.#slots = slots;
    this.#uids = uids;
    this.#numbers = numbers;
  }

  /** Members held. */
  get size(): number {
    return this.#slots.length;
  }

  /** Packs `members`; undefined when a key is not its fact's uid (never so), so the map is kept as it is. */
  static pack(members: ReadonlyMap<string, MemberFact>): PackedMembers | undefined {
    let packable = 0;
    for (const [uid, m] of members) {
      if (m.uid !== uid) return undefined;
      if (isPackable(m)) packable += 1;
    }
    // Made at their size and filled: no spare room, and the numbers unboxed.
    const slots = new Array<MemberFact | null>(members.size);
    const uids = new Array<string>(packable);
    const numbers = new Array<number>(packable * NUMBERS);
    let i = 0;
    let row = 0;
    for (const m of members.values()) {
      if (!isPackable(m)) {
        slots[i++] = m;
        continue;
      }
      slots[i++] = null;
      uids[row] = m.uid;
      const n = row * NUMBERS;
      numbers[n] = m.deletedAt ?? Number.NaN;
      numbers[n + 1] = m.addedRv ?? Number.NaN;
      numbers[n + 2] = m.goingRv ?? Number.NaN;
      numbers[n + 3] = (m.listed ? LISTED : 0) | (m.deletingWhenListed ? DELETING_WHEN_LISTED : 0);
      const own = m.ownWrite;
      numbers[n + 4] = own === undefined ? Number.NaN : own.rv;
      numbers[n + 5] = own === undefined ? Number.NaN : own.at;
      numbers[n + 6] = own === undefined ? Number.NaN : own.seenAt;
      row += 1;
    }
    return new PackedMembers(slots, uids, numbers);
  }

  /** The members as they were packed, in a map of their own. */
  unpack(): Map<string, MemberFact> {
    const out = new Map<string, MemberFact>();
    const numbers = this.#numbers;
    let row = 0;
    for (const slot of this.#slots) {
      if (slot !== null) {
        out.set(slot.uid, slot);
        continue;
      }
      const uid = this.#uids[row] ?? '';
      const n = row * NUMBERS;
      row += 1;
      const flags = numbers[n + 3] ?? 0;
      const ownRv = orUndefined(numbers[n + 4]);
      out.set(uid, {
        uid,
        transitions: NO_TRANSITIONS,
        doneAt: undefined,
        doneTimes: NO_DONE_TIMES,
        deletedAt: orUndefined(numbers[n]),
        listed: (flags & LISTED) !== 0,
        deletingWhenListed: (flags & DELETING_WHEN_LISTED) !== 0,
        replicas: undefined,
        addedRv: orUndefined(numbers[n + 1]),
        goingRv: orUndefined(numbers[n + 2]),
        ownWrite:
          ownRv === undefined
            ? undefined
            : { rv: ownRv, at: numbers[n + 5] ?? 0, seenAt: numbers[n + 6] ?? 0 },
      });
    }
    return out;
  }
}

function isPackable(m: MemberFact): boolean {
  return (
    m.transitions.length === 0 &&
    m.doneTimes.length === 0 &&
    m.doneAt === undefined &&
    m.replicas === undefined
  );
}

function orUndefined(n: number | undefined): number | undefined {
  return n === undefined || Number.isNaN(n) ? undefined : n;
}
