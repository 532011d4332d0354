/**
 * What an action does to the object it acted on. Lifecycle spans hang under
 * `create` / `scale-up` actions, termination spans under `delete` actions;
 * `observe` actions only report on their object.
 */
export type ActionVerb = 'create' | 'delete' | 'scale-up' | 'scale-down' | 'observe';

/** Every verb, for validation. */
export const ACTION_VERBS: readonly ActionVerb[] = ['create', 'delete', 'scale-up', 'scale-down', 'observe'];

/**
 * One row of the causality table: plain JSON-able data, so operators and CRDs
 * can add their own rules without code.
 *
 * A rule matches an Event when its reporting controller (reportingController,
 * reportingComponent or source.component) equals `controller` (omitted or `*`
 * matches any), its `reason` equals `reason` and its involved object's kind
 * equals `involvedKind`. With `actedOnKind`, the object acted on is read from
 * the note by the `note` regex's named group `name`; without it, the action is
 * about the involved object itself.
 */
export interface CausalityRule {
  readonly controller?: string;
  readonly reason: string;
  readonly involvedKind: string;
  readonly actedOnKind?: string;
  /**
   * A regular expression source with a `(?<name>…)` group; required with `actedOnKind`.
   * It is compiled with the `i` flag (case-insensitive): controllers change the case of
   * their notes between releases ("create Pod" before v1.37, "Create Pod" since).
   */
  readonly note?: string;
  readonly verb: ActionVerb;
  /** When true, a Warning with this rule counts as "stuck" if its trace is cut off: the root ends in ERROR. */
  readonly stuck?: boolean;
  /**
   * The Event reports its involved object's condition of this type turning True
   * (the job-controller's `Completed` reports `Complete`): its span starts at that
   * transition, the object's own stamp of it, when that is earlier than the Event.
   */
  readonly condition?: string;
}

/** What a matched rule says about one Event. */
export interface RuleMatch {
  readonly verb: ActionVerb;
  /** The kind acted on; the involved kind when the rule names none. */
  readonly actedOnKind: string;
  /** The name acted on, read from the note; undefined when it is the involved object itself. */
  readonly actedOnName: string | undefined;
  readonly stuck: boolean;
  /** The condition of the involved object whose turning True the Event reports, if the rule names one. */
  readonly condition?: string;
}
